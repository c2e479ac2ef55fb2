"""Analysis pages: the scoring model (direct weights, each rater's pairwise comparisons, the
aggregated AHP weights and their consistency), a demand's value term by term, capacity
sufficiency, two scenarios side by side, the alignment matrix and traceability.

Reads go through the permission layer; writes through `bearing.planning.weights` and
`bearing.planning.analysis.create_sufficiency_scenario`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from bearing.core.decorators import member_required
from bearing.core.forms import apply_service_errors
from bearing.core.permissions import get_object_for_user, has_model_permission
from bearing.demand.models import Demand
from bearing.planning import analysis, weights
from bearing.planning.analysis_forms import DirectWeightsForm, PairwiseForm, scale_position
from bearing.planning.choices import WeightMethod
from bearing.planning.models import PlanRun, Publication, Scenario, ScoringModel
from bearing.planning.scoring import criteria, raw_weights
from bearing.strategy.models import Objective

__all__ = [
    "alignment",
    "compare",
    "demand_score",
    "scoring",
    "scoring_compare",
    "scoring_direct",
    "scoring_recompute",
    "sufficiency",
    "sufficiency_scenario",
    "trace",
    "trace_demand",
    "trace_objective",
]

TRACE_GOALS_PAGE = 20
TRACE_DEMANDS_PER_GOAL = 25
COMPARE_LIST_LIMIT = 100


def _may_change_model(request: HttpRequest) -> bool:
    return has_model_permission(request.user, "change", ScoringModel, request.organisation)


def _labels(organisation: Any) -> dict[str, str]:
    return dict(criteria(organisation))


def _judgement_message(judgement: Any, labels: dict[str, str]) -> str:
    first, second = (
        labels.get(judgement.first, judgement.first),
        labels.get(judgement.second, judgement.second),
    )
    return (
        f"“{first}” against “{second}”: judged {judgement.given:.2g} times as important, "
        f"but the other judgements imply about {judgement.others_imply:.2g}."
    )


# Scoring model


def _method_label(model: ScoringModel | None, keys: list[str]) -> str:
    if model is None or not model.weights:
        return "Objective weights (no scoring model set yet)"
    if not all(k in model.weights for k in keys):
        return "Objective weights: the stored weights miss a criterion added since; set them again"
    return str(model.get_method_display())


def _scoring_page(
    request: HttpRequest, direct_form: DirectWeightsForm | None = None, status: int = 200
) -> HttpResponse:
    organisation = request.organisation
    items = criteria(organisation)
    labels = dict(items)
    in_use = raw_weights(organisation)
    model = ScoringModel.objects.filter(organisation=organisation).first()
    may_change = _may_change_model(request)
    if may_change and direct_form is None:
        direct_form = DirectWeightsForm(
            criteria=items, initial={k: round(in_use.get(k, 0.0), 4) for k, _ in items}
        )
    group, rater_count, problem = weights.aggregated_result(organisation)
    worst = weights.worst_judgement(group)
    stored_worst = None
    if (
        model is not None
        and model.method == WeightMethod.AHP
        and (model.consistency_ratio or 0) > 0.10
    ):
        stored_worst = worst
    rows = [
        {
            "key": k,
            "label": label,
            "weight": in_use.get(k, 0.0),
            "group": group.weights.get(k) if group else None,
        }
        for k, label in items
    ]
    return render(
        request,
        "planning/analysis/scoring.html",
        {
            "rows": rows,
            "model": model,
            "method": _method_label(model, [k for k, _ in items]),
            "direct_form": direct_form if may_change else None,
            "may_change": may_change,
            "may_rate": weights.may_rate(request.user, organisation),
            "group": group,
            "raters": weights.rater_summaries(organisation) if rater_count else [],
            "rater_count": rater_count,
            "group_problem": problem,
            "worst": _judgement_message(worst, labels) if worst else "",
            "stored_worst": _judgement_message(stored_worst, labels) if stored_worst else "",
            "stored_cr_high": model is not None
            and model.method == WeightMethod.AHP
            and (model.consistency_ratio or 0) > 0.10,
        },
        status=status,
    )


@member_required
def scoring(request: HttpRequest) -> HttpResponse:
    """Criteria and the weights in use, the direct-weights form (CIO) and the raters' aggregate."""
    return _scoring_page(request)


