"""The smallest conflicting set of mandatory demands, found by assumptions and a deletion filter."""

from __future__ import annotations

from bearing.engine.compiled import compile_problem
from bearing.engine.conflicts import minimal_conflict
from bearing.engine.problem import Demand, Problem, Resource
from bearing.engine.schedule import conflicting_subset, decide_mandatory


def _three_periods(demands: list[Demand]) -> Problem:
    return Problem(periods=3, resources={"dev": Resource("dev", (10.0, 10.0, 10.0))}, demands=tuple(demands))


# A and B each take two of the three periods at 6 dev-hours a period: whatever their starts they
# share a period and need 12 of its 10 hours. P (A's prerequisite) and C are small and fit anywhere.
CLASH = _three_periods(
    [
        Demand("P", 1, effort={"dev": 1}),
        Demand("A", 1, effort={"dev": 12}, duration=2, mandatory=True, requires=("P",)),
        Demand("B", 1, effort={"dev": 12}, duration=2, mandatory=True),
        Demand("C", 1, effort={"dev": 1}, mandatory=True),
    ]
)


def _ids(comp, demands: list[int]) -> set[str]:
    return {comp.ids[d] for d in demands}


def test_the_conflict_leaves_out_a_prerequisite_it_does_not_need() -> None:
    comp = compile_problem(CLASH)
    # P is forced in by A, but A and B conflict without it: naming P would send the user looking
    # in the wrong place
    assert _ids(comp, minimal_conflict(comp, time_limit=2.0)) == {"A", "B"}


def test_the_assumed_subset_is_itself_a_conflict_and_holds_the_clashing_pair() -> None:
    comp = compile_problem(CLASH)
    subset = conflicting_subset(comp, list(range(comp.n)), time_limit=2.0)
    assert subset is not None and {"A", "B"} <= _ids(comp, subset)
    assert decide_mandatory(comp, subset, time_limit=2.0).status == "infeasible"


def test_demands_that_fit_give_no_conflicting_subset() -> None:
    comp = compile_problem(_three_periods([Demand("A", 1, effort={"dev": 12}, duration=2, mandatory=True),
                                           Demand("C", 1, effort={"dev": 1}, mandatory=True)]))
    assert conflicting_subset(comp, list(range(comp.n)), time_limit=2.0) is None
