"""Checks of the benchmark loaders (on demand: `BEARING_DEV=1 uv run pytest bench/test_instances.py`)."""

from __future__ import annotations

import math
import re

import pytest
from instances import J30_DIR, load_j30_set, load_mknapcb, mknapcb_files

SHAPES = [
    (5, 100),
    (5, 250),
    (5, 500),
    (10, 100),
    (10, 250),
    (10, 500),
    (30, 100),
    (30, 250),
    (30, 500),
]


@pytest.mark.parametrize(("k", "shape"), list(enumerate(SHAPES, start=1)))
def test_every_mknapcb_file_holds_thirty_instances_of_its_shape(
    k: int, shape: tuple[int, int]
) -> None:
    instances = load_mknapcb(mknapcb_files()[k - 1])
    assert len(instances) == 30
    for inst in instances:
        assert (len(inst.problem.resources), len(inst.problem.demands)) == shape
        assert inst.problem.periods == 1
        assert inst.best_known <= inst.lp_bound


def test_first_mknapcb_instance_reads_the_file_header_values() -> None:
    first = load_mknapcb(mknapcb_files()[0])[0]
    # mknapcb1.txt opens with "30 / 100 5 0 / 504 803 667 ..." and best_known.csv says 24381.
    assert first.name == "5.100-00"
    assert [d.value for d in first.problem.demands[:3]] == [504.0, 803.0, 667.0]
    assert first.best_known == 24381.0


def _critical_path(problem) -> int:  # type: ignore[no-untyped-def]
    finish: dict[str, int] = {}
    for d in problem.demands:  # PSPLIB numbers jobs so that predecessors come first
        finish[d.id] = max((finish[r] for r in d.requires), default=0) + d.duration
    return max(finish.values())


def test_j30_problems_keep_the_critical_path_and_stay_under_the_optimum() -> None:
    instances = load_j30_set()
    assert len(instances) == 480
    for inst in instances:
        problem = inst.problem(inst.optimum)
        assert len(problem.demands) == 30 and all(d.mandatory for d in problem.demands)
        text = (J30_DIR / "j30.sm" / f"{inst.name}.sm").read_text()
        mpm = int(re.search(r"pronr\..*\n\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)", text).group(1))  # type: ignore[union-attr]
        assert _critical_path(problem) == mpm, inst.name
        for name, res in problem.resources.items():
            energy = sum(d.effort.get(name, 0.0) for d in problem.demands)
            assert math.ceil(energy / res.capacity[0]) <= inst.optimum, inst.name
            # per-period use equals the request, never above capacity
            assert all(d.per_period_effort(name) <= res.capacity[0] for d in problem.demands)


def test_the_generated_benchmark_takes_a_shape_or_a_preset_size() -> None:
    from bench_generated import _generate

    problem = _generate("12x3x4", 1)
    assert (len(problem.demands), len(problem.resources), problem.periods) == (12, 3, 4)
    preset = _generate("S", 1)
    assert (len(preset.demands), len(preset.resources), preset.periods) == (60, 8, 8)
