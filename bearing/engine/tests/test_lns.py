"""Large-neighbourhood search on a hand-built problem."""

from __future__ import annotations

import pytest

from bearing.engine.compiled import Ledger, compile_problem
from bearing.engine.lns import LnsSettings, improve
from bearing.engine.model import scale_for
from bearing.engine.moves import fill
from bearing.engine.pace import Pace
from bearing.engine.problem import Demand, Problem, Resource


def _one_busy_resource_among_idle_ones() -> Problem:
    # 40 one-quarter demands of 15 dev-hours over 4 quarters of 100 hours: 24 fit. Five systems no
    # demand uses, as in an organisation where some systems are rarely asked for: a neighbourhood
    # drawn on one of them frees nothing.
    resources = {"dev": Resource("dev", (100.0,) * 4)}
    resources |= {f"spare-{k}": Resource(f"spare-{k}", (50.0,) * 4) for k in range(5)}
    demands = tuple(Demand(f"D{k:02d}", 10 + (k * 7) % 13, effort={"dev": 15}) for k in range(40))
    return Problem(periods=4, resources=resources, demands=demands)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_neighbourhood_that_frees_nothing_does_not_end_the_search(seed: int) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    # a plan that leaves room to improve: the least valuable demands placed first
    start = Ledger(comp)
    for d in sorted(range(comp.n), key=lambda k: comp.values[k][0]):
        start.place(d)
    start = fill(comp, start)
    pace = Pace(10.0)
    settings = LnsSettings(deadline=pace.now() + 1.0, seed=seed, moves_share=0.0, pace=pace)
    best, stats = improve(comp, start, settings, value_scale=scale_for(comp))
    assert stats["lns_steps"] >= 5  # it stopped at the first empty draw, after 0-2 steps
    assert not best.breaks_a_rule()
    assert comp.objective(best.starts()) >= comp.objective(start.starts())
