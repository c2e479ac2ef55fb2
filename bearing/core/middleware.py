"""Sets `request.organisation` and `request.role`: the organisation the user is working in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from bearing.core.models import Organisation

SESSION_KEY = "bearing_organisation_id"


class CurrentOrganisationMiddleware:
    """Picks the organisation from the session (set by the switcher), falling back to the user's
    first membership; `request.organisation` is None for anonymous users and non-members."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = None
        request.role = None
        user = request.user
        if user.is_authenticated:
            memberships = list(user.memberships.select_related("organisation").order_by("organisation__name"))
            user._bearing_roles = {m.organisation_id: m.role for m in memberships}
            chosen = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.organisation_id == chosen), None)
            if membership is None and memberships:
                membership = memberships[0]
            if membership is not None:
                request.organisation = membership.organisation
                request.role = membership.role
            request.memberships = memberships
        return self.get_response(request)


def select_organisation(request: HttpRequest, organisation: Organisation) -> None:
    request.session[SESSION_KEY] = organisation.pk
