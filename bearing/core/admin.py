"""Django admin for organisations, memberships and calendars; the audit trail is read-only.
Edits here bypass the services and are not audited — the admin is a superuser's repair tool."""

from __future__ import annotations

from django.contrib import admin

from bearing.core.models import AuditEntry, Membership, Organisation, PlanningCalendar


class PlanningCalendarInline(admin.StackedInline):
    model = PlanningCalendar
    can_delete = False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "currency", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PlanningCalendarInline, MembershipInline)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role", "organisation")
    search_fields = ("user__username", "user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")


@admin.register(PlanningCalendar)
class PlanningCalendarAdmin(admin.ModelAdmin):
    list_display = ("organisation", "first_year", "first_quarter", "quarters")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: searchable, never edited."""

    list_display = ("created_at", "organisation", "actor", "action", "object_type", "object_repr")
    list_filter = ("organisation", "action", "object_type")
    search_fields = ("object_repr", "object_id", "reason", "actor__username")
    list_select_related = ("organisation", "actor")
    date_hierarchy = "created_at"
    readonly_fields = tuple(f.name for f in AuditEntry._meta.fields)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
