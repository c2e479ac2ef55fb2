"""Fixtures of the planning tests: a small plannable organisation and a finished plan run."""

from __future__ import annotations

import pytest

from bearing.planning import runs
from bearing.planning.models import PlanRun
from bearing.planning.tests.factories import PlanningOrg, make_planning_org, make_scenario


@pytest.fixture
def planning_org(cast) -> PlanningOrg:
    return make_planning_org(cast)


@pytest.fixture
def scenario(cast, planning_org):
    return make_scenario(cast.org, time_limit_seconds=3)


@pytest.fixture
def finished_run(cast, scenario) -> PlanRun:
    """A run of `scenario` executed in this process (no worker)."""
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    run = PlanRun.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    return run
