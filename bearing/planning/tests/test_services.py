"""Scenario services: permission, validation of budget windows and capacity changes, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bearing.core.models import AuditEntry
from bearing.demand.tests.factories import make_demand
from bearing.planning.choices import DemandSelection
from bearing.planning.models import Scenario
from bearing.planning.services import create_scenario, update_scenario

pytestmark = pytest.mark.django_db


def _errors(exc: ValidationError) -> dict[str, str]:
    return {k: " ".join(v) for k, v in exc.message_dict.items()}


def test_cio_creates_a_scenario_with_audit(cast, planning_org):
    scenario = create_scenario(
        cast.cio, cast.org, name="Plan 2027", forced_in=[planning_org.demands["B"]],
        budget_windows=[{"first": 0, "last": 7, "amount": 500000}],
        capacity_changes=[{"resource": "system:erp", "amount": 5, "unit": "units", "from_quarter": 1}],
    )
    assert scenario.created_by == cast.cio and list(scenario.forced_in.all()) == [planning_org.demands["B"]]
    entry = AuditEntry.objects.get(object_type="planning.Scenario", object_id=str(scenario.pk))
    assert entry.actor == cast.cio and entry.after["forced_in"] == ["D-B"] and entry.after["name"] == "Plan 2027"


@pytest.mark.parametrize("name", ["viewer", "lead", "bio", "resource_manager", "outsider"])
def test_only_cio_creates_and_updates(cast, name):
    with pytest.raises(PermissionDenied):
        create_scenario(cast.user(name), cast.org, name="X")
    scenario = create_scenario(cast.cio, cast.org, name=f"Mine {name}")
    with pytest.raises(PermissionDenied):
        update_scenario(cast.user(name), scenario, name="Changed")
    scenario.refresh_from_db()
    assert scenario.name == f"Mine {name}" and not Scenario.objects.filter(name="X").exists()


@pytest.mark.parametrize("window, message", [
    ({"first": 3, "last": 1, "amount": 5}, "must not come after the last"),
    ({"first": 0, "last": 8, "amount": 5}, "inside the planning horizon"),
    ({"first": 0, "last": 2, "amount": -1}, "0 or more"),
    ({"first": 0}, "are required"),
])
def test_budget_windows_are_validated(cast, window, message):
    with pytest.raises(ValidationError) as exc:
        create_scenario(cast.cio, cast.org, name="Bad", budget_windows=[window])
    assert message in _errors(exc.value)["budget_windows"]
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("change, message", [
    ({"resource": "skill:cobol", "amount": 1, "unit": "fte", "from_quarter": 0}, "no skill or system “cobol”"),
    ({"resource": "system:erp", "amount": 1, "unit": "fte", "from_quarter": 0}, "not a unit of a system"),
    ({"resource": "skill:java", "amount": 1, "unit": "fte", "from_quarter": 9}, "inside the planning horizon"),
    ({"resource": "skill:java", "amount": -2, "unit": "fte", "from_quarter": 0}, "0 or more"),
])
def test_capacity_changes_are_validated(cast, planning_org, change, message):
    with pytest.raises(ValidationError) as exc:
        create_scenario(cast.cio, cast.org, name="Bad", capacity_changes=[change])
    assert message in _errors(exc.value)["capacity_changes"]


def test_demands_of_another_organisation_and_both_forced_ways_are_rejected(cast, planning_org):
    foreign = make_demand(organisation=cast.other_org, department=cast.other_department, reference="D-X")
    a = planning_org.demands["A"]
    with pytest.raises(ValidationError) as exc:
        create_scenario(cast.cio, cast.org, name="Bad", forced_in=[foreign, a], forced_out=[a])
    errors = _errors(exc.value)
    assert "D-X" in errors["forced_in"] and "Forced both in and out: D-A" in errors["forced_out"]


def test_chosen_selection_needs_demands_and_names_are_unique(cast, planning_org):
    with pytest.raises(ValidationError) as exc:
        create_scenario(cast.cio, cast.org, name="Chosen", selection=DemandSelection.CHOSEN, chosen_demands=[])
    assert "chosen_demands" in exc.value.message_dict
    create_scenario(cast.cio, cast.org, name="Same")
    with pytest.raises(ValidationError) as exc:
        create_scenario(cast.cio, cast.org, name="Same")
    assert "name" in exc.value.message_dict


def test_update_keeps_lists_when_not_given_and_audits_before_after(cast, planning_org):
    scenario = create_scenario(cast.cio, cast.org, name="S", forced_out=[planning_org.demands["D"]])
    update_scenario(cast.cio, scenario, time_limit_seconds=60, reason="longer")
    assert list(scenario.forced_out.values_list("reference", flat=True)) == ["D-D"]
    entry = AuditEntry.objects.get(object_type="planning.Scenario", action="update")
    assert entry.before["time_limit_seconds"] == 20 and entry.after["time_limit_seconds"] == 60
    assert entry.reason == "longer" and entry.after["forced_out"] == ["D-D"]
