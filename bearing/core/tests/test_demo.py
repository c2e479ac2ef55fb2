"""The demo organisation: counts and invariants of the generated company, determinism, sized
organisations, and the `demo` and `generate_organisation` commands."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from bearing.capacity.models import Person, Skill, System
from bearing.capacity.services import derived_skill_hours
from bearing.core.choices import Role
from bearing.core.demo import DEMO_PASSWORD, build_organisation, load_organisation
from bearing.core.demo.specs import PLANNED_STATUSES, OrganisationSpec
from bearing.core.management.commands import demo as demo_command
from bearing.core.models import AuditEntry, Organisation
from bearing.demand.choices import DemandStatus, DemandType, NeedClass
from bearing.demand.models import Demand, DemandBenefit, DemandEffort, DemandSystemUse
from bearing.planning.models import PlanRun, Publication
from bearing.planning.tests.factories import make_scenario
from bearing.strategy.models import Department, DepartmentGoal, GoalContribution, StrategySession

HORIZON_START = datetime.date(2027, 1, 1)
HORIZON_END = datetime.date(2028, 12, 31)


def _cycle(requires: dict[str, list[str]]) -> list[str] | None:
    """A dependency cycle found by depth-first walk, or None when the graph is acyclic."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for root in requires:
        if state.get(root):
            continue
        path, stack = [root], [iter(requires.get(root, []))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(requires.get(nxt, [])))
    return None


def test_cycle_walk_finds_a_cycle() -> None:
    assert _cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert _cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


def _assert_spec_valid(spec: OrganisationSpec) -> None:
    refs = [d.reference for d in spec.demands]
    assert len(refs) == len(set(refs))
    position = {r: i for i, r in enumerate(refs)}
    dept_of_goal = {g.key: g.department for g in spec.goals}
    dept_of_session = {s.key: s.department for s in spec.sessions}
    for d in spec.demands:
        assert 1 <= d.duration_quarters <= 4
        assert d.earliest_start_quarter + d.duration_quarters <= spec.quarters
        if d.deadline_quarter is not None:
            assert (
                d.earliest_start_quarter + d.duration_quarters
                <= d.deadline_quarter
                <= spec.quarters
            )
        assert all(position[r] < position[d.reference] for r in d.requires)
        assert all(h >= 0 for h in d.efforts.values()) and d.cost_eur >= 0
        assert all(0 <= s <= 10 for s in d.benefits.values())
        assert all(dept_of_goal[g] == d.department for g in d.goals)
        assert d.session is None or dept_of_session[d.session] == d.department
    assert _cycle({d.reference: d.requires for d in spec.demands}) is None


def test_demo_spec_has_the_promised_size_and_variety() -> None:
    spec = build_organisation()
    assert spec.quarters == 8 and (spec.first_year, spec.first_quarter) == (2027, 1)
    assert len(spec.demands) >= 80
    assert len(spec.people) >= 30
    assert len(spec.systems) >= 15
    assert len({code for d in spec.demands for code, h in d.efforts.items() if h > 0}) >= 10
    assert {d.demand_type for d in spec.demands} == set(DemandType.values)
    assert {d.need_class for d in spec.demands} == set(NeedClass.values)
    assert {d.status for d in spec.demands} == set(DemandStatus.values)
    mandatory = [d for d in spec.demands if d.need_class == NeedClass.MANDATORY]
    assert 3 <= len(mandatory) <= 8 and all(
        d.demand_type in ("compliance", "security") for d in mandatory
    )
    assert any("e-invoicing" in d.title.lower() for d in mandatory)
    assert any("NIS2" in d.title for d in mandatory) and any("GDPR" in d.title for d in mandatory)
    assert sum(1 for d in spec.demands if d.status in PLANNED_STATUSES) >= 40
    assert any(d.requires for d in spec.demands) and any(
        d.deadline_quarter is not None for d in spec.demands
    )
    eos = [s.end_of_support for s in spec.systems if s.end_of_support]
    assert any(e < HORIZON_START for e in eos) and any(
        HORIZON_START <= e <= HORIZON_END for e in eos
    )
    assert any(p.availability for p in spec.people)
    for dept in spec.departments:
        assert 2 <= sum(1 for g in spec.goals if g.department == dept.code) <= 4
        assert sum(1 for s in spec.sessions if s.department == dept.code) == 2
    for s in spec.sessions:
        assert len(s.notes.split(". ")) >= 4 and len(s.attendees) >= 3
    assert {d.name for d in spec.departments} == {
        "Marketing",
        "Finance",
        "Sales",
        "Products & Services",
        "Human Resources",
        "IT",
    }
    _assert_spec_valid(spec)


