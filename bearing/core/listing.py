"""Shared list-page helper: filter with a django-filter FilterSet, sort by a whitelisted key,
paginate, and keep the query string for links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

__all__ = ["list_context"]


def list_context(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    filterset_class: type | None = None,
    sort_fields: dict[str, str],
    default_sort: str,
    per_page: int = 50,
    filterset_kwargs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Context for a list page.

    `sort_fields` maps the public key used in `?sort=key` / `?sort=-key` to an ORM ordering
    expression; unknown keys fall back to `default_sort` (itself a key, optionally with "-").
    Returns `filterset`, `object_list` (the current page's rows), `page_obj`, `paginator`,
    `is_paginated`, `sort` (the effective key) and `query_string` (filters and sort, without page).
    """
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(
            request.GET or None, queryset=queryset, request=request, **(filterset_kwargs or {})
        )
        # An invalid filter value shows its error on the form and lists nothing unexpected.
        queryset = (
            filterset.qs
            if filterset.is_bound and filterset.is_valid()
            else (queryset.none() if filterset.is_bound else queryset)
        )

    sort = request.GET.get("sort", "") or default_sort
    if sort.lstrip("-") not in sort_fields:
        sort = default_sort
    descending = sort.startswith("-")
    expression = sort_fields[sort.lstrip("-")]
    ordering = [f"-{expression}" if descending else expression, "-pk" if descending else "pk"]
    queryset = queryset.order_by(*ordering)

    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))

    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filterset": filterset,
        "object_list": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": paginator,
        "is_paginated": page_obj.has_other_pages(),
        "sort": sort,
        "query_string": params.urlencode(),
    }