@member_required
@require_POST
def scoring_direct(request: HttpRequest) -> HttpResponse:
    if not _may_change_model(request):
        raise PermissionDenied("Only the CIO or an administrator sets the scoring weights.")
    form = DirectWeightsForm(request.POST, criteria=criteria(request.organisation))
    if form.is_valid():
        try:
            weights.set_direct_weights(request.user, request.organisation, form.weights())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Direct weights saved; new plan runs use them.")
            return redirect("analysis:scoring")
    return _scoring_page(request, direct_form=form, status=400)


@member_required
@require_POST
def scoring_recompute(request: HttpRequest) -> HttpResponse:
    if not _may_change_model(request):
        raise PermissionDenied("Only the CIO or an administrator sets the scoring weights.")
    try:
        model = weights.recompute_ahp(request.user, request.organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Weights from pairwise comparison in use (consistency ratio {model.consistency_ratio:.3f}).",
        )
    return redirect("analysis:scoring")


@member_required
def scoring_compare(request: HttpRequest) -> HttpResponse:
    """The current rater's pairwise comparison page (CIO and department leads)."""
    organisation = request.organisation
    if not weights.may_rate(request.user, organisation):
        raise PermissionDenied("Only the CIO and department leads compare criteria.")
    pairs = weights.criterion_pairs(organisation)
    labels = _labels(organisation)
    if request.method == "POST":
        form = PairwiseForm(request.POST, pairs=pairs)
        if form.is_valid():
            try:
                weights.save_judgements(request.user, organisation, request.user, form.judgements())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Your comparisons are saved.")
                return redirect("analysis:scoring_compare")
    else:
        stored = weights.rater_judgements(organisation, request.user)
        initial = {
            f"pair_{i}": scale_position(stored.get((left[0], right[0])))
            for i, (left, right) in enumerate(pairs)
        }
        form = PairwiseForm(initial=initial, pairs=pairs)
    mine = weights.rater_result(organisation, request.user)
    worst = weights.worst_judgement(mine)
    return render(
        request,
        "planning/analysis/comparison.html",
        {
            "form": form,
            "rows": form.rows(),
            "mine": mine,
            "my_weights": [{"label": labels[k], "weight": w} for k, w in mine.weights.items()]
            if mine
            else [],
            "worst": _judgement_message(worst, labels) if worst else "",
            "too_few": len(pairs) == 0,
        },
        status=400 if request.method == "POST" else 200,
    )


@member_required
def demand_score(request: HttpRequest, pk: int) -> HttpResponse:
    """A demand's value under the current scoring model, term by term."""
    demand = get_object_for_user(
        Demand.objects.select_related("organisation", "department"),
        request.user,
        pk,
        "view",
        request.organisation,
    )
    return render(request, "planning/analysis/demand_score.html", _score_context(demand))


def _score_context(demand: Demand) -> dict[str, Any]:
    score = analysis.demand_score(demand)
    return {"demand": demand, "score": score, "score_rows": analysis.score_rows(demand, score)}


# Sufficiency


@member_required
def sufficiency(request: HttpRequest) -> HttpResponse:
    """Approved demand against capacity: shortfall per resource and quarter, and what closes it.
    Computing takes long on a large organisation, so the page loads at once and fetches the
    report with htmx (`?compute=1`); a result still valid is shown straight away."""
    compute = request.GET.get("compute") == "1"
    data = analysis.cached_sufficiency(request.organisation, compute=compute)
    context: dict[str, Any] = {
        "report": data,
        "may_create": has_model_permission(request.user, "add", Scenario, request.organisation),
    }
    if data is not None:
        context.update(data)
    if request.htmx and data is not None:
        return render(request, "planning/analysis/partials/sufficiency_report.html", context)
    return render(request, "planning/analysis/sufficiency.html", context)


def _scenario_url(pk: int) -> str:
    try:
        return reverse("planning:scenario_detail", args=[pk])
    except NoReverseMatch:
        return f"/planning/scenarios/{pk}/"


