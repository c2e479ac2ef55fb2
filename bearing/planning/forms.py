"""Forms of the planning pages: a scenario's fields, its budget windows and capacity changes as
rows (formsets), and demand lists entered as references ("D-0001, D-0007")."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from bearing.capacity.models import Skill, System
from bearing.demand.models import Demand
from bearing.planning.choices import DemandSelection
from bearing.planning.models import Scenario

__all__ = [
    "BudgetWindowForm", "CapacityChangeForm", "DemandReferencesField", "ScenarioForm",
    "budget_formset", "capacity_formset",
]

UNIT_CHOICES = [("fte", "FTE (people)"), ("hours", "hours per quarter"), ("units", "system units")]
# Every select of a row starts empty, so an untouched extra row submits nothing and is skipped.
_EMPTY: list[tuple[Any, str]] = [("", "—")]


class DemandReferencesField(forms.CharField):
    """Demand references separated by commas, spaces or new lines -> list of the organisation's
    demands; unknown references are an error naming them."""

    widget = forms.Textarea(attrs={"rows": 2, "placeholder": "D-0001, D-0007"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.organisation: Any = None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return ", ".join(getattr(d, "reference", str(d)) for d in value)
        return value

    def clean(self, value: Any) -> list[Demand]:
        text = super().clean(value) or ""
        references = [r for r in re.split(r"[\s,;]+", text) if r]
        if not references:
            return []
        found = {d.reference: d for d in Demand.objects.filter(organisation=self.organisation, reference__in=references)}
        missing = [r for r in references if r not in found]
        if missing:
            raise forms.ValidationError(f"No such demand: {', '.join(missing)}.")
        return list(dict.fromkeys(found[r] for r in references))


class ScenarioForm(forms.ModelForm):
    chosen_demands = DemandReferencesField(help_text="Only with “a chosen set”: the demands to plan.")
    forced_in = DemandReferencesField(help_text="Demands the plan must include (treated as mandatory).")
    forced_out = DemandReferencesField(help_text="Demands the plan must leave out.")

    class Meta:
        model = Scenario
        fields = ["name", "description", "selection", "time_limit_seconds"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "selection": forms.RadioSelect}
        labels = {"selection": "Demands to plan", "time_limit_seconds": "Time limit (seconds)"}
        help_texts = {
            "time_limit_seconds": "For the whole run: building the problem, the search, the reasons "
            "for what is left out and storing the plan. A longer limit finds better plans for large "
            "portfolios."
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chosen_demands", "forced_in", "forced_out"):
            self.fields[name].organisation = organisation
            if self.instance.pk and not self.is_bound:
                self.initial[name] = list(getattr(self.instance, name).order_by("reference"))
        self.fields["selection"].choices = DemandSelection.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("selection") == DemandSelection.CHOSEN and not data.get("chosen_demands"):
            self.add_error("chosen_demands", "Name the demands to plan, or plan the default set.")
        return data


def _quarter_choices(organisation: Any) -> list[tuple[Any, str]]:
    return _EMPTY + list(organisation.calendar.choices())


class BudgetWindowForm(forms.Form):
    """One budget window: spend in quarters first..last (inclusive) at most `amount` EUR."""

    first = forms.TypedChoiceField(label="First quarter", coerce=int)
    last = forms.TypedChoiceField(label="Last quarter", coerce=int)
    amount = forms.DecimalField(label="Amount (EUR)", min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first"].choices = self.fields["last"].choices = _quarter_choices(organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") is not None and data.get("last") is not None and data["first"] > data["last"]:
            self.add_error("last", "The last quarter must not come before the first.")
        return data


class CapacityChangeForm(forms.Form):
    """One capacity change: "+2 FTE java from 2027-Q3", "system erp +50 units from 2027-Q2"."""

    resource = forms.ChoiceField(label="Skill or system")
    amount = forms.DecimalField(label="Adds", min_value=0, max_digits=10, decimal_places=2)
    unit = forms.ChoiceField(choices=_EMPTY + UNIT_CHOICES)
    from_quarter = forms.TypedChoiceField(label="From quarter", coerce=int)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = [(f"skill:{s.code}", f"Skill: {s.name}") for s in Skill.objects.filter(organisation=organisation).order_by("name")]
        systems = [(f"system:{s.code}", f"System: {s.name}") for s in System.objects.filter(organisation=organisation).order_by("name")]
        self.fields["resource"].choices = _EMPTY + skills + systems
        self.fields["from_quarter"].choices = _quarter_choices(organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        resource, unit = data.get("resource", ""), data.get("unit")
        if resource and unit:
            is_system = resource.startswith("system:")
            if is_system != (unit == "units"):
                self.add_error("unit", "Skills change in FTE or hours, systems in units.")
        return data


class _RowFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"organisation": self.organisation}

    @property
    def empty_form(self) -> forms.Form:
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, organisation=self.organisation)
        self.add_fields(form, None)
        return form

    def rows(self) -> list[dict[str, Any]]:
        """The filled-in rows not marked for deletion, as JSON-ready dicts."""
        out = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            out.append({k: (float(v) if k == "amount" else v) for k, v in data.items() if k != "DELETE"})
        return out


_BudgetFormSet = forms.formset_factory(BudgetWindowForm, formset=_RowFormSet, extra=1, can_delete=True)
_CapacityFormSet = forms.formset_factory(CapacityChangeForm, formset=_RowFormSet, extra=1, can_delete=True)


def budget_formset(data: Any, organisation: Any, initial: list[dict[str, Any]] | None = None) -> Any:
    return _BudgetFormSet(data, organisation=organisation, initial=initial, prefix="budget")


def capacity_formset(data: Any, organisation: Any, initial: list[dict[str, Any]] | None = None) -> Any:
    return _CapacityFormSet(data, organisation=organisation, initial=initial, prefix="capacity")
