"""View decorators: pages that need a signed-in member of an organisation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

__all__ = ["member_required"]


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; users without any membership get a friendly page
    saying so (403) instead of an empty list."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "organisation", None) is None:
            return render(request, "core/no_membership.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
