"""Traceability from objective to department goal, demand and plan slot, and back."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet

from bearing.core.models import PlanningCalendar
from bearing.core.permissions import restrict_queryset
from bearing.demand.models import Demand
from bearing.planning import results
from bearing.planning.models import PlanDecision, PlanRun
from bearing.strategy.models import DepartmentGoal, GoalContribution, Objective

__all__ = [
    "demand_trace",
    "objective_contributions",
    "objective_trace",
    "traceability",
]


def _slots(run: PlanRun | None, demand_ids: Any) -> dict[int, PlanDecision]:
    """demand pk -> the run's decision about it, with `period` ("2027-Q2 – 2027-Q3") when scheduled
    and `display_reasons` (its reasons in business words)."""
    if run is None:
        return {}
    calendar = PlanningCalendar.objects.get(organisation=run.organisation_id)
    slots = {
        d.demand_id: d
        for d in PlanDecision.objects.filter(run=run, demand_id__in=demand_ids).only(
            "pk",
            "run_id",
            "demand_id",
            "is_scheduled",
            "start_quarter",
            "finish_quarter",
            "value",
            "reasons",
        )
    }
    words = results.resource_words(run)
    for d in slots.values():
        d.display_reasons = [results.business_words(r, words) for r in d.reasons or []]
        d.period = ""
        if d.is_scheduled and d.start_quarter is not None:
            last = max((d.finish_quarter or d.start_quarter + 1) - 1, d.start_quarter)
            first_label, last_label = calendar.label(d.start_quarter), calendar.label(last)
            d.period = first_label if first_label == last_label else f"{first_label} – {last_label}"
    return slots


def _visible(queryset: QuerySet, user: Any, organisation: Any) -> QuerySet:
    return queryset if user is None else restrict_queryset(queryset, user, "view", organisation)


def traceability(
    organisation: Any, run: PlanRun | None = None, user: Any = None
) -> list[dict[str, Any]]:
    """Per objective: the department goals serving it, their demands and how many of those the
    plan schedules (what `user` may see; all when None)."""
    goals = _visible(DepartmentGoal.objects.filter(organisation=organisation), user, organisation)
    demands = _visible(Demand.objects.filter(organisation=organisation), user, organisation)
    contributions = GoalContribution.objects.filter(goal__in=goals).values_list(
        "objective_id", "goal_id"
    )
    goals_of: dict[int, set[int]] = defaultdict(set)
    for objective_id, goal_id in contributions:
        goals_of[objective_id].add(goal_id)
    links = Demand.goals.through.objects.filter(
        departmentgoal_id__in=goals.values("pk"), demand__in=demands
    )
    demands_of: dict[int, set[int]] = defaultdict(set)
    for goal_id, demand_id in links.values_list("departmentgoal_id", "demand_id"):
        demands_of[goal_id].add(demand_id)
    scheduled: set[int] = set()
    if run is not None:
        scheduled = set(
            PlanDecision.objects.filter(run=run, is_scheduled=True).values_list(
                "demand_id", flat=True
            )
        )
    out = []
    for objective in Objective.objects.filter(organisation=organisation).order_by("name"):
        goal_ids = goals_of.get(objective.pk, set())
        demand_ids = (
            set().union(*(demands_of.get(g, set()) for g in goal_ids)) if goal_ids else set()
        )
        out.append(
            {
                "objective": objective,
                "goals": len(goal_ids),
                "demands": len(demand_ids),
                "scheduled": len(demand_ids & scheduled),
            }
        )
    return out


def objective_contributions(objective: Objective, user: Any = None) -> QuerySet:
    """The contributions of the department goals `user` may see to `objective`, in page order."""
    organisation = objective.organisation_id
    goals = _visible(DepartmentGoal.objects.filter(organisation=organisation), user, organisation)
    return (
        GoalContribution.objects.filter(objective=objective, goal__in=goals)
        .select_related("goal__department")
        .order_by("goal__department__name", "goal__title", "pk")
    )


def objective_trace(
    objective: Objective,
    run: PlanRun | None = None,
    user: Any = None,
    contributions: Any = None,
    demands_per_goal: int | None = None,
) -> list[dict[str, Any]]:
    """The goals serving `objective` (with strength), each with its demands and their plan slot;
    `contributions` limits it to a page of `objective_contributions`, `demands_per_goal` the
    demands listed per goal (`more` counts the rest)."""
    organisation = objective.organisation_id
    if contributions is None:
        contributions = objective_contributions(objective, user)
    contributions = list(contributions)
    demands = _visible(Demand.objects.filter(organisation=organisation), user, organisation)
    links: dict[int, list[Demand]] = defaultdict(list)
    through = (
        Demand.goals.through.objects.filter(
            departmentgoal_id__in=[c.goal_id for c in contributions], demand__in=demands
        )
        .select_related("demand")
        .only(
            "departmentgoal_id",
            "demand__id",
            "demand__reference",
            "demand__title",
            "demand__status",
        )
        .order_by("demand__reference")
    )
    more: dict[int, int] = defaultdict(int)
    for link in through:
        if demands_per_goal is not None and len(links[link.departmentgoal_id]) >= demands_per_goal:
            more[link.departmentgoal_id] += 1
        else:
            links[link.departmentgoal_id].append(link.demand)
    slots = _slots(run, {d.pk for ds in links.values() for d in ds})
    return [
        {
            "goal": c.goal,
            "strength": c.get_strength_display(),
            "strength_key": c.strength,
            "demands": [{"demand": d, "slot": slots.get(d.pk)} for d in links.get(c.goal_id, [])],
            "more": more.get(c.goal_id, 0),
        }
        for c in contributions
    ]


def demand_trace(demand: Demand, run: PlanRun | None = None, user: Any = None) -> dict[str, Any]:
    """The goals `demand` serves with their objectives, its expected benefits, and its plan slot."""
    organisation = demand.organisation_id
    goals = (
        _visible(demand.goals.all(), user, organisation)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=GoalContribution.objects.select_related("objective").order_by(
                    "objective__name"
                ),
            )
        )
    )
    return {
        "goals": [{"goal": g, "contributions": list(g.contributions.all())} for g in goals],
        "benefits": list(demand.benefits.select_related("objective").order_by("objective__name")),
        "slot": _slots(run, [demand.pk]).get(demand.pk),
    }
