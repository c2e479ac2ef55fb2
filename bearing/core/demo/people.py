"""IT's people for a generated organisation, and the sizing of demand effort against them:
skills go where the planned hours most lack cover, effort is scaled to a target capacity level,
and mandatory work is trimmed until it always fits.
"""

from __future__ import annotations

import random
import unicodedata

from bearing.core.demo import catalogue as cat
from bearing.core.demo.specs import PLANNED_STATUSES, DemandSpec, PersonSpec

__all__ = ["build_people", "calibrate_efforts", "fit_mandatory", "price_demands", "round10"]

_PLANNABLE = set(PLANNED_STATUSES)
_TEAM_OPERATIONS = {
    "Application Development": 0.3,
    "Data & Analytics": 0.3,
    "Infrastructure & Operations": 0.55,
    "Security": 0.45,
    "Enterprise Applications": 0.4,
    "Delivery & Architecture": 0.15,
}


def _ascii(text: str) -> str:
    return (
        unicodedata.normalize("NFKD", text)
        .encode("ascii", "ignore")
        .decode()
        .lower()
        .replace(" ", "")
    )


def round10(value: float) -> float:
    """Hours rounded to tens, at least 10."""
    return float(max(10, round(value / 10.0) * 10))


def build_people(
    rng: random.Random, count: int, demands: list[DemandSpec], quarters: int
) -> list[PersonSpec]:
    """IT's people: names from the pools, skills chosen where the planned hours most lack cover."""
    hours: dict[str, float] = {code: 1.0 for code, *_ in cat.SKILLS}
    for d in demands:
        if d.status in _PLANNABLE:
            for code, h in d.efforts.items():
                # Mandatory work counts twice: its skills must be staffed.
                hours[code] += h * (2.0 if d.need_class == "mandatory" else 1.0)
    total = sum(hours.values())
    share = {code: h / total for code, h in hours.items()}
    team_of = {
        skill: team for team, skills in reversed(list(cat.TEAMS.items())) for skill in skills
    }
    names = [f"{f} {l}" for f in cat.FIRST_NAMES for l in cat.LAST_NAMES]
    rng.shuffle(names)
    base_names = list(names)
    for letter in "ABCDEFGHIJKLMNOPRSTUVWZ":
        if len(names) >= count:
            break
        names += [n.replace(" ", f" {letter}. ", 1) for n in base_names]
    if len(names) < count:
        raise ValueError(f"at most {len(names)} people can be named")
    covered = {code: 0.0 for code in hours}
    people: list[PersonSpec] = []
    for name in names[:count]:
        fte = rng.choices((1.0, 0.8, 0.5), weights=(85, 10, 5))[0]
        cover_total = sum(covered.values()) + 1.0
        primary = max(share, key=lambda c: share[c] * cover_total - covered[c])
        team = team_of[primary]
        skills = [primary]
        if rng.random() < 0.35:
            others = [c for c in cat.TEAMS[team] if c != primary]
            if others:
                skills.append(max(others, key=lambda c: share[c] * cover_total - covered[c]))
        ops = round(min(0.8, max(0.05, _TEAM_OPERATIONS[team] + rng.uniform(-0.1, 0.1))), 2)
        for code in skills:
            covered[code] += fte * (1 - ops) / len(skills)
        first, last = name.split(" ", 1)
        email = f"{_ascii(first)}.{_ascii(last.replace('. ', ''))}@northwind.example"
        people.append(PersonSpec(name, email, team, skills, fte, ops))
    # A few availability changes: parental leave, part-time phases.
    for p in rng.sample(people, min(len(people), max(3, count // 12))):
        q = rng.randrange(quarters)
        fte = rng.choice((0.0, 0.5))
        for k in range(q, min(quarters, q + rng.randint(1, 2))):
            p.availability[k] = fte
    return people


def calibrate_efforts(
    demands: list[DemandSpec],
    people: list[PersonSpec],
    quarters: int,
    ratio: float,
    hours_per_fte: float,
) -> None:
    """Scale effort hours so that people's project hours over the horizon are `ratio` of the
    planned (assessed and approved) hours."""
    capacity = sum(
        p.availability.get(q, p.fte) * hours_per_fte * (1 - p.operations_share)
        for p in people
        if p.skills
        for q in range(quarters)
    )
    planned = sum(h for d in demands if d.status in _PLANNABLE for h in d.efforts.values())
    factor = min(4.0, max(0.25, capacity / (ratio * planned))) if planned and capacity else 1.0
    for d in demands:
        d.efforts = {s: round10(h * factor) for s, h in d.efforts.items()}


def fit_mandatory(
    demands: list[DemandSpec],
    people: list[PersonSpec],
    quarters: int,
    hours_per_fte: float,
    limit: float = 0.75,
) -> None:
    """Trim mandatory demands' skill hours so that, all started as early as allowed, they use at
    most `limit` of any skill's derived capacity in any quarter: mandatory work must always fit."""
    capacity: dict[str, list[float]] = {}
    for p in people:
        for code in p.skills:
            per_q = capacity.setdefault(code, [0.0] * quarters)
            for q in range(quarters):
                per_q[q] += (
                    p.availability.get(q, p.fte)
                    * hours_per_fte
                    * (1 - p.operations_share)
                    / len(p.skills)
                )
    mandatory = [d for d in demands if d.need_class == "mandatory"]
    load: dict[str, list[float]] = {}
    for d in mandatory:
        for code, hours in d.efforts.items():
            per_q = load.setdefault(code, [0.0] * quarters)
            for q in range(
                d.earliest_start_quarter, d.earliest_start_quarter + d.duration_quarters
            ):
                per_q[q] += hours / d.duration_quarters
    for d in mandatory:
        for code, hours in list(d.efforts.items()):
            active = range(d.earliest_start_quarter, d.earliest_start_quarter + d.duration_quarters)
            factor = min(
                (
                    limit * capacity.get(code, [0.0] * quarters)[q] / load[code][q]
                    if load[code][q]
                    else 1.0
                )
                for q in active
            )
            if factor < 1.0:
                trimmed = int(hours * factor / 10.0) * 10.0
                if trimmed <= 0:
                    del d.efforts[code]
                else:
                    d.efforts[code] = trimmed


def price_demands(rng: random.Random, demands: list[DemandSpec]) -> None:
    """Cost in EUR: external hours and licences, rounded to thousands."""
    for d in demands:
        hours = sum(d.efforts.values())
        licences = (
            rng.uniform(20_000, 150_000)
            if d.demand_type == "new_system"
            else rng.uniform(0, 20_000)
        )
        d.cost_eur = float(round((hours * rng.uniform(15, 60) + licences) / 1000.0) * 1000)
