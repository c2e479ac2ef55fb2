"""The seeded instance generator: reproducible, right-sized, realistic and always solvable."""

from __future__ import annotations

import pytest

from bearing.engine.generate import SIZES, generate_problem, generate_size
from bearing.engine.problem import Problem


def _demanded_hours(problem: Problem) -> dict[str, float]:
    hours = dict.fromkeys(problem.resources, 0.0)
    for d in problem.demands:
        for r, h in d.effort.items():
            hours[r] += h
    return hours


def _capacity_share(problem: Problem) -> float:
    capacity = sum(sum(r.capacity) for r in problem.resources.values())
    return capacity / sum(_demanded_hours(problem).values())


def test_same_seed_gives_the_same_problem() -> None:
    assert generate_problem(80, 6, 8, seed=7) == generate_problem(80, 6, 8, seed=7)


def test_different_seeds_give_different_problems() -> None:
    assert generate_problem(80, 6, 8, seed=7) != generate_problem(80, 6, 8, seed=8)


@pytest.mark.parametrize("size", ["S", "M"])
def test_preset_sizes_have_the_stated_shape(size: str) -> None:
    n, m, t = SIZES[size]
    problem = generate_size(size, seed=1)
    assert len(problem.demands) == n
    assert len(problem.resources) == m
    assert problem.periods == t
    assert all(len(r.capacity) == t for r in problem.resources.values())
    assert len({d.id for d in problem.demands}) == n


def test_period_labels_count_quarters_from_2027() -> None:
    problem = generate_problem(10, 2, 6)
    assert problem.period_labels == (
        "2027-Q1",
        "2027-Q2",
        "2027-Q3",
        "2027-Q4",
        "2028-Q1",
        "2028-Q2",
    )


@pytest.mark.parametrize(("size", "seed"), [("S", 0), ("S", 3), ("M", 1), ("L", 2)])
def test_capacity_covers_forty_to_sixty_percent_of_demanded_hours(size: str, seed: int) -> None:
    assert 0.4 <= _capacity_share(generate_size(size, seed)) <= 0.6


def test_fit_fraction_knob_moves_the_capacity_share() -> None:
    tight = _capacity_share(generate_problem(500, 10, 12, seed=4, fit_fraction=0.3))
    assert 0.27 <= tight <= 0.33


def test_unknown_knob_is_refused() -> None:
    with pytest.raises(TypeError, match="no_such_knob"):
        generate_problem(10, 2, 4, no_such_knob=1.0)


def test_skill_popularity_is_skewed() -> None:
    hours = _demanded_hours(generate_size("M", seed=2))
    ranked = sorted(hours.values(), reverse=True)
    # With Zipf popularity the top skill carries several times the hours of the median one.
    assert ranked[0] > 3 * ranked[len(ranked) // 2]


def test_dependencies_point_to_earlier_demands_so_there_are_no_cycles() -> None:
    problem = generate_size("M", seed=5)
    position = {d.id: i for i, d in enumerate(problem.demands)}
    with_dependency = [d for d in problem.demands if d.requires]
    assert all(position[r] < position[d.id] for d in with_dependency for r in d.requires)
    assert 0.05 * 500 <= len(with_dependency) <= 0.15 * 500


def test_every_demand_can_be_done_on_its_own() -> None:
    problem = generate_size("M", seed=6)
    for d in problem.demands:
        assert 1 <= d.duration <= 4
        assert 1 <= len(d.effort) <= 3
        assert len(d.start_window(problem.periods)) > 0, d.id
        for r, h in d.effort.items():
            assert h / d.duration <= min(problem.resources[r].capacity), (d.id, r)


def test_about_five_percent_are_mandatory_and_together_they_are_small() -> None:
    problem = generate_size("M", seed=3)
    mandatory = [d for d in problem.demands if d.mandatory]
    assert len(mandatory) == 25
    assert all(not d.requires and d.deadline is None for d in mandatory)
    for r, res in problem.resources.items():
        assert sum(d.effort.get(r, 0.0) for d in mandatory) <= 0.25 * sum(res.capacity)


def test_budgets_are_yearly_windows_covering_the_horizon() -> None:
    problem = generate_problem(100, 5, 10, seed=2)
    assert [(b.first, b.last) for b in problem.budgets] == [(0, 3), (4, 7), (8, 9)]
    assert all(b.amount > 0 for b in problem.budgets)


def test_budget_is_below_what_capacity_alone_would_let_through() -> None:
    problem = generate_size("M", seed=1)
    total_cost = sum(d.cost for d in problem.demands)
    # Capacity admits about half the hours (so about half the cost); money must bind a little.
    assert sum(b.amount for b in problem.budgets) < 0.5 * total_cost


def test_generated_problems_pass_validation() -> None:
    from bearing.engine.codec import validate

    for size, seed in [("S", 0), ("M", 1)]:
        assert validate(generate_size(size, seed)) == []


@pytest.mark.parametrize(("size", "seed"), [("S", 0), ("S", 1), ("M", 2)])
def test_greedy_places_every_mandatory_demand(size: str, seed: int) -> None:
    from bearing.engine.greedy import solve_greedy

    problem = generate_size(size, seed)
    plan = solve_greedy(problem)
    scheduled = {s.id for s in plan.scheduled}
    assert plan.status in ("feasible", "optimal")
    assert {d.id for d in problem.demands if d.mandatory} <= scheduled
