"""`bearing generate_organisation`: build a large organisation for load and benchmark work."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from bearing.core.demo import (
    DEMO_PASSWORD,
    build_organisation,
    delete_organisation,
    load_organisation,
)
from bearing.core.models import Organisation

__all__ = ["Command"]


class Command(BaseCommand):
    help = (
        "Generate an organisation of the given size (names from combinatorial pools) with logins "
        "<slug>-cio, <slug>-bio, <slug>-lead, <slug>-itrm, <slug>-viewer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", default=None, help="Default: from the name")
        parser.add_argument("--demands", type=int, default=1000)
        parser.add_argument("--people", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument(
            "--reset", action="store_true", help="Replace an organisation with the same slug"
        )
        parser.add_argument("--no-input", "--noinput", action="store_true", dest="no_input")

    def handle(
        self,
        *args: object,
        name: str,
        slug: str | None,
        demands: int,
        people: int,
        seed: int,
        password: str,
        reset: bool,
        no_input: bool,
        **options: object,
    ) -> None:
        slug = slug or slugify(name)[:60]
        if not slug:
            raise CommandError("The name gives an empty slug; pass --slug.")
        existing = (
            Organisation.objects.filter(slug=slug).first()
            or Organisation.objects.filter(name=name).first()
        )
        if existing is not None:
            if not reset:
                raise CommandError(
                    f"An organisation '{existing.name}' ({existing.slug}) exists; pass --reset to replace it."
                )
            if (
                not no_input
                and input(f"Delete {existing.name} and everything in it? Type 'yes': ")
                .strip()
                .lower()
                != "yes"
            ):
                raise CommandError("Cancelled.")
            delete_organisation(existing)
        started = time.monotonic()
        try:
            spec = build_organisation(
                seed=seed,
                demands=demands,
                people=people,
                name=name,
                slug=slug,
                username_prefix=f"{slug}-",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        built = time.monotonic()
        organisation = load_organisation(spec, password=password)
        done = time.monotonic()
        self.stdout.write(
            f"Generated {organisation.name} ({organisation.slug}): {len(spec.demands)} demands, {len(spec.people)} people, "
            f"{len(spec.departments)} departments, {len(spec.systems)} systems; "
            f"built in {built - started:.1f} s, loaded in {done - built:.1f} s."
        )
        self.stdout.write(
            f"Logins: {slug}-cio, {slug}-bio, {slug}-lead, {slug}-itrm, {slug}-viewer (password: {password})"
        )
