"""The audit trail: one entry per change, in the change's transaction, with actor, before,
after (child rows included) and reason; nothing written when a change is refused."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from bearing.capacity.models import Skill
from bearing.capacity.tests.factories import make_skill, make_system
from bearing.core.models import AuditEntry
from bearing.demand import services as demand_services
from bearing.demand.choices import DemandType
from bearing.demand.models import Demand
from bearing.demand.tests.factories import make_demand
from bearing.strategy.tests.factories import make_objective


def _fields(cast) -> dict:
    return {"department": cast.sales, "title": "Web shop", "demand_type": DemandType.NEW_SYSTEM}


def test_an_edit_records_actor_before_after_children_and_reason(cast):
    dev = make_skill(organisation=cast.org, code="dev")
    erp = make_system(organisation=cast.org, code="erp")
    revenue = make_objective(organisation=cast.org, name="Grow revenue")
    base = make_demand(department=cast.sales, reference="D-0001")
    demand = demand_services.create_demand(cast.bio, cast.org, efforts={dev: 100}, **_fields(cast))
    demand_services.update_demand(
        cast.bio, demand, title="Web shop v2", cost_eur=25000, efforts={dev: 150}, benefits={revenue: 8},
        requires=[base], system_uses={erp: (2, True)}, reason="scope agreed with sales",
    )
    entry = AuditEntry.objects.get(action="update")
    assert (entry.actor, entry.organisation, entry.reason) == (cast.bio, cast.org, "scope agreed with sales")
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("demand.Demand", str(demand.pk), "D-0002 Web shop v2")
    changed = {name: (old, new) for name, old, new in entry.changed_fields()}
    assert changed == {
        "title": ("Web shop", "Web shop v2"),
        "cost_eur": (0.0, 25000.0),
        "efforts": ({"dev": 100.0}, {"dev": 150.0}),
        "benefits": ({}, {"Grow revenue": 8.0}),
        "requires": ([], ["D-0001"]),
        "system_uses": ({}, {"erp": {"units": 2.0, "is_change": True}}),
    }
    json.dumps([entry.before, entry.after])  # plain JSON, whatever the field types


def test_every_change_writes_exactly_one_entry(cast):
    demand = demand_services.create_demand(cast.lead, cast.org, **_fields(cast))
    demand_services.update_demand(cast.lead, demand, description="For the spring launch")
    demand_services.transition_demand(cast.lead, demand, "submit")
    demand_services.add_comment(cast.lead, demand, "Please hurry")
    demand_services.estimate_effort(cast.resource_manager, demand, {make_skill(organisation=cast.org): 80})
    demand_services.transition_demand(cast.cio, demand, "reject", reason="no budget")
    demand_services.delete_demand(cast.cio, demand)
    actions = list(AuditEntry.objects.order_by("id").values_list("actor__username", "action", "reason"))
    assert actions == [
        ("lead", "create", ""),
        ("lead", "update", ""),
        ("lead", "transition:submitted", ""),
        ("lead", "comment", ""),
        ("resource_manager", "estimate", ""),
        ("cio", "transition:rejected", "no budget"),
        ("cio", "delete", ""),
    ]


def test_refused_changes_write_nothing(cast):
    demand = make_demand(department=cast.finance, title="Ledger")
    with pytest.raises(PermissionDenied):
        demand_services.update_demand(cast.lead, demand, title="Mine now")
    with pytest.raises(ValidationError):
        demand_services.update_demand(cast.cio, demand, title="")
    with pytest.raises(ValidationError):
        demand_services.transition_demand(cast.cio, demand, "reject", reason="")
    demand.refresh_from_db()
    assert (demand.title, demand.status) == ("Ledger", "draft")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_rolls_back_the_demand_and_its_entry(cast, transactional_db):
    skill = make_skill(organisation=cast.org)
    Skill.objects.filter(pk=skill.pk).delete()  # the object in hand is now stale
    with pytest.raises(IntegrityError):
        demand_services.create_demand(cast.cio, cast.org, efforts={skill: 10}, **_fields(cast))
    assert not Demand.objects.exists()
    assert not AuditEntry.objects.exists()


def test_system_changes_are_recorded_without_an_actor(cast):
    demand = demand_services.create_demand(None, cast.org, **_fields(cast))
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.object_id, entry.after["proposed_by"]) == (None, str(demand.pk), None)
