"""Private helpers shared by the analyses: heatmap levels, and a plan run's scheduled decisions
with the share of each demand's value that serves each objective."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.core.cache import cache

from bearing.demand.models import DemandBenefit
from bearing.planning.models import PlanDecision, PlanRun
from bearing.planning.scoring import criterion_weights

__all__ = [
    "SUFFICIENCY_CACHE_SECONDS",
    "_level",
    "_normalised",
    "_objective_shares",
    "_scheduled",
    "_snapshot_shares",
]

SUFFICIENCY_CACHE_SECONDS = 600


def _level(part: float, whole: float) -> int:
    """0..4 intensity of `part` against `whole`, for heatmap colouring by CSS class."""
    if part <= 1e-9:
        return 0
    if whole <= 1e-9:
        return 4
    share = part / whole
    return 1 if share <= 0.1 else 2 if share <= 0.25 else 3 if share <= 0.5 else 4


def _scheduled(run: PlanRun) -> list[Any]:
    """The run's scheduled decisions as light rows shaped like decisions (`d.value`,
    `d.start_quarter`, `d.demand.reference`, `d.demand.department.name`, ...): one query, no
    model instances, so plans of thousands of demands stay quick."""
    rows = PlanDecision.objects.filter(run=run, is_scheduled=True).values_list(
        "value",
        "start_quarter",
        "finish_quarter",
        "demand_id",
        "demand__reference",
        "demand__title",
        "demand__cost_eur",
        "demand__department_id",
        "demand__department__name",
    )
    return [
        SimpleNamespace(
            value=value,
            start_quarter=start,
            finish_quarter=finish,
            demand=SimpleNamespace(
                pk=pk,
                reference=reference,
                title=title,
                cost_eur=cost,
                department=SimpleNamespace(pk=dept_id, name=dept_name),
            ),
        )
        for value, start, finish, pk, reference, title, cost, dept_id, dept_name in rows
    ]


def _snapshot_shares(run: PlanRun) -> dict[str, dict[int, float]]:
    """demand reference -> objective id -> share of its value, from the score terms in the run's
    snapshot. A finished run never changes, so the result is cached (parsing the snapshot of a
    large organisation takes seconds)."""
    key = f"bearing:run-shares:{run.pk}:{run.finished_at.timestamp() if run.finished_at else 0}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    context = PlanRun.objects.filter(pk=run.pk).values_list("context", flat=True).first() or {}
    snapshot = context.get("demands", {}) if isinstance(context, dict) else {}
    shares: dict[str, dict[int, float]] = {}
    for reference, info in snapshot.items():
        terms = (info.get("score") or {}).get("terms") if isinstance(info, dict) else None
        if terms is None:
            continue
        shares[reference] = _normalised(
            {
                int(t["key"]): float(t["amount"])
                for t in terms
                if t.get("kind") == "objective" and str(t.get("key", "")).isdigit()
            }
        )
    cache.set(key, shares, SUFFICIENCY_CACHE_SECONDS * 6)
    return shares


def _objective_shares(run: PlanRun, decisions: list[PlanDecision]) -> dict[int, dict[int, float]]:
    """demand pk -> objective id -> share of the demand's value that serves the objective: from
    the score terms in the run's snapshot, or else from current benefits x weights."""
    snapshot = _snapshot_shares(run)
    shares: dict[int, dict[int, float]] = {}
    missing: list[int] = []
    for d in decisions:
        if d.demand.reference in snapshot:
            shares[d.demand.pk] = snapshot[d.demand.reference]
        else:
            missing.append(d.demand.pk)
    if missing:
        weights, _, _ = criterion_weights(run.organisation)
        amounts_by: dict[int, dict[int, float]] = defaultdict(dict)
        for pk, objective_id, score in DemandBenefit.objects.filter(
            demand_id__in=missing
        ).values_list("demand_id", "objective_id", "score"):
            amounts_by[pk][objective_id] = float(score) * weights.get(objective_id, 0.0)
        for pk in missing:
            shares[pk] = _normalised(amounts_by.get(pk, {}))
    return shares


def _normalised(amounts: dict[int, float]) -> dict[int, float]:
    total = sum(v for v in amounts.values() if v > 0)
    return {k: v / total for k, v in amounts.items() if v > 0} if total > 0 else {}
