"""Enumerations of the capacity app."""

from django.db import models

__all__ = ["Criticality", "SystemKind"]


class SystemKind(models.TextChoices):
    APPLICATION = "application", "Application"
    PLATFORM = "platform", "Platform"
    DATABASE = "database", "Database"
    INTEGRATION = "integration", "Integration"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    NETWORK = "network", "Network"
    SAAS = "saas", "SaaS service"


class Criticality(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    MISSION_CRITICAL = "mission_critical", "Mission critical"
