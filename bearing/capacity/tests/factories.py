"""`make_*` helpers for capacity objects (ORM only; an organisation is created when not given)."""

from __future__ import annotations

import itertools
from typing import Any

from bearing.capacity.choices import SystemKind
from bearing.capacity.models import Person, PersonAvailability, Skill, SkillCapacity, System
from bearing.core.tests.factories import make_organisation

__all__ = ["make_person", "make_skill", "make_skill_capacity", "make_system"]

_seq = itertools.count(1)


def make_skill(**overrides: Any) -> Skill:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Skill {n}", "code": f"skill-{n}"}
    fields.update(overrides)
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return Skill.objects.create(**fields)


def make_person(*, skills: Any = (), availability: dict[int, Any] | None = None, **overrides: Any) -> Person:
    """A person; `availability` maps quarter index -> FTE for quarters that differ from `fte`."""
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Person {n}"}
    fields.update(overrides)
    if "organisation" not in fields:
        fields["organisation"] = skills[0].organisation if skills else make_organisation()
    person = Person.objects.create(**fields)
    if skills:
        person.skills.set(skills)
    for quarter, fte in (availability or {}).items():
        PersonAvailability.objects.create(person=person, quarter=quarter, fte=fte)
    return person


def make_skill_capacity(skill: Skill, quarter: int, hours: Any, **overrides: Any) -> SkillCapacity:
    return SkillCapacity.objects.create(
        organisation=skill.organisation, skill=skill, quarter=quarter, hours=hours, **overrides
    )


def make_system(**overrides: Any) -> System:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"System {n}", "code": f"system-{n}", "kind": SystemKind.APPLICATION}
    fields.update(overrides)
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return System.objects.create(**fields)
