"""Template context: the current organisation, the user's role and their other organisations."""

from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict:
    return {
        "organisation": getattr(request, "organisation", None),
        "role": getattr(request, "role", None),
        "memberships": getattr(request, "memberships", []),
    }
