"""What the result pages of a plan show, computed from a run's decisions and its small summary
(never from the full problem snapshot, so pages stay fast for tens of thousands of demands)."""

from __future__ import annotations

import math
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
    "budget_rows", "business_words", "forced_in_cost", "gantt_data", "heatmap_rows", "link_references", "priority_data",
    "readable_details", "resource_choices", "resource_words", "roadmap_queryset",
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


# Gantt row labels keep this many characters of the title so the chart keeps its width; the
# hover text has the whole title.
GANTT_TITLE = 32


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def gantt_data(rows: list[PlanDecision], labels: list[str], group: str) -> dict[str, Any]:
    """Bars (one per scheduled demand: start, duration, group) and dependency arrows between
    bars of the same page, for the browser chart."""
    bars = []
    on_page = {d.demand_id: d for d in rows}
    links = []
    for d in rows:
        bars.append({
            "id": d.demand.reference, "title": d.demand.title[:200],
            "label": f"{d.demand.reference} {_shorten(d.demand.title, GANTT_TITLE)}",
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


# A decimal amount of hours in the engine's words: "71.05 more dba-hours", "28.95 hours short",
# "needs 56.67 crm-hours per period".
_HOURS = re.compile(r"\b(\d[\d,]*\.\d+)(?=(?: more)? (?:[\w:.&+-]+-hours|hours)\b)")


def _whole(number: str) -> str:
    """ "71.05" -> "71", "1,234.5" -> "1,235" (halves round up)."""
    return f"{math.floor(float(number.replace(',', '')) + 0.5):,}"


def _whole_hours(match: re.Match[str]) -> str:
    return _whole(match.group(1))


def _in_words(text: str, name: str, label: str) -> str:
    """`text` with the one resource `name` called `label`: its hours (whole numbers) for a skill,
    its units for a system."""
    is_system = name.startswith("system:")
    unit = "units" if is_system else "hours"

    def amount(number: str) -> str:
        return number if is_system else _whole(number)

    def amount_of(match: re.Match[str]) -> str:
        number, more = match.group(1), match.group(2) or ""
        return f"{amount(number)}{more} {label} {unit}" if number else f"{label} {unit}"

    def shortage(match: re.Match[str]) -> str:
        return f"{label} in {match.group(1)} is {amount(match.group(2))} {unit} short"

    quoted = re.escape(name)
    text = re.sub(rf"(?:\b(\d[\d,]*(?:\.\d+)?)( more)? )?(?<![\w:-]){quoted}-hours\b", amount_of, text)
    text = re.sub(rf"(?<![\w:-]){quoted} capacity\b", f"{label} capacity", text)
    return re.sub(rf"(?:(?<=: )|^){quoted} in (\S+) is (\d[\d,]*(?:\.\d+)?) hours short", shortage, text)


def business_words(text: str, words: dict[str, str]) -> str:
    """An engine reason in business words: resource names become their labels ("dba-hours" ->
    "Database administration hours", "system:erp-hours" -> "SAP ECC units", "dba capacity" ->
    "Database administration capacity", ": dba in 2027-Q2 is 29 hours short" -> ": Database
    administration in …") and hours are whole numbers. Display only; the stored reason is unchanged."""
    for name, label in sorted(words.items(), key=lambda kv: -len(kv[0])):
        text = _in_words(text, name, label)
    return _HOURS.sub(_whole_hours, text)


def link_references(text: str, references: dict[str, int], words: dict[str, str] | None = None) -> SafeString:
    """`text` (escaped) in business words, with each known demand reference linked to the demand."""
    text = business_words(text, words or {})

    def repl(match: re.Match[str]) -> str:
        ref = match.group(0)
        pk = references.get(ref)
        if pk is None:
            return ref
        return f'<a href="{reverse("demand:demand_detail", args=[pk])}">{ref}</a>'

    return mark_safe(_REFERENCE.sub(repl, str(escape(text))))


def forced_in_cost(details: dict[str, Any] | None, reasons: list[str] | None = None) -> str:
    """What forcing a left-out demand in would cost, from `PlanDecision.details["value_lost"]`
    (the same re-plan the "would cost … of value elsewhere" reason reports): the value, or why
    there is none ("not possible" when no plan can hold it, "not checked" when the re-plan ran out
    of time). A plan with it that is worth more (the search ended before finding it) shows the gain."""
    details = details or {}
    lost = details.get("value_lost")
    gained = details.get("value_gained")
    if gained is not None:
        return f"none: {gained:,.2f} more with it"
    if lost is not None:
        return f"{lost:,.2f}"
    if details.get("verified") is False or any(r.startswith("not verified") for r in reasons or []):
        return "not checked"
    return "not possible"


def readable_details(details: dict[str, Any] | None, words: dict[str, str], labels: list[str]) -> list[tuple[str, str]]:
    """The explanation details of a left-out demand as (term, text) in business words: its best
    start, the resources that bind it and the hours (whole) or units that would admit it."""
    details = details or {}

    def quarter(i: Any) -> str:
        return labels[i] if isinstance(i, int) and 0 <= i < len(labels) else str(i)

    def amount(name: str, value: float) -> str:
        return f"{value:,.2f} units" if name.startswith("system:") else f"{math.floor(value + 0.5):,} hours"

    out = []
    if details.get("start") is not None:
        out.append(("Best start", quarter(details["start"])))
    if details.get("periods"):
        out.append(("Quarters checked", ", ".join(quarter(p) for p in details["periods"])))
    if details.get("binding_resources"):
        out.append(("Limited by", ", ".join(words.get(n, n) for n in details["binding_resources"])))
    if details.get("extra_hours"):
        out.append(("More capacity that would admit it", "; ".join(
            f"{words.get(n, n)}: {amount(n, float(v))}" for n, v in details["extra_hours"].items())))
    if details.get("extra_money"):
        out.append(("More budget that would admit it", f"{float(details['extra_money']):,.0f} EUR"))
    return out
