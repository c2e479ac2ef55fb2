"""Forms of the strategy pages. They validate input and offer only choices inside the current
organisation; the services re-check everything and write."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from bearing.core.choices import Role
from bearing.core.forms import MemberChoiceField, MembersChoiceField, members_of
from bearing.core.permissions import has_model_permission
from bearing.demand.choices import DemandType, NeedClass
from bearing.demand.models import Demand
from bearing.strategy.choices import ContributionStrength
from bearing.strategy.models import Department, DepartmentGoal, Objective, StrategySession

__all__ = [
    "CaptureDemandForm",
    "CaptureGoalForm",
    "DepartmentForm",
    "GoalForm",
    "ObjectiveForm",
    "SessionForm",
    "writable_departments",
]

KPI_FIELDS = ("kpi_metric", "kpi_unit", "kpi_baseline", "kpi_target", "kpi_due_date", "kpi_current")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def writable_departments(user: Any, organisation: Any, model: type) -> list[Department]:
    """Departments of `organisation` in which `user` may add `model` objects (a BIO: their own)."""
    departments = Department.objects.filter(organisation=organisation).order_by("name")
    return [
        d
        for d in departments
        if has_model_permission(user, "add", model, organisation, department=d)
    ]


def _department_field(
    form: forms.Form, user: Any, organisation: Any, model: type, current: Department | None
) -> None:
    allowed = writable_departments(user, organisation, model)
    ids = {d.pk for d in allowed}
    if current is not None:
        ids.add(current.pk)
    form.fields["department"].queryset = Department.objects.filter(
        organisation=organisation, pk__in=ids
    ).order_by("name")
    if len(ids) == 1 and current is None:
        form.fields["department"].initial = next(iter(ids))


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ("name", "category", "description", "weight", *KPI_FIELDS)
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "kpi_due_date": _DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class DepartmentForm(forms.ModelForm):
    lead = MemberChoiceField(
        queryset=None, required=False, help_text="A member of the organisation"
    )
    bios = MembersChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="BIOs",
        help_text="Members with the BIO role who record this department's strategy and demands",
    )

    class Meta:
        model = Department
        fields = ("name", "code", "description", "lead", "bios")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "description": forms.Textarea(attrs={"rows": 3})
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members_of(organisation)
        self.fields["bios"].queryset = members_of(organisation, Role.BIO)


class GoalForm(forms.ModelForm):
    """A department goal, with one strength field per objective of the organisation
    (`contribution_<objective id>`; empty means not linked)."""

    class Meta:
        model = DepartmentGoal
        fields = ("department", "title", "description", "session", *KPI_FIELDS)
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "kpi_due_date": _DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, organisation: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.department if self.instance.pk else None
        _department_field(self, user, organisation, DepartmentGoal, current)
        # Sessions of the departments the user may choose (the service checks the pairing).
        self.fields["session"].queryset = (
            StrategySession.objects.filter(department__in=self.fields["department"].queryset)
            .select_related("department")
            .order_by("-held_on")
        )
        self.fields[
            "session"
        ].help_text = "The strategy session in which the goal was captured (optional)"
        self.objectives = list(Objective.objects.filter(organisation=organisation).order_by("name"))
        existing: dict[int, str] = {}
        if self.instance.pk:
            existing = dict(self.instance.contributions.values_list("objective_id", "strength"))
        choices = [("", "— not linked —"), *ContributionStrength.choices]
        for objective in self.objectives:
            self.fields[self.contribution_field(objective)] = forms.ChoiceField(
                label=objective.name,
                choices=choices,
                required=False,
                initial=existing.get(objective.pk, ""),
            )

    @staticmethod
    def contribution_field(objective: Objective) -> str:
        return f"contribution_{objective.pk}"

    def contribution_fields(self) -> list[forms.BoundField]:
        return [self[self.contribution_field(o)] for o in self.objectives]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def contributions(self) -> dict[Objective, str]:
        """Objective -> strength for every linked objective (call after validation)."""
        result = {}
        for objective in self.objectives:
            strength = self.cleaned_data.get(self.contribution_field(objective))
            if strength:
                result[objective] = strength
        return result

    def goal_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SessionForm(forms.ModelForm):
    bio = MemberChoiceField(
        queryset=None, required=False, label="BIO", help_text="Who recorded the session"
    )

    class Meta:
        model = StrategySession
        fields = ("department", "title", "held_on", "bio", "attendees", "notes")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "held_on": _DATE,
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, organisation: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.department if self.instance.pk else None
        _department_field(self, user, organisation, StrategySession, current)
        self.fields["bio"].queryset = members_of(organisation)
        if not self.instance.pk and not self.is_bound:
            self.fields["bio"].initial = user.pk


class CaptureGoalForm(forms.ModelForm):
    """A goal noted during a strategy session; the department and session come from the session."""

    prefix = "goal"

    class Meta:
        model = DepartmentGoal
        fields = ("title", "description", "kpi_metric", "kpi_target")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "description": forms.Textarea(attrs={"rows": 2})
        }


class CaptureDemandForm(forms.ModelForm):
    """A demand noted during a strategy session, with the essentials; the rest is added later."""

    prefix = "demand"
    earliest_start_quarter = forms.TypedChoiceField(label="Earliest start", coerce=int, choices=())

    class Meta:
        model = Demand
        fields = (
            "title",
            "demand_type",
            "need_class",
            "description",
            "cost_eur",
            "duration_quarters",
            "earliest_start_quarter",
        )
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "description": forms.Textarea(attrs={"rows": 2})
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calendar = getattr(organisation, "calendar", None)
        self.fields["earliest_start_quarter"].choices = (
            calendar.choices() if calendar else [(0, "First quarter")]
        )
        self.fields["demand_type"].choices = DemandType.choices
        self.fields["need_class"].choices = NeedClass.choices
