"""Django admin for skills, people with their availability, skill capacity and systems."""

from __future__ import annotations

from django.contrib import admin

from bearing.capacity.models import Person, PersonAvailability, Skill, SkillCapacity, System


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name", "code")
    list_select_related = ("organisation",)


class PersonAvailabilityInline(admin.TabularInline):
    model = PersonAvailability
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "team", "fte", "operations_share")
    list_filter = ("organisation", "team", "skills")
    search_fields = ("name", "email", "team")
    list_select_related = ("organisation",)
    filter_horizontal = ("skills",)
    inlines = (PersonAvailabilityInline,)


@admin.register(SkillCapacity)
class SkillCapacityAdmin(admin.ModelAdmin):
    list_display = ("skill", "organisation", "quarter", "hours", "note")
    list_filter = ("organisation", "quarter")
    search_fields = ("skill__name", "skill__code", "note")
    list_select_related = ("skill", "organisation")
    autocomplete_fields = ("skill",)


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "organisation", "kind", "criticality", "end_of_support",
                    "capacity_units", "utilised_units", "capacity_unit")
    list_filter = ("organisation", "kind", "criticality")
    search_fields = ("name", "code", "description")
    list_select_related = ("organisation", "owner_department")
    date_hierarchy = "end_of_support"
