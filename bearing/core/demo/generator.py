"""Deterministic, seeded builder of a demo organisation as plain data (no database).

`build_organisation(seed=…, demands=…, people=…)` returns an `OrganisationSpec`: the Northwind
Components company from `catalogue.py`, sized up with combinatorial names when more demands or
people are asked for. The same arguments always give the same organisation. Effort hours are
scaled so that IT's project capacity over the horizon covers about `capacity_ratio` of the hours
of the assessed and approved demands, which makes planning a real choice: with the default
0.85 and skills never perfectly balanced, an optimal plan of the demo fits about 60% of those
hours, mandatory demands included.
"""

from __future__ import annotations

import datetime
import random

from bearing.core.demo import catalogue as cat
from bearing.core.demo.people import (
    build_people,
    calibrate_efforts,
    fit_mandatory,
    price_demands,
    round10,
)
from bearing.core.demo.specs import (
    PLANNED_STATUSES,
    CommentSpec,
    DemandSpec,
    DepartmentSpec,
    GoalSpec,
    ObjectiveSpec,
    OrganisationSpec,
    SessionSpec,
    SkillCapacitySpec,
    SkillSpec,
    SystemSpec,
    UserSpec,
)

__all__ = ["build_organisation"]

_TYPES = {
    "ns": "new_system",
    "en": "enhancement",
    "in": "infrastructure",
    "se": "security",
    "co": "compliance",
    "su": "support",
}
_NEEDS = {"m": "mandatory", "c": "critical", "i": "important", "n": "nice_to_have"}
# Share of non-mandatory demands per status (spread over the whole workflow).
_STATUS_SHARES = {
    "approved": 0.32,
    "assessed": 0.25,
    "submitted": 0.12,
    "draft": 0.08,
    "scheduled": 0.04,
    "in_progress": 0.05,
    "delivered": 0.03,
    "rejected": 0.05,
    "deferred": 0.04,
    "withdrawn": 0.02,
}
# Skills every demand of a type needs besides its department's domain skills (relative weight).
_TYPE_SKILLS = {
    "new_system": {"analysis": 1.0, "pm": 0.8, "integration": 1.0, "testing": 1.0},
    "enhancement": {"analysis": 0.6, "testing": 0.8},
    "infrastructure": {"cloud": 2.0, "network": 1.2, "dba": 0.6, "pm": 0.5},
    "security": {"security": 2.5, "cloud": 0.6, "network": 0.6, "testing": 0.3},
    "compliance": {"analysis": 1.2, "pm": 0.6, "testing": 0.8, "security": 0.4},
    "support": {"testing": 0.4, "dba": 0.4},
}
_TYPE_DURATION = {
    "new_system": (2, 4),
    "enhancement": (1, 2),
    "infrastructure": (1, 3),
    "security": (1, 3),
    "compliance": (1, 3),
    "support": (1, 2),
}
_TYPE_SIZE = {
    "new_system": 1.3,
    "enhancement": 0.9,
    "infrastructure": 1.1,
    "security": 1.0,
    "compliance": 1.0,
    "support": 0.6,
}
_VERB_TYPES = {
    "Automate": "enhancement",
    "Modernise": "enhancement",
    "Integrate": "enhancement",
    "Replace": "new_system",
    "Extend": "enhancement",
    "Migrate": "infrastructure",
    "Harmonise": "enhancement",
    "Digitise": "new_system",
    "Consolidate": "support",
    "Upgrade": "support",
    "Standardise": "compliance",
    "Monitor": "security",
}
_STRENGTH_SCORES = {"high": (6, 9), "medium": (4, 7), "low": (1, 4)}
_REASONS = {
    "rejected": [
        "The business case does not cover the running cost.",
        "Covered by standard functions of the platform we already license.",
        "No sponsor agreed to fund the licences.",
    ],
    "deferred": [
        "Deferred to the next planning cycle: it depends on the S/4HANA decision.",
        "Deferred at the department's request until the reorganisation is settled.",
        "Deferred: the vendor's next release makes this much cheaper.",
    ],
    "withdrawn": [
        "Withdrawn by the department: the vendor now includes this in the standard product.",
        "Withdrawn: merged into a larger demand of the same department.",
    ],
}
_LEAD_REMARKS = [
    "We need this before the spring trade fair.",
    "Two key users are ready to help with testing.",
    "Please align the scope with the data platform work.",
    "This saves about one FTE of manual work.",
]


