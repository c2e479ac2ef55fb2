"""Forms of the demand pages: the demand itself and its inline tables (effort per skill, benefit
per objective, systems used), a transition and a comment. Forms only validate input; the
services in bearing.demand.services save it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from bearing.capacity.models import Skill, System
from bearing.core.models import Organisation
from bearing.core.permissions import has_model_permission
from bearing.demand.models import Demand
from bearing.strategy.models import Department, DepartmentGoal, Objective, StrategySession

__all__ = [
    "BenefitTableForm",
    "CommentForm",
    "DemandForm",
    "DemandSelectMultiple",
    "EffortTableForm",
    "SystemUseTableForm",
    "TransitionForm",
    "quarter_choices",
]


def quarter_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """(index, "2027-Q3") for every quarter of the organisation's planning calendar."""
    calendar = getattr(organisation, "calendar", None)
    return calendar.choices() if calendar is not None else [(0, "quarter 0")]


class DemandSelectMultiple(forms.SelectMultiple):
    """A multiple select of demands that writes its options straight from (pk, reference, title)
    rows: Django's template per option takes seconds for the 10,000 demands of a large
    organisation."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        selected = set(self.format_value(value))
        rows = self.choices.queryset.values_list("pk", "reference", "title")
        options = "".join(
            f'<option value="{pk}"{" selected" if str(pk) in selected else ""}>{escape(ref)} {escape(title)}</option>'
            for pk, ref, title in rows
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs.pop("multiple", None)
        return format_html('<select name="{}" multiple{}>{}</select>', name, flatatt(final_attrs), mark_safe(options))


class DemandForm(forms.ModelForm):
    """The demand's own fields plus its goals and the demands it requires. Departments offered
    are those the user may propose demands for; quarters are shown as calendar labels."""

    earliest_start_quarter = forms.TypedChoiceField(label="Earliest start", coerce=int)
    deadline_quarter = forms.TypedChoiceField(
        label="Deadline", coerce=int, required=False, empty_value=None,
        help_text="Quarter by which it must be finished (earliest start + duration at the soonest).",
    )

    class Meta:
        model = Demand
        fields = [
            "department", "title", "description", "demand_type", "need_class", "risk", "session", "goals",
            "cost_eur", "duration_quarters", "earliest_start_quarter", "deadline_quarter", "requires",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.SelectMultiple(attrs={"size": 6}),
            "requires": DemandSelectMultiple(attrs={"size": 8}),
        }
        labels = {"requires": "Requires (finished before this starts)", "session": "Captured in session"}

    def __init__(self, *args: Any, organisation: Organisation, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        current = self.instance.department_id if self.instance.pk else None
        departments = [
            d for d in Department.objects.filter(organisation=organisation)
            if d.pk == current or has_model_permission(user, "add", Demand, organisation, d)
        ]
        self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
        self.fields["department"].empty_label = None if len(departments) == 1 else "---------"
        sessions = StrategySession.objects.filter(organisation=organisation).select_related("department")
        self.fields["session"].queryset = sessions
        goals = DepartmentGoal.objects.filter(organisation=organisation).select_related("department")
        self.fields["goals"].queryset = goals
        requires = Demand.objects.filter(organisation=organisation).only("id", "reference", "title")
        if self.instance.pk:
            requires = requires.exclude(pk=self.instance.pk)
        self.fields["requires"].queryset = requires
        quarters = quarter_choices(organisation)
        self.fields["earliest_start_quarter"].choices = quarters
        self.fields["deadline_quarter"].choices = [("", "no deadline"), *quarters]
        for name in ("session", "goals", "requires"):
            self.fields[name].label_from_instance = _label_for(name)

    def service_fields(self) -> dict[str, Any]:
        """Cleaned data as keyword arguments of create_demand/update_demand."""
        data = dict(self.cleaned_data)
        data["goals"] = list(data.get("goals") or [])
        data["requires"] = list(data.get("requires") or [])
        return data


def _label_for(name: str):
    if name == "session":
        return lambda s: f"{s.department.name} — {s.title} ({s.held_on})"
    if name == "goals":
        return lambda g: f"{g.department.name} — {g.title}"
    return lambda d: f"{d.reference} {d.title}"


class _TableForm(forms.Form):
    """A table of inputs, one row per object of the organisation (skill, objective, system)."""

    def rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(obj, [self[name] for name in names]) for obj, names in self._rows]


class EffortTableForm(_TableForm):
    """Hours per skill; empty or zero means the demand needs none of that skill."""

    def __init__(self, *args: Any, organisation: Organisation, demand: Demand | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {e.skill_id: e.hours for e in demand.efforts.all()} if demand and demand.pk else {}
        self.skills = list(Skill.objects.filter(organisation=organisation))
        self._rows = []
        for skill in self.skills:
            name = f"effort_{skill.pk}"
            self.fields[name] = forms.DecimalField(
                label=skill.name, required=False, min_value=0, max_digits=10, decimal_places=1,
                initial=current.get(skill.pk), widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
            )
            self._rows.append((skill, [name]))

    def efforts(self) -> dict[Skill, Decimal]:
        result = {}
        for skill in self.skills:
            hours = self.cleaned_data.get(f"effort_{skill.pk}")
            if hours:
                result[skill] = hours
        return result


class BenefitTableForm(_TableForm):
    """Expected benefit per objective on a 0–10 scale; empty means none."""

    def __init__(self, *args: Any, organisation: Organisation, demand: Demand | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {b.objective_id: b.score for b in demand.benefits.all()} if demand and demand.pk else {}
        self.objectives = list(Objective.objects.filter(organisation=organisation))
        self._rows = []
        for objective in self.objectives:
            name = f"benefit_{objective.pk}"
            self.fields[name] = forms.DecimalField(
                label=objective.name, required=False, min_value=0, max_value=10, max_digits=4, decimal_places=1,
                initial=current.get(objective.pk),
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "10"}),
            )
            self._rows.append((objective, [name]))

    def benefits(self) -> dict[Objective, Decimal]:
        result = {}
        for objective in self.objectives:
            score = self.cleaned_data.get(f"benefit_{objective.pk}")
            if score:
                result[objective] = score
        return result


class SystemUseTableForm(_TableForm):
    """Systems the demand needs: capacity units used while active and whether it changes the system.
    A row counts when it has units or is ticked as changed."""

    def __init__(self, *args: Any, organisation: Organisation, demand: Demand | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {u.system_id: u for u in demand.system_uses.all()} if demand and demand.pk else {}
        self.systems = list(System.objects.filter(organisation=organisation))
        self._rows = []
        for system in self.systems:
            use = current.get(system.pk)
            units, change = f"system_{system.pk}_units", f"system_{system.pk}_change"
            self.fields[units] = forms.DecimalField(
                label=f"{system.name} ({system.capacity_unit})", required=False, min_value=0,
                max_digits=12, decimal_places=1, initial=use.units if use else None,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
            )
            self.fields[change] = forms.BooleanField(
                label="changes it", required=False, initial=use.is_change if use else False
            )
            self._rows.append((system, [units, change]))

    def system_uses(self) -> dict[System, tuple[Decimal, bool]]:
        result = {}
        for system in self.systems:
            units = self.cleaned_data.get(f"system_{system.pk}_units")
            change = bool(self.cleaned_data.get(f"system_{system.pk}_change"))
            if units or change:
                result[system] = (units or Decimal(0), change)
        return result


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
