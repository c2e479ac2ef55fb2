"""The published IT Strategy: the latest version as a page with older versions listed, any
version as PDF (WeasyPrint, local resources only) or Markdown, and the CIO's publish form.

Every member of the organisation reads the published strategy; only the CIO publishes.
Writes go through `bearing.planning.publishing.publish_run`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify

from bearing.core.decorators import member_required
from bearing.core.permissions import department_ids, get_object_for_user, has_model_permission
from bearing.planning.choices import RunStatus
from bearing.planning.models import PlanRun, Publication
from bearing.planning.publishing import default_cycle, next_version, publish_run, strategy_document

__all__ = ["document_latest", "document_markdown", "document_pdf", "document_version", "publish"]


def _publications(request: HttpRequest) -> Any:
    return (
        Publication.objects.restrict(request.user, "view", request.organisation)
        .select_related("published_by", "run__scenario")
    )


def _get_publication(request: HttpRequest, pk: int) -> Publication:
    return get_object_for_user(_publications(request), request.user, pk, "view", request.organisation)


def _filename(publication: Publication, extension: str) -> str:
    cycle = slugify(publication.cycle.replace("–", "-").replace("/", "-"))
    return f"{slugify(publication.organisation.name)}-it-strategy-{cycle}-v{publication.version}.{extension}"


def _document_page(request: HttpRequest, publication: Publication | None) -> HttpResponse:
    versions = list(_publications(request).only(
        "pk", "cycle", "version", "published_at", "published_by__username", "published_by__first_name",
        "published_by__last_name", "run__scenario__name", "organisation_id", "run_id"))
    own = department_ids(request.user, request.role) if request.role else set()
    context: dict[str, Any] = {
        "publication": publication,
        "versions": versions,
        "doc": strategy_document(publication) if publication else None,
        "own_departments": own,
        "may_publish": has_model_permission(request.user, "change", Publication, request.organisation),
    }
    if context["may_publish"]:
        runs = list(
            PlanRun.objects.filter(organisation=request.organisation, status=RunStatus.SUCCEEDED)
            .exclude(plan_status="infeasible").defer(*PlanRun.LARGE_FIELDS).select_related("scenario")
            .order_by("-finished_at", "-id")[:5]
        )
        # A run already published is shown with its version(s) instead of an offer to publish it.
        published: dict[int, list[Publication]] = {}
        for version in versions:
            published.setdefault(version.run_id, []).append(version)
        for run in runs:
            run.published_versions = published.get(run.pk, [])
        context["publishable"] = runs
    return render(request, "planning/publication/document.html", context)


@member_required
def document_latest(request: HttpRequest) -> HttpResponse:
    """The latest published IT Strategy of the organisation, with older versions listed."""
    return _document_page(request, _publications(request).first())


@member_required
def document_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_page(request, _get_publication(request, pk))


@member_required
def document_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _get_publication(request, pk)
    text = render_to_string("planning/publication/document.md", {"doc": strategy_document(publication)})
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(publication, "md")}"'
    return response


@member_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _get_publication(request, pk)
    from bearing.planning.publishing_pdf import render_pdf  # loads WeasyPrint only when needed

    html = render_to_string("planning/publication/document_pdf.html", {"doc": strategy_document(publication)})
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(publication, "pdf")}"'
    return response


@member_required
def publish(request: HttpRequest, run_id: int) -> HttpResponse:
    """The CIO's form to publish a finished run as the IT Strategy of a cycle."""
    queryset = PlanRun.objects.defer(*PlanRun.LARGE_FIELDS).select_related("scenario", "organisation__calendar")
    run = get_object_for_user(queryset, request.user, run_id, "change", request.organisation)
    organisation = run.organisation
    cycle = request.POST.get("cycle", default_cycle(organisation)) if request.method == "POST" else default_cycle(organisation)
    summary = request.POST.get("summary", "") if request.method == "POST" else ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            publication = publish_run(request.user, run, cycle, summary)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, f"Published {publication} v{publication.version}.")
            return redirect("strategy_doc:document_version", pk=publication.pk)
    return render(request, "planning/publication/publish.html", {
        "run": run,
        "scenario": run.scenario,
        "cycle": cycle,
        "summary": summary,
        "errors": errors,
        "version": next_version(organisation, cycle.strip()) if cycle.strip() else 1,
        "previous": Publication.objects.filter(organisation=organisation).order_by("-published_at", "-id").first(),
        "scheduled": run.decisions.filter(is_scheduled=True).count(),
    }, status=400 if errors else 200)