def build_organisation(
    *,
    seed: int = 2027,
    demands: int | None = None,
    people: int | None = None,
    name: str | None = None,
    slug: str | None = None,
    username_prefix: str = "",
    first_year: int = 2027,
    quarters: int = 8,
    capacity_ratio: float = 0.85,
    hours_per_fte: float = 390.0,
) -> OrganisationSpec:
    """The demo organisation as plain data: the catalogue company with `demands` demands (default:
    the 84 hand-written ones) and `people` people (default 34); usernames get `username_prefix`."""
    rng = random.Random(seed)
    n_demands = (
        len([1 for items in cat.DEMANDS.values() for _ in items]) if demands is None else demands
    )
    n_people = 34 if people is None else people
    if n_demands < 0 or n_people < 0:
        raise ValueError("demands and people must be zero or more")

    objectives = [
        ObjectiveSpec(
            key,
            nm,
            category,
            weight,
            desc,
            *kpi[:2],
            float(kpi[2]),
            float(kpi[3]),
            float(kpi[4]),
            kpi[5],
        )
        for key, nm, category, weight, desc, kpi in cat.OBJECTIVES
    ]
    departments, users = _departments_and_users(n_demands, username_prefix)
    sessions, goals = _sessions_and_goals(departments, users, first_year)
    skills = [SkillSpec(*row) for row in cat.SKILLS]
    systems = _systems(n_people)
    demand_specs = _demands(rng, n_demands, departments, sessions, goals, systems, quarters)
    _add_dependencies_and_deadlines(rng, demand_specs, quarters)
    person_specs = build_people(rng, n_people, demand_specs, quarters)
    calibrate_efforts(demand_specs, person_specs, quarters, capacity_ratio, hours_per_fte)
    fit_mandatory(demand_specs, person_specs, quarters, hours_per_fte)
    price_demands(rng, demand_specs)
    org = OrganisationSpec(
        name=name or cat.COMPANY["name"],
        slug=slug or cat.COMPANY["slug"],
        first_year=first_year,
        first_quarter=1,
        quarters=quarters,
        seed=seed,
        objectives=objectives,
        users=users,
        departments=departments,
        sessions=sessions,
        goals=goals,
        skills=skills,
        people=person_specs,
        skill_capacities=[],
        systems=systems,
        demands=demand_specs,
        comments=_comments(rng, demand_specs, departments, username_prefix),
    )
    # An external SAP partner contract raises ERP hours in the middle of the horizon (an override).
    derived = org.capacity_hours(hours_per_fte)
    if any("erp" in p.skills for p in person_specs):
        org.skill_capacities = [
            SkillCapacitySpec(
                "erp",
                q,
                round(derived["erp"][q] + 300.0, 1),
                "SAP partner contract: +300 h per quarter",
            )
            for q in range(min(2, quarters), min(6, quarters))
        ]
    return org


