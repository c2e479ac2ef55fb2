"""What the result pages of a plan show, computed from a run's decisions and its small summary
(never from the full problem snapshot, so pages stay fast for tens of thousands of demands)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bearing.demand.choices import NeedClass
from bearing.demand.models import Demand, DemandEffort, DemandSystemUse
from bearing.planning.models import PlanDecision, PlanRun

__all__ = [
    "budget_rows", "gantt_data", "heatmap_rows", "link_references", "priority_data",
    "resource_choices", "resource_words", "roadmap_queryset",
]

NEED_ORDER = [c.value for c in NeedClass]


def resource_choices(run: PlanRun) -> list[tuple[str, str]]:
    """(resource name, label) of the run's skills and systems, skills first."""
    resources = (run.summary or {}).get("resources", {})
    return sorted(((name, info.get("label", name)) for name, info in resources.items()),
                  key=lambda x: (x[0].startswith("system:"), x[1]))


def roadmap_queryset(run: PlanRun, *, by: str, resource: str | None, department: int | None) -> QuerySet:
    """Scheduled decisions of the run, ordered for a Gantt by department or limited to the
    demands using one resource; demands come with department and visible prerequisites."""
    qs = PlanDecision.objects.filter(run=run, is_scheduled=True).select_related("demand__department")
    if department:
        qs = qs.filter(demand__department_id=department)
    if by == "resource" and resource:
        kind, _, code = resource.partition(":")
        if kind == "system":
            users = DemandSystemUse.objects.filter(system__organisation=run.organisation_id, system__code=code)
        else:
            users = DemandEffort.objects.filter(skill__organisation=run.organisation_id, skill__code=resource, hours__gt=0)
        qs = qs.filter(demand__in=users.values("demand_id"))
        order = ["start_quarter", "demand__reference"]
    else:
        order = ["demand__department__name", "start_quarter", "demand__reference"]
    requires = Prefetch("demand__requires", queryset=Demand.objects.only("pk", "reference"))
    return qs.prefetch_related(requires).order_by(*order)


def gantt_data(rows: list[PlanDecision], labels: list[str], group: str) -> dict[str, Any]:
    """Bars (one per scheduled demand: start, duration, group) and dependency arrows between
    bars of the same page, for the browser chart."""
    bars = []
    on_page = {d.demand_id: d for d in rows}
    links = []
    for d in rows:
        bars.append({
            "id": d.demand.reference, "title": d.demand.title[:60],
            "group": d.demand.department.name if group == "department" else group,
            "start": d.start_quarter, "finish": d.finish_quarter, "value": round(d.value, 2),
        })
        for r in d.demand.requires.all():
            if r.pk in on_page:
                links.append({"from": r.reference, "to": d.demand.reference})
    return {"bars": bars, "links": links, "labels": labels}


def heatmap_rows(run: PlanRun) -> dict[str, Any]:
    """Resource × quarter: used, capacity and the share used, from the run's summary."""
    summary = run.summary or {}
    labels = summary.get("labels", [])
    rows = []
    for name, label in resource_choices(run):
        info = summary["resources"][name]
        cells = []
        for used, cap in zip(info.get("used", []), info.get("capacity", []), strict=False):
            share = used / cap if cap else (None if not used else float("inf"))
            cells.append({"used": used, "capacity": cap, "share": share,
                          "level": "over" if share and share > 1.0001 else "high" if share and share >= 0.9 else ""})
        rows.append({"name": name, "label": label, "kind": info.get("kind", "skill"), "cells": cells})
    return {"labels": labels, "rows": rows}


def budget_rows(run: PlanRun) -> list[dict[str, Any]]:
    summary = run.summary or {}
    labels = summary.get("labels", [])
    out = []
    for w in summary.get("budgets", []):
        label = labels[w["first"]] if w["first"] == w["last"] else f"{labels[w['first']]} – {labels[w['last']]}"
        share = w["spent"] / w["amount"] if w["amount"] else None
        out.append({**w, "label": label, "share": share, "left": w["amount"] - w["spent"]})
    return out


def priority_data(run: PlanRun, periods: int, departments: set[int] | None = None) -> dict[str, Any]:
    """Every demand of the run (of `departments` only, when given): value against need class and
    urgency (deadline, else earliest start), and a summary table by need class × urgency band."""
    decisions = PlanDecision.objects.filter(run=run)
    if departments is not None:
        decisions = decisions.filter(demand__department_id__in=departments)
    rows = decisions.values_list(
        "demand__reference", "demand__need_class", "demand__deadline_quarter", "demand__earliest_start_quarter",
        "value", "is_scheduled",
    )
    points = []
    table: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"count": 0, "scheduled": 0, "value": 0.0})
    half = max(periods // 2, 1)
    for ref, need, deadline, earliest, value, scheduled in rows:
        band = ("no deadline" if deadline is None else
                "deadline in the first half" if deadline <= half else "deadline in the second half")
        points.append([ref, need, deadline, earliest, round(value, 3), scheduled])
        cell = table[(need, band)]
        cell["count"] += 1
        cell["scheduled"] += int(scheduled)
        cell["value"] += value
    summary = []
    for need in NEED_ORDER:
        for band in ("deadline in the first half", "deadline in the second half", "no deadline"):
            cell = table.get((need, band))
            if cell:
                summary.append({"need": NeedClass(need).label, "band": band, **cell,
                                "mean": cell["value"] / cell["count"]})
    return {"points": points, "summary": summary, "needs": [[c.value, c.label] for c in NeedClass]}


_REFERENCE = re.compile(r"\b[A-Z][A-Z0-9]*-[A-Z0-9]+\b")


def resource_words(run: PlanRun) -> dict[str, str]:
    """Resource name in the engine's words -> the business label ("java" -> "Java development")."""
    return {name: info.get("label", name) for name, info in ((run.summary or {}).get("resources") or {}).items()}


def _business_words(text: str, words: dict[str, str]) -> str:
    """The engine's "java-hours" and "java capacity" in the resource's own name."""
    for name, label in sorted(words.items(), key=lambda kv: -len(kv[0])):
        unit = "units" if name.startswith("system:") else "hours"
        text = text.replace(f"{name}-hours", f"{label} {unit}").replace(f"{name} capacity", f"{label} capacity")
    return text


def link_references(text: str, references: dict[str, int], words: dict[str, str] | None = None) -> SafeString:
    """`text` (escaped) in business words, with each known demand reference linked to the demand."""
    text = _business_words(text, words or {})

    def repl(match: re.Match[str]) -> str:
        ref = match.group(0)
        pk = references.get(ref)
        if pk is None:
            return ref
        return f'<a href="{reverse("demand:demand_detail", args=[pk])}">{ref}</a>'

    return mark_safe(_REFERENCE.sub(repl, str(escape(text))))
