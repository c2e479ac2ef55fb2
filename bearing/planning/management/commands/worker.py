"""Run the background worker that executes plan runs (django-tasks' database worker)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from bearing.planning.runs import mark_lost_runs


class Command(BaseCommand):
    help = "Execute queued plan runs in this process; marks runs of dead workers as lost first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args: object, batch: bool, interval: float, **options: object) -> None:
        lost = mark_lost_runs()
        if lost:
            self.stdout.write(f"Marked {lost} plan run(s) of stopped workers as lost.")
        worker_options: dict[str, object] = {"interval": interval, "startup_delay": False, "reload": False}
        if batch:
            worker_options["batch"] = True
        call_command("db_worker", **worker_options)
