"""Enumerations of the demand app, and the status workflow."""

from django.db import models

from bearing.core.choices import Role

__all__ = ["TRANSITIONS", "DemandStatus", "DemandType", "NeedClass", "Risk", "Transition"]


class DemandType(models.TextChoices):
    NEW_SYSTEM = "new_system", "New system"
    ENHANCEMENT = "enhancement", "Enhancement"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    SECURITY = "security", "Security"
    COMPLIANCE = "compliance", "Compliance"
    SUPPORT = "support", "Support"


class NeedClass(models.TextChoices):
    """How much the business needs the demand; mandatory demands must be planned."""

    MANDATORY = "mandatory", "Mandatory"
    CRITICAL = "critical", "Critical"
    IMPORTANT = "important", "Important"
    NICE_TO_HAVE = "nice_to_have", "Nice to have"


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class DemandStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Transition(models.TextChoices):
    """A workflow step; `TRANSITIONS` says from where it goes, to where, and who may take it."""

    SUBMIT = "submit", "Submit"
    ASSESS = "assess", "Mark assessed"
    APPROVE = "approve", "Approve"
    SCHEDULE = "schedule", "Schedule"
    START = "start", "Start work"
    DELIVER = "deliver", "Mark delivered"
    REJECT = "reject", "Reject"
    DEFER = "defer", "Defer"
    WITHDRAW = "withdraw", "Withdraw"
    REOPEN = "reopen", "Reopen as draft"


S = DemandStatus
_OPEN = (S.DRAFT, S.SUBMITTED, S.ASSESSED, S.APPROVED)

# transition -> (allowed from, to, roles that may take it, reason required)
# BIO and department lead act only on their own departments (enforced in bearing.core.permissions).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, frozenset[str], bool]] = {
    Transition.SUBMIT: ((S.DRAFT,), S.SUBMITTED, frozenset({Role.CIO, Role.BIO, Role.LEAD}), False),
    Transition.ASSESS: ((S.SUBMITTED,), S.ASSESSED, frozenset({Role.CIO, Role.RESOURCE_MANAGER}), False),
    Transition.APPROVE: ((S.ASSESSED,), S.APPROVED, frozenset({Role.CIO}), False),
    Transition.SCHEDULE: ((S.APPROVED,), S.SCHEDULED, frozenset({Role.CIO}), False),
    Transition.START: ((S.SCHEDULED,), S.IN_PROGRESS, frozenset({Role.CIO, Role.RESOURCE_MANAGER}), False),
    Transition.DELIVER: ((S.IN_PROGRESS,), S.DELIVERED, frozenset({Role.CIO, Role.RESOURCE_MANAGER}), False),
    Transition.REJECT: ((S.SUBMITTED, S.ASSESSED), S.REJECTED, frozenset({Role.CIO}), True),
    Transition.DEFER: ((S.SUBMITTED, S.ASSESSED, S.APPROVED, S.SCHEDULED), S.DEFERRED, frozenset({Role.CIO}), True),
    Transition.WITHDRAW: (_OPEN, S.WITHDRAWN, frozenset({Role.CIO, Role.BIO, Role.LEAD}), True),
    Transition.REOPEN: ((S.DEFERRED, S.REJECTED, S.WITHDRAWN), S.DRAFT, frozenset({Role.CIO, Role.BIO}), False),
}