@member_required
@require_POST
def sufficiency_scenario(request: HttpRequest) -> HttpResponse:
    """Create a scenario with the hires and upgrades that close the shortfall (CIO only)."""
    if not has_model_permission(request.user, "add", Scenario, request.organisation):
        raise PermissionDenied("Only the CIO or an administrator creates scenarios.")
    try:
        scenario = analysis.create_sufficiency_scenario(request.user, request.organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("analysis:sufficiency")
    messages.success(
        request, f"Scenario “{scenario}” created with the capacity changes; run it to see the plan."
    )
    return redirect(_scenario_url(scenario.pk))


# Plans compared, alignment, traceability


def _scenarios(request: HttpRequest) -> list[Scenario]:
    return list(
        Scenario.objects.restrict(request.user, "view", request.organisation)
        .only("pk", "name")
        .order_by("name")
    )


def _chosen(scenarios: list[Scenario], raw: str | None) -> Scenario | None:
    by_pk = {str(s.pk): s for s in scenarios}
    return by_pk.get(raw or "")


@member_required
def compare(request: HttpRequest) -> HttpResponse:
    """Two scenarios' current plans side by side (?a=<scenario>&b=<scenario>)."""
    scenarios = _scenarios(request)
    a, b = _chosen(scenarios, request.GET.get("a")), _chosen(scenarios, request.GET.get("b"))
    context: dict[str, Any] = {
        "scenarios": scenarios,
        "a": a,
        "b": b,
        "result": None,
        "missing": [],
    }
    if a is not None and b is not None:
        run_a, run_b = a.latest_plan(), b.latest_plan()
        context["missing"] = [s.name for s, r in ((a, run_a), (b, run_b)) if r is None]
        if run_a is not None and run_b is not None:
            context["result"] = analysis.compare_runs(run_a, run_b)
            context["labels"] = request.organisation.calendar.labels()
            context.update(
                limit=f":{COMPARE_LIST_LIMIT}",
                limit_n=COMPARE_LIST_LIMIT,
                minus_limit=-COMPARE_LIST_LIMIT,
            )
    return render(request, "planning/analysis/compare.html", context)


def _plan_choice(
    request: HttpRequest,
) -> tuple[list[Scenario], Scenario | None, PlanRun | None, Publication | None]:
    scenarios = _scenarios(request)
    scenario = _chosen(scenarios, request.GET.get("scenario"))
    publication = (
        Publication.objects.filter(organisation=request.organisation).select_related("run").first()
    )
    run = analysis.reference_run(request.organisation, scenario)
    return scenarios, scenario, run, publication


@member_required
def alignment(request: HttpRequest) -> HttpResponse:
    """Departments × objectives of a plan: planned value and the number of demands."""
    scenarios, scenario, run, publication = _plan_choice(request)
    matrix = analysis.alignment_matrix(request.organisation, run) if run is not None else None
    return render(
        request,
        "planning/analysis/alignment.html",
        {
            "scenarios": scenarios,
            "scenario": scenario,
            "run": run,
            "publication": publication,
            "matrix": matrix,
        },
    )


@member_required
def trace(request: HttpRequest) -> HttpResponse:
    """Per objective: goals serving it, their demands and how many the plan schedules."""
    scenarios, scenario, run, publication = _plan_choice(request)
    return render(
        request,
        "planning/analysis/trace.html",
        {
            "scenarios": scenarios,
            "scenario": scenario,
            "run": run,
            "publication": publication,
            "rows": analysis.traceability(request.organisation, run, request.user),
        },
    )


@member_required
def trace_objective(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_for_user(
        Objective.objects.all(), request.user, pk, "view", request.organisation
    )
    scenarios, scenario, run, publication = _plan_choice(request)
    page = Paginator(
        analysis.objective_contributions(objective, request.user), TRACE_GOALS_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/analysis/trace_objective.html",
        {
            "objective": objective,
            "scenarios": scenarios,
            "scenario": scenario,
            "run": run,
            "publication": publication,
            "page": page,
            "goals": analysis.objective_trace(
                objective,
                run,
                request.user,
                page.object_list,
                demands_per_goal=TRACE_DEMANDS_PER_GOAL,
            ),
            "labels": request.organisation.calendar.labels(),
        },
    )


@member_required
def trace_demand(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_for_user(
        Demand.objects.select_related("department", "organisation"),
        request.user,
        pk,
        "view",
        request.organisation,
    )
    scenarios, scenario, run, publication = _plan_choice(request)
    return render(
        request,
        "planning/analysis/trace_demand.html",
        {
            "demand": demand,
            "scenarios": scenarios,
            "scenario": scenario,
            "run": run,
            "publication": publication,
            "trace": analysis.demand_trace(demand, run, request.user),
            "labels": request.organisation.calendar.labels(),
        },
    )