def test_capacity_is_short_of_the_planned_hours() -> None:
    # 85% in total; skills are never perfectly balanced, so an optimal plan fits about 60%.
    spec = build_organisation()
    planned = sum(spec.planned_hours().values())
    capacity = spec.capacity_hours()
    assert 0.75 <= sum(map(sum, capacity.values())) / planned <= 0.95


def test_mandatory_demands_fit_when_started_as_early_as_allowed() -> None:
    spec = build_organisation()
    capacity = spec.capacity_hours()
    load = {code: [0.0] * spec.quarters for code in capacity}
    for d in spec.demands:
        if d.need_class == NeedClass.MANDATORY:
            assert not d.requires and d.deadline_quarter is not None
            for q in range(
                d.earliest_start_quarter, d.earliest_start_quarter + d.duration_quarters
            ):
                for code, hours in d.efforts.items():
                    load[code][q] += hours / d.duration_quarters
    for code, per_quarter in load.items():
        for q, hours in enumerate(per_quarter):
            assert hours <= 0.8 * capacity[code][q], (code, q, hours, capacity[code][q])


def test_same_seed_gives_the_same_organisation_and_another_seed_does_not() -> None:
    a, b = build_organisation(seed=7), build_organisation(seed=7)
    assert a == b
    c = build_organisation(seed=8)
    assert [d.efforts for d in a.demands] != [d.efforts for d in c.demands]


def test_sized_spec_is_valid_with_regional_departments() -> None:
    spec = build_organisation(seed=3, demands=1200, people=120, slug="big", username_prefix="big-")
    assert len(spec.demands) == 1200 and len(spec.people) == 120
    assert len(spec.departments) > 6 and len(spec.systems) > 20
    assert len({p.name for p in spec.people}) == 120
    assert all(u.username.startswith("big-") for u in spec.users)
    _assert_spec_valid(spec)


@pytest.fixture
def demo_org(db) -> Organisation:
    return load_organisation(build_organisation(), password=DEMO_PASSWORD)


def _assert_org_valid(org: Organisation) -> None:
    """Every demand passes full_clean, every link stays in the organisation, no cycles."""
    demands = list(Demand.objects.filter(organisation=org).select_related("department", "session"))
    for d in demands:
        d.full_clean()
    assert (
        not DemandEffort.objects.filter(demand__organisation=org)
        .exclude(skill__organisation=org)
        .exists()
    )
    assert (
        not DemandBenefit.objects.filter(demand__organisation=org)
        .exclude(objective__organisation=org)
        .exists()
    )
    assert (
        not DemandSystemUse.objects.filter(demand__organisation=org)
        .exclude(system__organisation=org)
        .exists()
    )
    assert (
        not Demand.goals.through.objects.filter(demand__organisation=org)
        .exclude(departmentgoal__department_id=F("demand__department_id"))
        .exists()
    )
    assert (
        not Demand.requires.through.objects.filter(from_demand__organisation=org)
        .exclude(to_demand__organisation=org)
        .exists()
    )
    assert (
        not GoalContribution.objects.filter(goal__organisation=org)
        .exclude(objective__organisation=org)
        .exists()
    )
    assert (
        not DepartmentGoal.objects.filter(organisation=org)
        .exclude(department__organisation=org)
        .exists()
    )
    assert (
        not System.objects.filter(organisation=org, owner_department__isnull=False)
        .exclude(owner_department__organisation=org)
        .exists()
    )
    assert (
        not Person.skills.through.objects.filter(person__organisation=org)
        .exclude(skill__organisation=org)
        .exists()
    )
    requires: dict[str, list[str]] = {d.reference: [] for d in demands}
    for frm, to in Demand.requires.through.objects.filter(
        from_demand__organisation=org
    ).values_list("from_demand__reference", "to_demand__reference"):
        requires[frm].append(to)
    assert _cycle(requires) is None


