"""Background tasks of the planning app, executed by the worker (`bearing worker`)."""

from django_tasks import task

from bearing.planning import runs


@task()
def execute_plan_run(run_id: int) -> None:
    """Solve one queued plan run and store its plan; see bearing.planning.runs."""
    runs.execute(run_id)


@task()
def compute_plan_frontier(run_id: int) -> None:
    """Compute the efficient frontier of a finished run; see bearing.planning.runs."""
    runs.compute_frontier(run_id)
