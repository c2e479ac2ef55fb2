"""Enumerations of the planning app."""

from django.db import models

__all__ = ["DemandSelection", "RunStatus", "WeightMethod"]


class WeightMethod(models.TextChoices):
    DIRECT = "direct", "Direct entry"
    AHP = "ahp", "Pairwise comparison (AHP)"


class DemandSelection(models.TextChoices):
    DEFAULT = "default", "Assessed and approved demands"
    CHOSEN = "chosen", "A chosen set of demands"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    LOST = "lost", "Worker lost"

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.QUEUED, cls.RUNNING)