def test_loaded_demo_holds_every_rule_and_count(demo_org: Organisation) -> None:
    org = demo_org
    assert org.calendar.labels()[0] == "2027-Q1" and org.calendar.quarters == 8
    assert Demand.objects.filter(organisation=org).count() >= 80
    assert Person.objects.filter(organisation=org).count() >= 30
    assert System.objects.filter(organisation=org).count() >= 15
    assert System.objects.filter(organisation=org, end_of_support__lte=HORIZON_END).count() >= 3
    assert Skill.objects.filter(organisation=org, efforts__hours__gt=0).distinct().count() >= 10
    assert set(
        Demand.objects.filter(organisation=org).values_list("demand_type", flat=True)
    ) == set(DemandType.values)
    assert set(Demand.objects.filter(organisation=org).values_list("need_class", flat=True)) == set(
        NeedClass.values
    )
    for dept in Department.objects.filter(organisation=org):
        assert 2 <= dept.goals.count() <= 4
        assert dept.sessions.count() == 2
        assert GoalContribution.objects.filter(goal__department=dept).exists()
    for session in StrategySession.objects.filter(organisation=org):
        assert session.goals.exists() or session.demands.exists()
        assert session.demands.exists(), session
    _assert_org_valid(org)
    entry = AuditEntry.objects.get(organisation=org)
    assert entry.actor is None and entry.reason == "demo organisation loaded"
    assert entry.after["demands"] == Demand.objects.filter(organisation=org).count()


def test_loaded_demo_has_one_login_per_role_with_its_departments(demo_org: Organisation) -> None:
    roles = dict(demo_org.memberships.values_list("user__username", "role"))
    assert (
        roles["cio"] == Role.CIO
        and roles["itrm"] == Role.RESOURCE_MANAGER
        and roles["viewer"] == Role.VIEWER
    )
    assert roles["bio"] == roles["bio2"] == Role.BIO and roles["lead"] == Role.LEAD
    departments = {d.code: d for d in Department.objects.filter(organisation=demo_org)}
    bio_of = {
        u: {d.name for d in Department.objects.filter(organisation=demo_org, bios__username=u)}
        for u in ("bio", "bio2")
    }
    assert bio_of == {
        "bio": {"Marketing", "Sales"},
        "bio2": {"Finance", "Human Resources", "Products & Services"},
    }
    assert departments["SAL"].lead.username == "lead"
    assert all(
        d.lead is not None and roles[d.lead.username] == Role.LEAD for d in departments.values()
    )
    assert authenticate(username="bio", password=DEMO_PASSWORD) is not None


def test_loaded_capacity_matches_the_generator_and_the_capacity_service(
    demo_org: Organisation,
) -> None:
    spec = build_organisation()
    derived = derived_skill_hours(demo_org, hours_per_fte=390.0)
    code_of = dict(Skill.objects.filter(organisation=demo_org).values_list("pk", "code"))
    expected = spec.capacity_hours(390.0)
    for pk, hours in derived.items():
        assert hours == pytest.approx(expected[code_of[pk]], abs=0.5)


