"""Enumerations of the strategy app."""

from django.db import models

__all__ = ["ContributionStrength", "ObjectiveCategory"]


class ObjectiveCategory(models.TextChoices):
    REVENUE_GROWTH = "revenue_growth", "Revenue growth"
    COST_REDUCTION = "cost_reduction", "Cost reduction"
    CUSTOMER_SATISFACTION = "customer_satisfaction", "Customer satisfaction"
    RISK_COMPLIANCE = "risk_compliance", "Risk & compliance"
    OTHER = "other", "Other"


class ContributionStrength(models.TextChoices):
    """How strongly a department goal serves an objective; `factor` feeds scoring."""

    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"

    @property
    def factor(self) -> float:
        return {"none": 0.0, "low": 1.0, "medium": 2.0, "high": 3.0}[self.value]
