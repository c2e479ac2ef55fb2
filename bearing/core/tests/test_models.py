"""Model-level rules and helpers, and the admin pages for every registered model."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from bearing.capacity.tests.factories import make_system
from bearing.core.models import AuditEntry
from bearing.core.tests.factories import make_organisation, make_user
from bearing.demand.tests.factories import make_demand
from bearing.strategy.tests.factories import make_objective


def test_calendar_labels_run_across_years(db):
    org = make_organisation(first_year=2027, first_quarter=3, quarters=4)
    assert org.calendar.labels() == ["2027-Q3", "2027-Q4", "2028-Q1", "2028-Q2"]
    assert str(org.calendar) == "2027-Q3 – 2028-Q2"


def test_demand_clean_checks_the_deadline_and_the_department(cast):
    demand = make_demand(department=cast.sales, earliest_start_quarter=1, duration_quarters=2)
    demand.deadline_quarter = 2
    with pytest.raises(ValidationError) as exc:
        demand.full_clean()
    assert "deadline_quarter" in exc.value.message_dict
    demand.deadline_quarter = 3
    demand.department = cast.other_department
    with pytest.raises(ValidationError) as exc:
        demand.full_clean()
    assert set(exc.value.message_dict) == {"department"}


def test_kpi_progress_is_the_share_of_the_way_to_target(db):
    objective = make_objective(kpi_baseline=Decimal(100), kpi_target=Decimal(200), kpi_current=Decimal(150))
    assert objective.kpi_progress() == 0.5
    objective.kpi_target = objective.kpi_baseline
    assert objective.kpi_progress() is None


def test_system_free_units_and_utilisation(db):
    system = make_system(capacity_units=Decimal(200), utilised_units=Decimal(150), end_of_support=datetime.date(2028, 1, 1))
    assert (system.free_units, system.utilisation) == (Decimal(50), 0.75)
    assert make_system(capacity_units=0).utilisation is None


def test_changed_fields_lists_only_differences(db):
    entry = AuditEntry(before={"a": 1, "b": 2}, after={"a": 1, "b": 3, "c": 4})
    assert entry.changed_fields() == [("b", 2, 3), ("c", None, 4)]


BEARING_MODELS = sorted(
    (m for m in admin.site._registry if m.__module__.startswith("bearing.")), key=lambda m: m._meta.label
)
READ_ONLY = {"core.AuditEntry", "planning.PlanRun"}


@pytest.mark.parametrize("model", BEARING_MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_page_load(cast, client, model):
    make_demand(department=cast.sales)
    AuditEntry.objects.create(organisation=cast.org, action="create", object_type="x", object_id="1", object_repr="x")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"), {"q": "x"}).status_code == 200
    add = client.get(reverse(f"admin:{info[0]}_{info[1]}_add"))
    assert add.status_code == (403 if model._meta.label in READ_ONLY else 200)


def test_the_audit_trail_is_read_only_in_the_admin(cast, client):
    entry = AuditEntry.objects.create(organisation=cast.org, action="create", object_type="x", object_id="1",
                                      object_repr="x")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:core_auditentry_change", args=[entry.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "tampered"})
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "create"
