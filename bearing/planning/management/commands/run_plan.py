"""Plan a scenario from the command line, in this process, and print the outcome."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bearing.core.models import Organisation
from bearing.planning.models import PlanRun, Scenario
from bearing.planning.runs import execute, queue_run


class Command(BaseCommand):
    help = "Run the plan of a scenario now (no worker needed) and print value, bound and gap."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="Organisation slug")
        parser.add_argument("scenario", help="Scenario name")

    def handle(self, *args: object, organisation: str, scenario: str, **options: object) -> None:
        try:
            org = Organisation.objects.get(slug=organisation)
            chosen = Scenario.objects.get(organisation=org, name=scenario)
        except (Organisation.DoesNotExist, Scenario.DoesNotExist) as exc:
            raise CommandError(f"No such organisation or scenario: {exc}") from exc
        run = queue_run(None, chosen)
        try:
            execute(run.pk)
        except KeyboardInterrupt:
            raise CommandError(f"Run {run.pk} interrupted and cancelled; the previous plan stays in place.") from None
        run = PlanRun.objects.get(pk=run.pk)
        if run.status != "succeeded":
            raise CommandError(f"Run {run.pk} {run.get_status_display().lower()}: {run.error}")
        gap = "" if run.gap is None else f", gap {run.gap:.2%}"
        self.stdout.write(f"Run {run.pk}: {run.plan_status}, value {run.objective:.1f}{gap}")