def _departments_and_users(
    n_demands: int, prefix: str
) -> tuple[list[DepartmentSpec], list[UserSpec]]:
    users = [
        UserSpec(prefix + u, first, last, role, leads, bios)
        for u, first, last, role, leads, bios in cat.USERS
    ]
    lead_of = {code: u.username for u in users for code in u.leads}
    bios_of: dict[str, list[str]] = {}
    for u in users:
        for code in u.bio_of:
            bios_of.setdefault(code, []).append(u.username)
    departments = [
        DepartmentSpec(
            d["code"],
            d["name"],
            d["description"],
            d["code"],
            lead_of.get(d["code"]),
            list(bios_of.get(d["code"], [])),
        )
        for d in cat.DEPARTMENTS
    ]
    # Large organisations get regional business units, each with its own lead.
    extra = min(len(cat.REGIONS) * 5, max(0, (n_demands - 200) // 250))
    business = [d for d in cat.DEPARTMENTS if d["code"] != "IT"]
    for i in range(extra):
        region, rcode = cat.REGIONS[i // len(business)]
        base = business[i % len(business)]
        code = f"{base['code']}-{rcode}"
        lead = UserSpec(
            f"{prefix}lead-{code.lower()}", "Lead", f"{base['name']} {region}", "lead", (code,), ()
        )
        users.append(lead)
        departments.append(
            DepartmentSpec(
                code,
                f"{base['name']} {region}",
                base["description"],
                base["code"],
                lead.username,
                list(bios_of.get(base["code"], [])),
            )
        )
    return departments, users


def _sessions_and_goals(
    departments: list[DepartmentSpec], users: list[UserSpec], first_year: int
) -> tuple[list[SessionSpec], list[GoalSpec]]:
    base = {d["code"]: d for d in cat.DEPARTMENTS}
    cio = users[0].username
    sessions: list[SessionSpec] = []
    goals: list[GoalSpec] = []
    for k, dept in enumerate(departments):
        info = base[dept.base]
        suffix = "" if dept.code == dept.base else f" ({dept.name})"
        keys = []
        for j, (title, (month, day), attendees, notes) in enumerate(info["sessions"]):
            key = f"{dept.code}/S{j + 1}"
            held = datetime.date(first_year - 1, month, day) + datetime.timedelta(days=k // 6)
            sessions.append(
                SessionSpec(
                    key,
                    dept.code,
                    title + suffix,
                    held,
                    dept.bios[0] if dept.bios else cio,
                    list(attendees),
                    notes,
                )
            )
            keys.append(key)
        for j, (title, desc, kpi, contributions) in enumerate(info["goals"]):
            goals.append(
                GoalSpec(
                    f"{dept.code}/G{j + 1}",
                    dept.code,
                    title,
                    desc,
                    kpi[0],
                    kpi[1],
                    float(kpi[2]),
                    float(kpi[3]),
                    float(kpi[4]),
                    datetime.date(first_year + 1, 12, 31),
                    keys[j % len(keys)],
                    dict(contributions),
                )
            )
    return sessions, goals


def _systems(n_people: int) -> list[SystemSpec]:
    systems = [SystemSpec(*row) for row in cat.SYSTEMS]
    # Large organisations run regional instances of the plant and site systems.
    regional = [s for s in list(systems) if s.code in ("mes", "wan", "servicedesk", "webshop")]
    for i in range(max(0, (n_people - 60) // 25)):
        region, rcode = cat.REGIONS[(i // len(regional)) % len(cat.REGIONS)]
        s = regional[i % len(regional)]
        round_no = i // (len(regional) * len(cat.REGIONS))
        code = f"{s.code}-{rcode.lower()}" + (f"-{round_no + 1}" if round_no else "")
        systems.append(
            SystemSpec(
                code,
                f"{s.name} — {region}" + (f" {round_no + 1}" if round_no else ""),
                s.kind,
                s.owner,
                s.criticality,
                s.end_of_support,
                s.capacity_unit,
                s.capacity_units,
                s.utilised_units,
                s.description,
            )
        )
    return systems


def _catalogue_rows() -> list[tuple[str, tuple]]:
    """Catalogue demands interleaved across departments, mandatory ones first, so that a small
    organisation still gets every department and the regulatory demands."""
    queues = {code: sorted(rows, key=lambda r: r[2] != "m") for code, rows in cat.DEMANDS.items()}
    out: list[tuple[str, tuple]] = []
    while any(queues.values()):
        for code, rows in queues.items():
            if rows:
                out.append((code, rows.pop(0)))
    return out


def _status_quota(rng: random.Random, count: int) -> list[str]:
    exact = {s: share * count for s, share in _STATUS_SHARES.items()}
    quota = {s: int(v) for s, v in exact.items()}
    for s in sorted(exact, key=lambda s: exact[s] - quota[s], reverse=True)[
        : count - sum(quota.values())
    ]:
        quota[s] += 1
    statuses = [s for s, n in quota.items() for _ in range(n)]
    rng.shuffle(statuses)
    return statuses


def _demands(
    rng: random.Random,
    count: int,
    departments: list[DepartmentSpec],
    sessions: list[SessionSpec],
    goals: list[GoalSpec],
    systems: list[SystemSpec],
    quarters: int,
) -> list[DemandSpec]:
    width = max(4, len(str(count)))
    base = {d["code"]: d for d in cat.DEPARTMENTS}
    goals_of: dict[str, list[GoalSpec]] = {}
    for g in goals:
        goals_of.setdefault(g.department, []).append(g)
    sessions_of: dict[str, list[SessionSpec]] = {}
    for s in sessions:
        sessions_of.setdefault(s.department, []).append(s)
    dept_by_code = {d.code: d for d in departments}
    system_by_code = {s.code: s for s in systems}
    regional_systems: dict[str, list[SystemSpec]] = {}
    for s in systems:
        regional_systems.setdefault(s.code.split("-")[0], []).append(s)
    uses_per_system = max(1.0, count * 1.2 / max(1, len(systems)))
    unit_scale = min(1.0, 12.0 / uses_per_system)

    rows = _catalogue_rows()[:count]
    drafts: list[tuple[str, str, str, str, str, tuple | None]] = [
        (code, title, _TYPES[t], _NEEDS[n], desc, extra[0] if extra else None)
        for code, (title, t, n, desc, *extra) in rows
    ]
    for i in range(count - len(drafts)):
        dept = rng.choice(departments)
        verb = rng.choice(cat.TITLE_VERBS)
        obj = rng.choice(cat.TITLE_OBJECTS[dept.base])
        dtype = _VERB_TYPES[verb]
        roll = rng.random()
        need = (
            "mandatory"
            if dtype in ("compliance", "security") and roll < 0.08
            else "critical"
            if roll < 0.25
            else "important"
            if roll < 0.68
            else "nice_to_have"
        )
        title = f"{verb} {obj}" + (
            "" if dept.code == dept.base else f" — {dept.name.split(' ', 1)[-1]}"
        )
        desc = f"{verb} {obj} for {dept.name} so that the team spends less time on manual steps and errors."
        drafts.append((dept.code, title, dtype, need, desc, None))

    statuses = _status_quota(rng, sum(1 for d in drafts if d[3] != "mandatory"))
    result: list[DemandSpec] = []
    for i, (code, title, dtype, need, desc, extra) in enumerate(drafts):
        dept = dept_by_code[code]
        if extra:
            earliest, duration, deadline = extra
        else:
            duration = rng.randint(*_TYPE_DURATION[dtype])
            earliest = 0 if rng.random() < 0.55 else rng.randint(1, max(1, quarters - 3))
            earliest = max(0, min(earliest, quarters - duration))
            deadline = None
        status = "approved" if need == "mandatory" else statuses.pop()
        # Effort: the type's skills plus the department's domain skills, sized by duration.
        domain = list(base[dept.base]["skills"])
        weights = dict(_TYPE_SKILLS[dtype])
        picked = [domain[0]] + rng.sample(
            domain[1:], 1 if dtype in ("infrastructure", "security") else 2
        )
        for rank, skill in enumerate(picked):
            weights[skill] = weights.get(skill, 0.0) + (2.0 if rank == 0 else 1.2)
        total = (
            duration
            * rng.uniform(350, 1000)
            * _TYPE_SIZE[dtype]
            * (0.6 if need == "mandatory" else 1.0)
        )
        jittered = {s: w * rng.uniform(0.6, 1.4) for s, w in weights.items()}
        norm = sum(jittered.values())
        efforts = {s: round10(total * w / norm) for s, w in sorted(jittered.items())}
        # Goals and benefits: the linked goals' contributions, plus what the type brings.
        linked = (
            rng.sample(goals_of[code], min(len(goals_of[code]), rng.choice((1, 1, 2))))
            if rng.random() < 0.85
            else []
        )
        benefits: dict[str, float] = {}
        for g in linked:
            for obj_key, strength in g.contributions.items():
                benefits[obj_key] = max(
                    benefits.get(obj_key, 0), float(rng.randint(*_STRENGTH_SCORES[strength]))
                )
        if dtype in ("compliance", "security"):
            benefits["risk"] = float(
                rng.randint(9, 10) if need == "mandatory" else rng.randint(6, 9)
            )
        elif dtype in ("infrastructure", "support"):
            benefits["cost"] = max(benefits.get("cost", 0), float(rng.randint(2, 6)))
            benefits.setdefault("risk", float(rng.randint(3, 7)))
        if not benefits:
            benefits[rng.choice(("revenue", "cost", "satisfaction"))] = float(rng.randint(3, 6))
        if need == "nice_to_have":
            benefits = {k: max(1.0, v - 1) for k, v in benefits.items()}
        # Systems it needs or changes.
        pool = [
            s
            for c in base[dept.base]["systems"]
            for s in regional_systems.get(c, [system_by_code[c]])
        ]
        if dtype in ("infrastructure", "security"):
            pool += [
                system_by_code[c]
                for c in ("vmware", "k8s", "siem", "backup")
                if system_by_code[c] not in pool
            ]
        uses = {}
        for s in rng.sample(pool, min(len(pool), rng.choice((0, 1, 1, 2)))):
            free = s.capacity_units - s.utilised_units
            uses[s.code] = (
                round(max(0.1, free * rng.uniform(0.03, 0.15) * unit_scale), 1),
                rng.random() < 0.6,
            )
        dsessions = sessions_of[code]
        session = rng.choice(dsessions).key if rng.random() < 0.75 else None
        proposer = rng.choice(dept.bios) if dept.bios and rng.random() < 0.7 else dept.lead
        risk_roll = rng.random()
        risk = (
            "high"
            if risk_roll < (0.3 if dtype == "new_system" else 0.15)
            else "low"
            if risk_roll > (0.8 if dtype == "new_system" else 0.6)
            else "medium"
        )
        result.append(
            DemandSpec(
                reference=f"D-{i + 1:0{width}d}",
                department=code,
                title=title,
                description=desc,
                demand_type=dtype,
                need_class=need,
                status=status,
                risk=risk,
                cost_eur=0.0,
                duration_quarters=duration,
                earliest_start_quarter=earliest,
                deadline_quarter=deadline,
                session=session,
                proposed_by=proposer,
                goals=[g.key for g in linked],
                efforts=efforts,
                benefits=benefits,
                system_uses=uses,
            )
        )
    # Every session captures at least one demand where its department has demands enough.
    by_dept: dict[str, list[DemandSpec]] = {}
    for d in result:
        by_dept.setdefault(d.department, []).append(d)
    for code, items in by_dept.items():
        for j, s in enumerate(sessions_of[code]):
            if len(items) > j and not any(d.session == s.key for d in items):
                items[j].session = s.key
    return result


_PLANNABLE = set(PLANNED_STATUSES)
_PREREQUISITE_OK = {"assessed", "approved", "scheduled", "in_progress", "delivered"}


def _add_dependencies_and_deadlines(
    rng: random.Random, demands: list[DemandSpec], quarters: int
) -> None:
    """Finish-to-start links only to earlier demands (so the graph is acyclic), only when the
    chain still fits the horizon; deadlines no earlier than the chain's earliest finish."""
    finish: dict[str, int] = {}
    recent: dict[str, list[DemandSpec]] = {}
    it_infra: list[DemandSpec] = []
    for d in demands:
        requires: list[DemandSpec] = []
        if (
            d.need_class != "mandatory"
            and d.status not in ("scheduled", "in_progress", "delivered")
            and rng.random() < 0.18
        ):
            ok = (
                _PREREQUISITE_OK
                if d.status in _PLANNABLE
                else _PREREQUISITE_OK | {"submitted", "draft"}
            )
            candidates = [
                c for c in recent.get(d.department, [])[-30:] + it_infra[-10:] if c.status in ok
            ]
            for c in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2)))):
                if (
                    max(d.earliest_start_quarter, finish[c.reference]) + d.duration_quarters
                    <= quarters
                    and c not in requires
                ):
                    requires.append(c)
        d.requires = [c.reference for c in requires]
        start = max([d.earliest_start_quarter] + [finish[c.reference] for c in requires])
        finish[d.reference] = start + d.duration_quarters
        if d.deadline_quarter is None and d.need_class != "mandatory" and rng.random() < 0.25:
            d.deadline_quarter = min(quarters, finish[d.reference] + rng.randint(0, 2))
            d.deadline_quarter = max(
                d.deadline_quarter, d.earliest_start_quarter + d.duration_quarters
            )
        recent.setdefault(d.department, []).append(d)
        if d.department == "IT" and d.demand_type == "infrastructure":
            it_infra.append(d)


def _comments(
    rng: random.Random, demands: list[DemandSpec], departments: list[DepartmentSpec], prefix: str
) -> list[CommentSpec]:
    lead_of = {d.code: d.lead for d in departments}
    comments = []
    for d in demands:
        if d.status in _REASONS:
            comments.append(
                CommentSpec(d.reference, prefix + "cio", rng.choice(_REASONS[d.status]))
            )
        elif d.status == "submitted" and lead_of.get(d.department) and rng.random() < 0.4:
            comments.append(
                CommentSpec(d.reference, lead_of[d.department], rng.choice(_LEAD_REMARKS))
            )
    return comments
