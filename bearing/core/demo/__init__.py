"""The demo organisation: a deterministic, seeded company (Northwind Components) for first
runs, screenshots and tests, and the same generator sized up for load and benchmark work.

    spec = build_organisation(seed=2027)                      # plain data, no database
    org = load_organisation(spec, password=DEMO_PASSWORD)     # bulk insert, one audit entry
"""

from __future__ import annotations

from bearing.core.demo.generator import build_organisation
from bearing.core.demo.loader import delete_organisation, load_organisation
from bearing.core.demo.specs import OrganisationSpec

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_SEED",
    "OrganisationSpec",
    "build_organisation",
    "delete_organisation",
    "load_organisation",
]

DEMO_PASSWORD = "bearing-demo"
DEMO_SEED = 2027
