"""The real worker process: a plan run queued through the database task backend is executed by
`bearing worker --batch` in a separate process, against a file SQLite database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_SETUP = textwrap.dedent("""
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from bearing.core.tests.cast import make_cast
    from bearing.planning import runs
    from bearing.planning.tests.factories import make_planning_org, make_scenario
    cast = make_cast()
    make_planning_org(cast)
    run = runs.queue_run(cast.cio, make_scenario(cast.org, time_limit_seconds=3))
    print(run.pk)
""")


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bearing.config.settings",
        BEARING_DEV="1",
        SECRET_KEY="tests-only-not-a-secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        BEARING_DATA_DIR=str(tmp_path),
        BEARING_TASK_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def test_worker_process_executes_a_queued_run(tmp_path):
    env = _env(tmp_path)
    root = Path(__file__).resolve().parents[3]
    setup = subprocess.run([sys.executable, "-c", _SETUP], env=env, cwd=root, capture_output=True, text=True, timeout=180, check=False)
    assert setup.returncode == 0, setup.stderr
    run_id = int(setup.stdout.strip().splitlines()[-1])

    db = sqlite3.connect(tmp_path / "worker.sqlite3")
    status, task_id = db.execute("select status, task_id from planning_planrun where id = ?", (run_id,)).fetchone()
    assert status == "queued" and task_id  # enqueued in the database, waiting for a worker
    db.close()

    worker = subprocess.run([sys.executable, "-m", "bearing.cli", "worker", "--batch"], env=env, cwd=root,
                            capture_output=True, text=True, timeout=180, check=False)
    assert worker.returncode == 0, worker.stderr

    db = sqlite3.connect(tmp_path / "worker.sqlite3")
    status, plan_status, error = db.execute(
        "select status, plan_status, error from planning_planrun where id = ?", (run_id,)).fetchone()
    decisions = db.execute("select count(*) from planning_plandecision where run_id = ?", (run_id,)).fetchone()[0]
    task_status = db.execute("select status from django_tasks_database_dbtaskresult").fetchone()[0]
    db.close()
    assert status == "succeeded", error
    assert plan_status in ("optimal", "feasible")
    assert decisions == 5
    assert task_status == "SUCCESSFUL"
