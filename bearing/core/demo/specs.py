"""The plain-data shape of a generated organisation: one dataclass per kind of row, linked by
keys (department codes, skill codes, demand references, usernames) instead of database ids."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

__all__ = [
    "PLANNED_STATUSES",
    "CommentSpec",
    "DemandSpec",
    "DepartmentSpec",
    "GoalSpec",
    "ObjectiveSpec",
    "OrganisationSpec",
    "PersonSpec",
    "SessionSpec",
    "SkillCapacitySpec",
    "SkillSpec",
    "SystemSpec",
    "UserSpec",
]

# Statuses whose hours the capacity level is set against (what a plan schedules first).
PLANNED_STATUSES = ("assessed", "approved")


@dataclass
class ObjectiveSpec:
    key: str
    name: str
    category: str
    weight: float
    description: str
    kpi_metric: str
    kpi_unit: str
    kpi_baseline: float
    kpi_target: float
    kpi_current: float
    kpi_due_date: datetime.date


@dataclass
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    leads: tuple[str, ...] = ()
    bio_of: tuple[str, ...] = ()


@dataclass
class DepartmentSpec:
    code: str
    name: str
    description: str
    base: str  # catalogue department it is modelled on
    lead: str | None  # username
    bios: list[str] = field(default_factory=list)


@dataclass
class SessionSpec:
    key: str
    department: str
    title: str
    held_on: datetime.date
    bio: str | None
    attendees: list[str]
    notes: str


@dataclass
class GoalSpec:
    key: str
    department: str
    title: str
    description: str
    kpi_metric: str
    kpi_unit: str
    kpi_baseline: float
    kpi_target: float
    kpi_current: float
    kpi_due_date: datetime.date
    session: str | None
    contributions: dict[str, str]


@dataclass
class SkillSpec:
    code: str
    name: str
    description: str


@dataclass
class PersonSpec:
    name: str
    email: str
    team: str
    skills: list[str]
    fte: float
    operations_share: float
    availability: dict[int, float] = field(default_factory=dict)


@dataclass
class SkillCapacitySpec:
    skill: str
    quarter: int
    hours: float
    note: str


@dataclass
class SystemSpec:
    code: str
    name: str
    kind: str
    owner: str | None
    criticality: str
    end_of_support: datetime.date | None
    capacity_unit: str
    capacity_units: float
    utilised_units: float
    description: str


@dataclass
class DemandSpec:
    reference: str
    department: str
    title: str
    description: str
    demand_type: str
    need_class: str
    status: str
    risk: str
    cost_eur: float
    duration_quarters: int
    earliest_start_quarter: int
    deadline_quarter: int | None
    session: str | None
    proposed_by: str | None
    goals: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    efforts: dict[str, float] = field(default_factory=dict)
    benefits: dict[str, float] = field(default_factory=dict)
    system_uses: dict[str, tuple[float, bool]] = field(default_factory=dict)


@dataclass
class CommentSpec:
    demand: str
    author: str
    text: str


@dataclass
class OrganisationSpec:
    name: str
    slug: str
    first_year: int
    first_quarter: int
    quarters: int
    seed: int
    objectives: list[ObjectiveSpec]
    users: list[UserSpec]
    departments: list[DepartmentSpec]
    sessions: list[SessionSpec]
    goals: list[GoalSpec]
    skills: list[SkillSpec]
    people: list[PersonSpec]
    skill_capacities: list[SkillCapacitySpec]
    systems: list[SystemSpec]
    demands: list[DemandSpec]
    comments: list[CommentSpec]

    def planned_hours(self) -> dict[str, float]:
        """Effort hours per skill of the assessed and approved demands."""
        totals: dict[str, float] = {}
        for d in self.demands:
            if d.status in PLANNED_STATUSES:
                for code, hours in d.efforts.items():
                    totals[code] = totals.get(code, 0.0) + hours
        return totals

    def capacity_hours(self, hours_per_fte: float = 390.0) -> dict[str, list[float]]:
        """Project hours per skill per quarter derived from people (the rule of
        capacity.services.derived_skill_hours), with the skill-capacity overrides applied."""
        result = {s.code: [0.0] * self.quarters for s in self.skills}
        for p in self.people:
            if not p.skills:
                continue
            for q in range(self.quarters):
                hours = (
                    p.availability.get(q, p.fte)
                    * hours_per_fte
                    * (1 - p.operations_share)
                    / len(p.skills)
                )
                for code in p.skills:
                    result[code][q] += hours
        for c in self.skill_capacities:
            result[c.skill][c.quarter] = c.hours
        return result
