"""Writing a generated organisation to the database with bulk inserts.

Loading bypasses the per-object services for speed (10,000 demands in seconds), so it checks
every model rule itself: each object's field validators and `clean()` run before insert (foreign
keys are built here, so their existence checks are skipped), uniqueness is guaranteed by the
generator and enforced by the database, and one summary AuditEntry records the load.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction

from bearing.capacity.models import Person, PersonAvailability, Skill, SkillCapacity, System
from bearing.core.audit import record_change
from bearing.core.demo.specs import OrganisationSpec
from bearing.core.models import Membership, Organisation, PlanningCalendar
from bearing.demand.models import (
    Demand,
    DemandBenefit,
    DemandComment,
    DemandEffort,
    DemandSystemUse,
)
from bearing.planning.models import Publication
from bearing.strategy.models import (
    Department,
    DepartmentGoal,
    GoalContribution,
    Objective,
    StrategySession,
)

__all__ = ["delete_organisation", "load_organisation"]


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _checked(objs: list[models.Model], *, links_only: bool = False) -> list[models.Model]:
    """Run field validation and `clean()` on each object; foreign-key existence checks are
    skipped because every related object was created in this load.

    `links_only` rows (efforts, benefits, system uses) are built from ids: their `clean()` checks
    only that both ends are in one organisation, which holds by construction (both come from this
    organisation's maps). Their few plain fields repeat the same values (hours in tens, scores
    0-10), so each distinct value is validated once.
    """
    if not objs:
        return objs
    meta = objs[0]._meta
    if not links_only:
        fk_names = [f.name for f in meta.concrete_fields if f.is_relation]
        for obj in objs:
            obj.full_clean(exclude=fk_names, validate_unique=False, validate_constraints=False)
        return objs
    plain = [f for f in meta.concrete_fields if not f.is_relation and not f.primary_key]
    seen: set[tuple[str, object]] = set()
    for obj in objs:
        for f in plain:
            raw = getattr(obj, f.attname)
            if (f.attname, raw) in seen:
                continue
            try:
                f.clean(raw, obj)
            except ValidationError as exc:
                raise ValidationError({f.name: exc.messages}) from exc
            seen.add((f.attname, raw))
    return objs


def _bulk(
    model: type[models.Model],
    objs: Iterable[models.Model],
    validate: bool,
    *,
    links_only: bool = False,
) -> list[models.Model]:
    objs = list(objs)
    if validate:
        _checked(objs, links_only=links_only)
    return model.objects.bulk_create(objs, batch_size=500)


def load_organisation(
    spec: OrganisationSpec, *, password: str, validate: bool = True
) -> Organisation:
    """Create the organisation described by `spec`, its users (existing ones get `password`
    again), and everything in it, in one transaction. Returns the organisation."""
    User = get_user_model()
    with transaction.atomic():
        org = Organisation.objects.create(name=spec.name, slug=spec.slug)
        calendar = PlanningCalendar(
            organisation=org,
            first_year=spec.first_year,
            first_quarter=spec.first_quarter,
            quarters=spec.quarters,
        )
        _checked([calendar])
        calendar.save()

        # Logins: one hash for all (same password), existing users keep their row.
        hashed = make_password(password)
        existing = {
            u.username: u
            for u in User.objects.filter(username__in=[u.username for u in spec.users])
        }
        for u in existing.values():
            u.password = hashed
            u.is_active = True
        User.objects.bulk_update(list(existing.values()), ["password", "is_active"])
        User.objects.bulk_create(
            [
                User(
                    username=u.username,
                    first_name=u.first_name,
                    last_name=u.last_name,
                    password=hashed,
                    email=f"{u.username}@{spec.slug}.example",
                )
                for u in spec.users
                if u.username not in existing
            ]
        )
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[u.username for u in spec.users])
        }
        _bulk(
            Membership,
            (Membership(user=users[u.username], organisation=org, role=u.role) for u in spec.users),
            validate,
        )

        created = _bulk(
            Objective,
            (
                Objective(
                    organisation=org,
                    name=o.name,
                    category=o.category,
                    weight=o.weight,
                    description=o.description,
                    kpi_metric=o.kpi_metric,
                    kpi_unit=o.kpi_unit,
                    kpi_baseline=_dec(o.kpi_baseline),
                    kpi_target=_dec(o.kpi_target),
                    kpi_current=_dec(o.kpi_current),
                    kpi_due_date=o.kpi_due_date,
                )
                for o in spec.objectives
            ),
            validate,
        )
        objectives = {o.key: row for o, row in zip(spec.objectives, created)}

        created = _bulk(
            Department,
            (
                Department(
                    organisation=org,
                    name=d.name,
                    code=d.code,
                    description=d.description,
                    lead=users[d.lead] if d.lead else None,
                )
                for d in spec.departments
            ),
            validate,
        )
        departments = {d.code: row for d, row in zip(spec.departments, created)}
        Department.bios.through.objects.bulk_create(
            [
                Department.bios.through(department_id=departments[d.code].pk, user_id=users[b].pk)
                for d in spec.departments
                for b in d.bios
            ]
        )

        created = _bulk(
            StrategySession,
            (
                StrategySession(
                    organisation=org,
                    department=departments[s.department],
                    title=s.title,
                    held_on=s.held_on,
                    bio=users.get(s.bio) if s.bio else None,
                    attendees="\n".join(s.attendees),
                    notes=s.notes,
                )
                for s in spec.sessions
            ),
            validate,
        )
        sessions = {s.key: row for s, row in zip(spec.sessions, created)}

        created = _bulk(
            DepartmentGoal,
            (
                DepartmentGoal(
                    organisation=org,
                    department=departments[g.department],
                    title=g.title,
                    description=g.description,
                    session=sessions[g.session] if g.session else None,
                    kpi_metric=g.kpi_metric,
                    kpi_unit=g.kpi_unit,
                    kpi_baseline=_dec(g.kpi_baseline),
                    kpi_target=_dec(g.kpi_target),
                    kpi_current=_dec(g.kpi_current),
                    kpi_due_date=g.kpi_due_date,
                )
                for g in spec.goals
            ),
            validate,
        )
        goals = {g.key: row for g, row in zip(spec.goals, created)}
        _bulk(
            GoalContribution,
            (
                GoalContribution(goal=goals[g.key], objective=objectives[key], strength=strength)
                for g in spec.goals
                for key, strength in g.contributions.items()
            ),
            validate,
        )

        created = _bulk(
            Skill,
            (
                Skill(organisation=org, code=s.code, name=s.name, description=s.description)
                for s in spec.skills
            ),
            validate,
        )
        skills = {s.code: row for s, row in zip(spec.skills, created)}
        people = _bulk(
            Person,
            (
                Person(
                    organisation=org,
                    name=p.name,
                    email=p.email,
                    team=p.team,
                    fte=_dec(p.fte),
                    operations_share=_dec(p.operations_share),
                )
                for p in spec.people
            ),
            validate,
        )
        Person.skills.through.objects.bulk_create(
            [
                Person.skills.through(person_id=row.pk, skill_id=skills[code].pk)
                for p, row in zip(spec.people, people)
                for code in p.skills
            ],
            batch_size=500,
        )
        _bulk(
            PersonAvailability,
            (
                PersonAvailability(person=row, quarter=q, fte=_dec(fte))
                for p, row in zip(spec.people, people)
                for q, fte in sorted(p.availability.items())
            ),
            validate,
        )
        _bulk(
            SkillCapacity,
            (
                SkillCapacity(
                    organisation=org,
                    skill=skills[c.skill],
                    quarter=c.quarter,
                    hours=_dec(c.hours),
                    note=c.note,
                )
                for c in spec.skill_capacities
            ),
            validate,
        )
        created = _bulk(
            System,
            (
                System(
                    organisation=org,
                    code=s.code,
                    name=s.name,
                    kind=s.kind,
                    owner_department=departments.get(s.owner) if s.owner else None,
                    criticality=s.criticality,
                    end_of_support=s.end_of_support,
                    capacity_unit=s.capacity_unit,
                    capacity_units=_dec(s.capacity_units),
                    utilised_units=_dec(s.utilised_units),
                    description=s.description,
                )
                for s in spec.systems
            ),
            validate,
        )
        systems = {s.code: row for s, row in zip(spec.systems, created)}

        created = _bulk(
            Demand,
            (
                Demand(
                    organisation=org,
                    reference=d.reference,
                    department=departments[d.department],
                    title=d.title,
                    description=d.description,
                    demand_type=d.demand_type,
                    need_class=d.need_class,
                    status=d.status,
                    risk=d.risk,
                    session=sessions[d.session] if d.session else None,
                    cost_eur=_dec(d.cost_eur),
                    duration_quarters=d.duration_quarters,
                    earliest_start_quarter=d.earliest_start_quarter,
                    deadline_quarter=d.deadline_quarter,
                    proposed_by=users.get(d.proposed_by) if d.proposed_by else None,
                )
                for d in spec.demands
            ),
            validate,
        )
        demands = {d.reference: row for d, row in zip(spec.demands, created)}
        _bulk(
            DemandEffort,
            (
                DemandEffort(
                    demand_id=demands[d.reference].pk, skill_id=skills[code].pk, hours=_dec(hours)
                )
                for d in spec.demands
                for code, hours in d.efforts.items()
            ),
            validate,
            links_only=True,
        )
        _bulk(
            DemandBenefit,
            (
                DemandBenefit(
                    demand_id=demands[d.reference].pk,
                    objective_id=objectives[key].pk,
                    score=_dec(score),
                )
                for d in spec.demands
                for key, score in d.benefits.items()
            ),
            validate,
            links_only=True,
        )
        _bulk(
            DemandSystemUse,
            (
                DemandSystemUse(
                    demand_id=demands[d.reference].pk,
                    system_id=systems[code].pk,
                    units=_dec(units),
                    is_change=is_change,
                )
                for d in spec.demands
                for code, (units, is_change) in d.system_uses.items()
            ),
            validate,
            links_only=True,
        )
        Demand.goals.through.objects.bulk_create(
            [
                Demand.goals.through(
                    demand_id=demands[d.reference].pk, departmentgoal_id=goals[key].pk
                )
                for d in spec.demands
                for key in d.goals
            ],
            batch_size=500,
        )
        Demand.requires.through.objects.bulk_create(
            [
                Demand.requires.through(
                    from_demand_id=demands[d.reference].pk, to_demand_id=demands[ref].pk
                )
                for d in spec.demands
                for ref in d.requires
            ],
            batch_size=500,
        )
        _bulk(
            DemandComment,
            (
                DemandComment(demand=demands[c.demand], author=users.get(c.author), text=c.text)
                for c in spec.comments
            ),
            validate,
        )

        counts = {
            "seed": spec.seed,
            "departments": len(spec.departments),
            "goals": len(spec.goals),
            "sessions": len(spec.sessions),
            "skills": len(spec.skills),
            "people": len(spec.people),
            "systems": len(spec.systems),
            "demands": len(spec.demands),
            "users": len(spec.users),
            "loaded_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        record_change(
            actor=None,
            organisation=org,
            action="create",
            obj=org,
            before=None,
            after=counts,
            reason="demo organisation loaded",
        )
    return org


def delete_organisation(org: Organisation) -> None:
    """Delete an organisation and everything in it (demands first: they protect their
    department, skills and systems from deletion; publications too: they protect the plan runs
    they publish)."""
    with transaction.atomic():
        Publication.objects.filter(organisation=org).delete()
        Demand.objects.filter(organisation=org).delete()
        org.delete()
