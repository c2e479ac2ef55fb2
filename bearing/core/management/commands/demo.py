"""`bearing demo`: migrate, load the demo organisation if it is missing, print the logins, serve."""

from __future__ import annotations

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bearing.core.choices import Role
from bearing.core.demo import (
    DEMO_PASSWORD,
    DEMO_SEED,
    build_organisation,
    delete_organisation,
    load_organisation,
)
from bearing.core.demo.catalogue import COMPANY
from bearing.core.models import Organisation
from bearing.planning.demo_plan import compute_demo_plan

__all__ = ["Command", "after_demo_loaded", "describe_logins", "ensure_demo_organisation"]


def after_demo_loaded(organisation: Organisation) -> None:
    """HOOK (lead engineer): runs once right after the demo organisation is (re)built: computes
    its first plan and publishes it as IT Strategy v1 (bearing.planning.demo_plan)."""
    compute_demo_plan(organisation)


def ensure_demo_organisation(
    *,
    reset: bool = False,
    seed: int = DEMO_SEED,
    demands: int | None = None,
    people: int | None = None,
) -> tuple[Organisation, bool]:
    """The demo organisation, loaded if missing (or rebuilt with `reset`); returns it and whether
    it was loaded now."""
    existing = Organisation.objects.filter(slug=COMPANY["slug"]).first()
    if existing is not None and not reset:
        return existing, False
    if existing is not None:
        delete_organisation(existing)
    spec = build_organisation(seed=seed, demands=demands, people=people)
    organisation = load_organisation(spec, password=DEMO_PASSWORD)
    after_demo_loaded(organisation)
    return organisation, True


def describe_logins(organisation: Organisation) -> list[str]:
    """One line per login of the organisation: username, role and departments."""
    lines = []
    order = {role: i for i, role in enumerate(Role.values)}
    memberships = sorted(
        organisation.memberships.select_related("user"),
        key=lambda m: (order.get(m.role, len(order)), m.user.username),
    )
    for m in memberships:
        detail = ""
        if m.role == Role.BIO:
            detail = "BIO for " + ", ".join(
                sorted(d.name for d in m.user.bio_departments.filter(organisation=organisation))
            )
        elif m.role == Role.LEAD:
            detail = "lead of " + ", ".join(
                sorted(d.name for d in m.user.led_departments.filter(organisation=organisation))
            )
        lines.append(f"  {m.user.username:<18} {m.get_role_display():<30} {detail}".rstrip())
    return lines


class Command(BaseCommand):
    help = "Load the demo organisation (Northwind Components) if it is missing, print the demo logins, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load and exit without serving")
        parser.add_argument("--host", default=os.environ.get("BEARING_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BEARING_PORT", "8000")))
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo organisation and build it again"
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_true",
            dest="no_input",
            help="Do not ask for confirmation before --reset",
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED)
        parser.add_argument(
            "--demands",
            type=int,
            default=None,
            help="Number of demands (default: the 84 hand-written ones)",
        )
        parser.add_argument(
            "--people", type=int, default=None, help="Number of IT people (default 34)"
        )

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        reset = bool(options["reset"])
        if (
            reset
            and not options["no_input"]
            and Organisation.objects.filter(slug=COMPANY["slug"]).exists()
        ):
            try:
                answer = input(
                    f"This deletes {COMPANY['name']} and everything in it, then builds it again. "
                    "Type 'yes' to go on: "
                )
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Reset cancelled.")
        started = time.monotonic()
        try:
            organisation, loaded = ensure_demo_organisation(
                reset=reset,
                seed=options["seed"],
                demands=options["demands"],
                people=options["people"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if loaded:
            self.stdout.write(
                f"Loaded the demo organisation {organisation.name} in {time.monotonic() - started:.1f} s: "
                f"{organisation.demands.count()} demands, {organisation.people.count()} people, "
                f"{organisation.systems.count()} systems."
            )
        else:
            self.stdout.write(
                f"The demo organisation {organisation.name} is already loaded (--reset rebuilds it)."
            )
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"\nBearing: {url}\nDemo logins (password: {DEMO_PASSWORD}):")
        for line in describe_logins(organisation):
            self.stdout.write(line)
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"], with_worker=True)
