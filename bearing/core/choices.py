"""Enumerations of the core app."""

from django.db import models

__all__ = ["Role"]


class Role(models.TextChoices):
    """A user's role in one organisation (DESIGN.md "People")."""

    CIO = "cio", "CIO / admin"
    BIO = "bio", "Business Information Officer"
    LEAD = "lead", "Department lead"
    RESOURCE_MANAGER = "resource_manager", "IT resource manager"
    VIEWER = "viewer", "Viewer"
