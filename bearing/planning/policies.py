"""Permission policies of the planning models, registered into the one permission layer.

Only the CIO/admin runs, cancels and publishes plans; every member reads plans and strategies
(department leads' pages show the parts about their departments).
"""

from bearing.core.choices import Role
from bearing.core.permissions import ALL, POLICIES, Policy

_EVERYONE = {role: ALL for role in Role.values}
_CIO = {Role.CIO: ALL}


def register() -> None:
    POLICIES.update(
        {
            "planning.ScoringModel": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO}),
            "planning.Scenario": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO, "run": _CIO}),
            "planning.PlanRun": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO}),
            "planning.Publication": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO}),
        }
    )
