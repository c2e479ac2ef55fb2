"""Forward-backward improvement of schedules of forced demands."""

from __future__ import annotations

from bearing.engine.compiled import Compiled, compile_problem
from bearing.engine.justify import applicable, shortest_schedule
from bearing.engine.problem import Demand, Problem, Resource
from bearing.engine.schedule import start_bounds


def _problem(periods: int, demands: list[Demand]) -> Problem:
    return Problem(periods=periods, resources={"dev": Resource("dev", (10.0,) * periods)}, demands=tuple(demands))


def _run(p: Problem) -> tuple[Compiled, dict[int, int] | None, dict[int, int] | None]:
    comp = compile_problem(p)
    ds = list(range(comp.n))
    _, ls = start_bounds(comp, ds)
    found, best = shortest_schedule(comp, ds, ls, attempts=30)
    return comp, found, best


def test_two_demands_that_cannot_overlap_run_back_to_back() -> None:
    # A (2 periods) and B (3 periods) each need 6 of the 10 dev-hours per period: one after the
    # other they take exactly the 5 periods of the horizon
    p = _problem(5, [Demand("A", 1, effort={"dev": 12}, duration=2, mandatory=True),
                     Demand("B", 1, effort={"dev": 18}, duration=3, mandatory=True)])
    comp, found, _ = _run(p)
    assert found is not None
    a, b = found[comp.index["A"]], found[comp.index["B"]]
    assert sorted([(a, a + 2), (b, b + 3)]) in ([(0, 2), (2, 5)], [(0, 3), (3, 5)])


def test_one_period_too_few_gives_no_schedule_but_the_shortest_overrun() -> None:
    p = _problem(4, [Demand("A", 1, effort={"dev": 12}, duration=2, mandatory=True),
                     Demand("B", 1, effort={"dev": 18}, duration=3, mandatory=True)])
    comp, found, best = _run(p)
    assert found is None
    assert best is not None
    assert max(best[d] + comp.duration[d] for d in best) == 5  # one period past the horizon


def test_justification_keeps_prerequisites_first() -> None:
    # C requires A; B fills the gap. Horizon 4: A (1) then C (2) and B (3, light) alongside
    p = _problem(4, [Demand("A", 1, effort={"dev": 8}, duration=1, mandatory=True),
                     Demand("B", 1, effort={"dev": 6}, duration=3, mandatory=True),
                     Demand("C", 1, effort={"dev": 16}, duration=2, requires=("A",), mandatory=True)])
    comp, found, _ = _run(p)
    assert found is not None
    a, c = found[comp.index["A"]], found[comp.index["C"]]
    assert c >= a + 1
    assert max(found[d] + comp.duration[d] for d in found) <= 4


def test_not_applicable_with_a_deadline() -> None:
    p = _problem(6, [Demand("A", 1, effort={"dev": 2}, duration=2, deadline=3, mandatory=True)])
    comp = compile_problem(p)
    assert not applicable(comp, [0])
