"""The ledger every stage books plans on: it never lets a rule break, and it refuses nothing that fits."""

from __future__ import annotations

from bearing.engine.check import check_plan
from bearing.engine.compiled import Ledger, compile_problem, plan_from_starts
from bearing.engine.problem import Budget, Demand, Problem, Resource


def test_a_prerequisite_cannot_be_booked_to_finish_after_its_booked_successor_starts() -> None:
    problem = Problem(
        4, {}, (Demand("P", 1.0, duration=2), Demand("D", 1.0, requires=("P",)), Demand("L", 1.0, requires=("P",)))
    )
    comp = compile_problem(problem)
    p, d, late = (comp.index[i] for i in ("P", "D", "L"))
    ledger = Ledger(comp)
    ledger.book(d, 1)
    assert not ledger.fits(p, 0)  # P would run periods 0-1, past D's start
    ledger.unbook(d)
    ledger.book(late, 2)
    assert ledger.fits(p, 0)  # finishing at the end of period 1 is in time for a start in period 2


def test_a_period_filled_to_the_last_hour_or_euro_is_booked_at_any_scale() -> None:
    # 20 billion: the hours and money left after two bookings sit 2.3 millionths below what the
    # third needs, from rounding alone; the ledger's tolerance scales with the amount
    amounts = (20_000_000_000.7, 0.2, 0.2)
    total = 20_000_000_001.1
    problem = Problem(
        1,
        {"dev": Resource("dev", (total,))},
        tuple(Demand(f"D{i}", 1.0, cost=x, effort={"dev": x}) for i, x in enumerate(amounts)),
        (Budget(0, 0, total),),
    )
    comp = compile_problem(problem)
    ledger = Ledger(comp)
    ledger.book(0, 0)
    ledger.book(1, 0)
    assert ledger.res[0, 0] < amounts[2] and ledger.bres[0] < amounts[2]  # the rounding at issue
    assert ledger.fits(2, 0)
    ledger.book(2, 0)
    plan = plan_from_starts(comp, ledger.starts(), status="feasible", bound=None, seconds=0.0)
    assert check_plan(problem, plan).ok


def test_a_booked_plan_breaks_a_rule_only_when_a_prerequisite_is_late_or_missing_or_a_must_is_out() -> None:
    # `book` records what a stage hands over as it is; `breaks_a_rule` is the tracker's last check
    problem = Problem(
        4, {}, (Demand("P", 1.0, duration=2), Demand("D", 1.0, requires=("P",)), Demand("M", 1.0, mandatory=True))
    )
    comp = compile_problem(problem)
    p, d, m = (comp.index[i] for i in ("P", "D", "M"))

    def booked(starts: dict[int, int]) -> Ledger:
        ledger = Ledger(comp)
        for demand, start in starts.items():
            ledger.book(demand, start)
        return ledger

    assert not booked({p: 0, d: 2, m: 0}).breaks_a_rule()  # P from period 0 finishes in time
    assert booked({p: 0, d: 1, m: 0}).breaks_a_rule()  # D starts before P finishes
    assert booked({d: 2, m: 0}).breaks_a_rule()  # D without P
    assert booked({p: 0, d: 2}).breaks_a_rule()  # the mandatory M left out


def test_the_mandatory_part_keeps_the_musts_and_what_they_require_at_their_starts() -> None:
    problem = Problem(
        3,
        {},
        (
            Demand("P", 1.0),
            Demand("M", 1.0, requires=("P",), mandatory=True),
            Demand("N", 1.0, mandatory=True),
            Demand("O", 1.0),
        ),
    )
    comp = compile_problem(problem)
    ledger = Ledger(comp)
    for name, start in (("P", 0), ("M", 1), ("N", 0), ("O", 0)):
        ledger.book(comp.index[name], start)
    kept = ledger.mandatory_part().starts()
    assert {comp.ids[d]: s for d, s in kept.items()} == {"P": 0, "M": 1, "N": 0}


def test_a_solver_s_starts_are_booked_only_inside_their_windows_and_where_they_fit() -> None:
    # 10 hours a period. A and B take 6 each: they cannot share a period. C may start in 1 or 2 only.
    problem = Problem(
        3,
        {"dev": Resource("dev", (10.0, 10.0, 10.0))},
        (
            Demand("A", 1.0, effort={"dev": 6}),
            Demand("B", 1.0, effort={"dev": 6}),
            Demand("C", 1.0, earliest_start=1),
        ),
    )
    comp = compile_problem(problem)
    a, b, c = (comp.index[i] for i in ("A", "B", "C"))
    good = Ledger(comp)
    assert good.book_in_order({a: 0, b: 1, c: 1}) and good.starts() == {a: 0, b: 1, c: 1}
    assert not Ledger(comp).book_in_order({a: 0, b: 0})  # B does not fit beside A
    assert not Ledger(comp).book_in_order({c: 0})  # before C's earliest start
    rest = Ledger(comp)
    assert not rest.book_in_order({a: 0, b: 0, c: 1}, skip=True)
    assert rest.starts() == {a: 0, c: 1}  # B refused, the rest booked
