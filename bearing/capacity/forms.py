"""Forms of the capacity pages. They only validate input; bearing.capacity.services saves it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from bearing.capacity.models import Person, Skill, System
from bearing.core.models import Organisation
from bearing.strategy.models import Department

__all__ = ["AvailabilityForm", "PersonForm", "SkillCapacityForm", "SkillForm", "SystemForm"]


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "code", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PersonForm(forms.ModelForm):
    """A person with their skills (of the organisation), FTE and operations share."""

    class Meta:
        model = Person
        fields = ["name", "email", "team", "skills", "fte", "operations_share"]
        widgets = {"skills": forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.filter(organisation=organisation)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["skills"] = list(data.get("skills") or [])
        return data


class AvailabilityForm(forms.Form):
    """FTE per quarter where it differs from the person's normal FTE; empty means normal."""

    def __init__(self, *args: Any, organisation: Organisation, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {a.quarter: a.fte for a in person.availability.all()} if person and person.pk else {}
        calendar = getattr(organisation, "calendar", None)
        self.quarters = calendar.choices() if calendar is not None else []
        for index, label in self.quarters:
            self.fields[f"q{index}"] = forms.DecimalField(
                label=label, required=False, min_value=0, max_value=Decimal("1.5"), max_digits=4, decimal_places=2,
                initial=current.get(index), widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1.5"}),
            )

    def availability(self) -> dict[int, Decimal]:
        return {
            index: self.cleaned_data[f"q{index}"]
            for index, _ in self.quarters
            if self.cleaned_data.get(f"q{index}") is not None
        }


class SystemForm(forms.ModelForm):
    """A system; the owner is one of the organisation's departments."""

    class Meta:
        model = System
        fields = [
            "name", "code", "kind", "owner_department", "criticality", "end_of_support",
            "capacity_unit", "capacity_units", "utilised_units", "description",
        ]
        widgets = {
            "end_of_support": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = Department.objects.filter(organisation=organisation)


class SkillCapacityForm(forms.Form):
    """Hours of a skill available to demands in one quarter, overriding what people give."""

    hours = forms.DecimalField(min_value=0, max_digits=10, decimal_places=1,
                               widget=forms.NumberInput(attrs={"step": "1", "min": "0", "autofocus": True}))
    note = forms.CharField(max_length=200, required=False)
