"""Analyses over the organisation's data and its plans: each demand's value with its terms,
capacity sufficiency for all approved demand, two plans side by side, the departments ×
objectives alignment matrix, and traceability from objective to plan slot and back.

All functions read; the one write (a scenario from the sufficiency additions) delegates to
`bearing.planning.services.create_scenario`.

One module per concern: `scoring`, `sufficiency`, `comparison`, `alignment` and `traceability`;
`_common` holds the private helpers they share. This package re-exports their public functions.
"""

from __future__ import annotations

from bearing.planning.analysis.alignment import alignment_matrix, reference_run
from bearing.planning.analysis.comparison import compare_runs
from bearing.planning.analysis.scoring import demand_score, score_rows
from bearing.planning.analysis.sufficiency import (
    cached_sufficiency,
    create_sufficiency_scenario,
    sufficiency_for,
)
from bearing.planning.analysis.traceability import (
    demand_trace,
    objective_contributions,
    objective_trace,
    traceability,
)

__all__ = [
    "alignment_matrix",
    "cached_sufficiency",
    "compare_runs",
    "create_sufficiency_scenario",
    "demand_score",
    "demand_trace",
    "objective_contributions",
    "objective_trace",
    "reference_run",
    "score_rows",
    "sufficiency_for",
    "traceability",
]