def test_loading_the_same_seed_gives_the_same_titles_and_efforts(demo_org: Organisation) -> None:
    spec = build_organisation()
    loaded = {
        d.reference: (d.title, {e.skill.code: float(e.hours) for e in d.efforts.all()})
        for d in Demand.objects.filter(organisation=demo_org).prefetch_related("efforts__skill")
    }
    assert loaded == {d.reference: (d.title, d.efforts) for d in spec.demands}


def test_a_sized_organisation_loads_valid(db) -> None:
    spec = build_organisation(
        seed=11,
        demands=300,
        people=40,
        name="Load Test",
        slug="load-test",
        username_prefix="load-test-",
    )
    org = load_organisation(spec, password="pw")
    assert Demand.objects.filter(organisation=org).count() == 300
    assert Person.objects.filter(organisation=org).count() == 40
    assert org.memberships.get(user__username="load-test-cio").role == Role.CIO
    _assert_org_valid(org)


def test_demo_command_loads_once_and_prints_the_logins(db, monkeypatch: pytest.MonkeyPatch) -> None:
    hooked: list[Organisation] = []
    monkeypatch.setattr(demo_command, "after_demo_loaded", hooked.append)
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    text = out.getvalue()
    assert "Loaded the demo organisation Northwind Components" in text
    assert "http://127.0.0.1:8000/" in text and DEMO_PASSWORD in text
    for username in ("cio", "bio", "bio2", "lead", "itrm", "viewer"):
        assert f"  {username} " in text
    org = Organisation.objects.get(slug="northwind")
    assert hooked == [org]
    count = Demand.objects.filter(organisation=org).count()

    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    assert "already loaded" in out.getvalue()
    assert Organisation.objects.filter(slug="northwind").count() == 1
    assert Demand.objects.filter(organisation=org).count() == count
    assert hooked == [org]

    call_command("demo", no_serve=True, reset=True, no_input=True, stdout=StringIO())
    rebuilt = Organisation.objects.get(slug="northwind")
    assert rebuilt.pk != org.pk and Demand.objects.filter(organisation=rebuilt).count() == count
    assert hooked == [org, rebuilt]


def test_demo_reset_rebuilds_an_organisation_whose_plan_was_published(db, monkeypatch: pytest.MonkeyPatch) -> None:
    # the real hook computes the demo's plan and publishes it as IT Strategy v1; a publication
    # protects its plan run, so the reset must not stop at it
    def publish(org: Organisation) -> None:
        run = PlanRun.objects.create(organisation=org, scenario=make_scenario(org), status="succeeded")
        Publication.objects.create(organisation=org, run=run, cycle="2027–2028", version=1)

    monkeypatch.setattr(demo_command, "after_demo_loaded", publish)
    call_command("demo", no_serve=True, stdout=StringIO())
    old = Organisation.objects.get(slug="northwind")
    call_command("demo", no_serve=True, reset=True, no_input=True, stdout=StringIO())
    rebuilt = Organisation.objects.get(slug="northwind")
    assert rebuilt.pk != old.pk
    assert list(Publication.objects.values_list("organisation", flat=True)) == [rebuilt.pk]
    assert not PlanRun.objects.filter(organisation_id=old.pk).exists()


def test_demo_reset_without_confirmation_changes_nothing(
    db, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("demo", no_serve=True, stdout=StringIO())
    org = Organisation.objects.get(slug="northwind")
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("demo", no_serve=True, reset=True, stdout=StringIO())
    assert Organisation.objects.get(slug="northwind").pk == org.pk


def test_generate_organisation_command_builds_a_sized_organisation(db) -> None:
    out = StringIO()
    call_command(
        "generate_organisation", name="Bench Co", demands=150, people=35, seed=5, stdout=out
    )
    org = Organisation.objects.get(slug="bench-co")
    assert Demand.objects.filter(organisation=org).count() == 150
    assert "Generated Bench Co" in out.getvalue() and "bench-co-cio" in out.getvalue()
    with pytest.raises(CommandError, match="exists"):
        call_command(
            "generate_organisation", name="Bench Co", demands=10, people=30, stdout=StringIO()
        )
