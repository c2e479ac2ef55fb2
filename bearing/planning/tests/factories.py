"""A small plannable organisation for planning tests: skills, people, a system, objectives and
approved demands with effort, benefits and one dependency (ORM only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bearing.capacity.models import Skill, System
from bearing.capacity.tests.factories import make_person, make_skill, make_system
from bearing.demand.choices import DemandStatus, NeedClass
from bearing.demand.models import Demand
from bearing.demand.tests.factories import make_benefit, make_demand, make_effort, make_system_use
from bearing.planning.models import Scenario
from bearing.strategy.models import Objective
from bearing.strategy.tests.factories import make_objective

__all__ = ["PlanningOrg", "make_planning_org", "make_scenario"]


@dataclass
class PlanningOrg:
    java: Skill
    dba: Skill
    erp: System
    revenue: Objective
    demands: dict[str, Demand] = field(default_factory=dict)


def make_scenario(organisation: Any, **overrides: Any) -> Scenario:
    fields: dict[str, Any] = {"name": "Base", "time_limit_seconds": 5}
    fields.update(overrides)
    return Scenario.objects.create(organisation=organisation, **fields)


def make_planning_org(cast: Any) -> PlanningOrg:
    """On the cast's organisation: java (2 people, 0.2 operations → 624 h/quarter) and dba
    (1 person → 312 h), system erp with 10 free units; demands A..E approved in sales/finance.

    A: 500 java, 1 quarter, high benefit       B: 400 java + 100 dba, 2 quarters, requires A
    C: 300 dba, mandatory                      D: 2000 java (cannot fit in one quarter: 1 quarter)
    E: 4 erp units, 1 quarter
    """
    org = cast.org
    java = make_skill(organisation=org, name="Java", code="java")
    dba = make_skill(organisation=org, name="Database administration", code="dba")
    erp = make_system(organisation=org, name="ERP", code="erp", capacity_units=12, utilised_units=2)
    make_person(organisation=org, skills=[java], fte=1, operations_share=0.2)
    make_person(organisation=org, skills=[java], fte=1, operations_share=0.2)
    make_person(organisation=org, skills=[dba], fte=1, operations_share=0.2)
    revenue = make_objective(organisation=org, name="Grow revenue", weight=1)
    po = PlanningOrg(java=java, dba=dba, erp=erp, revenue=revenue)

    def demand(key: str, department: Any, **fields: Any) -> Demand:
        fields.setdefault("status", DemandStatus.APPROVED)
        d = make_demand(organisation=org, department=department, reference=f"D-{key}",
                        title=f"Demand {key}", **fields)
        po.demands[key] = d
        return d

    a = demand("A", cast.sales, cost_eur=100000)
    make_effort(a, java, 500)
    make_benefit(a, revenue, 9)
    b = demand("B", cast.sales, duration_quarters=2, cost_eur=50000, requires=[a])
    make_effort(b, java, 400)
    make_effort(b, dba, 100)
    make_benefit(b, revenue, 5)
    c = demand("C", cast.finance, need_class=NeedClass.MANDATORY, cost_eur=20000)
    make_effort(c, dba, 300)
    make_benefit(c, revenue, 2)
    d = demand("D", cast.finance, cost_eur=10000)
    make_effort(d, java, 2000)
    make_benefit(d, revenue, 8)
    e = demand("E", cast.finance, cost_eur=5000)
    make_system_use(e, erp, 4)
    make_benefit(e, revenue, 3)
    return po
