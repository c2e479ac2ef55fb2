"""AHP: the published reference examples, hand-worked small matrices, and bad-input rejection."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bearing.engine.ahp import (
    AhpError,
    aggregate_raters,
    ahp_from_dict,
    ahp_hierarchy,
    ahp_weights,
    most_inconsistent_judgement,
    synthesize,
)
from bearing.engine.cli import run as run_cli

REPO = Path(__file__).resolve().parents[3]
BENCHMARKS = Path(os.environ.get("BEARING_BENCHMARKS_DIR", REPO.parent / "shared" / "benchmarks"))
REFERENCE = BENCHMARKS / "ahp" / "ahp_reference_examples.json"
RI_OF_KEY = {"CR_saaty2005_RI": "saaty_2005", "CR_donegan_dodd_RI": "donegan_dodd_1991"}


def _examples() -> dict[str, dict[str, Any]]:
    if not REFERENCE.exists():
        pytest.fail(f"AHP reference examples not found at {REFERENCE} (set BEARING_BENCHMARKS_DIR)")
    data = json.loads(REFERENCE.read_text())
    return {example["id"]: example for example in data["examples"]}


def _tolerance(key: str, value: float) -> float:
    """Published rounding: 4-decimal values to +-0.0001, 3 or fewer decimals to +-0.001."""
    if "4dp" in key:
        return 1e-4
    if "3dp" in key:
        return 1e-3
    decimals = len(repr(value).split(".")[1]) if "." in repr(value) else 0
    return 1e-4 if decimals >= 4 else 1e-3


def _check_block(block: dict[str, Any], parent_weight: float = 1.0) -> int:
    """Assert every published number of one matrix; returns how many were checked."""
    checked = 0
    for key, expected in block["expected"].items():
        if key.startswith("weights_") or key == "global_weights_3dp":
            result = ahp_weights(block["elements"], block["comparisons"])
            scale = parent_weight if key.startswith("global") else 1.0
            for name, value in expected.items():
                assert result.weights[name] * scale == pytest.approx(
                    value, abs=_tolerance(key, value)
                ), (key, name)
                checked += 1
        elif key.startswith("CR"):
            table = RI_OF_KEY.get(key, "saaty_2005")
            result = ahp_weights(block["elements"], block["comparisons"], random_index=table)
            assert result.cr == pytest.approx(expected, abs=_tolerance(key, expected)), key
            checked += 1
    recomputed = block.get("recomputed_check", {})
    if "lambda_max" in recomputed:
        result = ahp_weights(block["elements"], block["comparisons"])
        assert result.lambda_max == pytest.approx(recomputed["lambda_max"], abs=1e-4)
    return checked


def _hierarchy_input(example: dict[str, Any]) -> dict[str, Any]:
    alternatives = (
        example.get("alternatives_by_criterion") or example["alternatives_by_leaf_criterion"]
    )
    return {
        "criteria": example["criteria"],
        "subcriteria": example.get("subcriteria", {}),
        "alternatives": alternatives,
    }


def _all_blocks(example: dict[str, Any]) -> list[tuple[dict[str, Any], float]]:
    """Every matrix of an example with the global weight of the criterion above it."""
    if "criteria" not in example:
        return [(example, 1.0)]
    tree = ahp_hierarchy(_hierarchy_input(example))
    parents = dict(
        ahp_weights(example["criteria"]["elements"], example["criteria"]["comparisons"]).weights
    )
    blocks = [(example["criteria"], 1.0)]
    blocks += [(b, parents[name]) for name, b in example.get("subcriteria", {}).items()]
    leaves = example.get("alternatives_by_criterion") or example["alternatives_by_leaf_criterion"]
    blocks += [(b, tree["criteria_weights"][name]) for name, b in leaves.items()]
    return blocks


@pytest.mark.parametrize(
    "example_id",
    [
        "saaty_drinks",
        "wikipedia_choosing_a_leader",
        "saaty_best_city",
        "wikipedia_buying_a_family_car",
        "bozoki_incomplete_4x4",
    ],
)
def test_reproduces_every_published_matrix_number(example_id: str) -> None:
    example = _examples()[example_id]
    checked = sum(_check_block(block, weight) for block, weight in _all_blocks(example))
    minimum = {
        "saaty_drinks": 16,
        "wikipedia_choosing_a_leader": 11,
        "saaty_best_city": 0,
        "wikipedia_buying_a_family_car": 20,
        "bozoki_incomplete_4x4": 5,
    }
    assert checked >= minimum[example_id]


@pytest.mark.parametrize(
    "example_id",
    ["wikipedia_choosing_a_leader", "saaty_best_city", "wikipedia_buying_a_family_car"],
)
def test_reproduces_published_final_weights(example_id: str) -> None:
    example = _examples()[example_id]
    final = ahp_hierarchy(_hierarchy_input(example))["weights"]
    assert sum(final.values()) == pytest.approx(1.0)
    found = 0
    for key, tolerance in (
        ("expected_target_weights_3dp", 0.002),
        ("expected_target_weights_4dp", 1e-4),
    ):
        for name, value in example.get(key, {}).items():
            assert final[name] == pytest.approx(value, abs=tolerance), (key, name)
            found += 1
    assert found >= 3


def test_completes_the_missing_judgement_as_published() -> None:
    example = _examples()["bozoki_incomplete_4x4"]
    result = ahp_weights(example["elements"], example["comparisons"])
    assert result.completed[("c", "d")] == pytest.approx(
        example["expected"]["completed_c_over_d"], abs=1e-6
    )
    assert "Bozoki" in ahp_from_dict(example)["method"]


def test_consistent_three_by_three_has_exact_weights_and_zero_cr() -> None:
    # a = 2b, b = 2c, a = 4c is perfectly consistent: weights 4:2:1 = 4/7, 2/7, 1/7
    result = ahp_weights(["a", "b", "c"], [["a", "b", 2], ["b", "c", "2"], ["a", "c", "4"]])
    assert result.weights == pytest.approx({"a": 4 / 7, "b": 2 / 7, "c": 1 / 7})
    assert result.lambda_max == pytest.approx(3.0)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert most_inconsistent_judgement(result) is None


def test_reciprocal_is_implied_and_reversed_input_gives_the_same_weights() -> None:
    forward = ahp_weights(["x", "y"], [["x", "y", 3]])
    reverse = ahp_weights(["x", "y"], [["y", "x", "1/3"]])
    assert forward.weights == pytest.approx({"x": 0.75, "y": 0.25})
    assert reverse.weights == pytest.approx(forward.weights)


def test_two_raters_are_aggregated_by_geometric_mean() -> None:
    # geometric mean of 2 and 8 is 4: weights 4/5, 1/5; of 1/2 and 2 is 1
    result = aggregate_raters(
        ["a", "b"],
        [
            {"name": "ann", "comparisons": [["a", "b", 2]]},
            {"name": "bob", "comparisons": [["b", "a", "1/8"]]},
        ],
    )
    assert result.weights == pytest.approx({"a": 0.8, "b": 0.2})
    tie = ahp_from_dict(
        {
            "elements": ["a", "b"],
            "raters": [
                {"name": "ann", "comparisons": [["a", "b", "1/2"]]},
                {"name": "bob", "comparisons": [["a", "b", 2]]},
            ],
        }
    )
    assert tie["weights"] == pytest.approx({"a": 0.5, "b": 0.5})
    assert "geometric mean" in tie["method"]


def test_rater_who_skips_a_pair_leaves_it_to_the_others() -> None:
    # only bob judges a-c (9); the group a-b is sqrt(1*4) = 2, b-c from bob alone = 3
    result = aggregate_raters(
        ["a", "b", "c"],
        [
            {"name": "ann", "comparisons": [["a", "b", 1]]},
            {"name": "bob", "comparisons": [["a", "b", 4], ["b", "c", 3], ["a", "c", 9]]},
        ],
    )
    index = {name: k for k, name in enumerate(result.elements)}
    assert result.matrix[index["a"]][index["b"]] == pytest.approx(2.0)
    assert result.matrix[index["a"]][index["c"]] == pytest.approx(9.0)
    assert result.completed == {}


def test_most_inconsistent_judgement_is_the_one_out_of_line() -> None:
    # a = 2b = 4c = 8d is consistent except the judgement a = d/8 (should be 8): it stands out
    chain = [["a", "b", 2], ["b", "c", 2], ["c", "d", 2], ["a", "c", 4], ["b", "d", 4]]
    result = ahp_weights(list("abcd"), [*chain, ["a", "d", "1/8"]])
    worst = most_inconsistent_judgement(result)
    assert worst is not None
    assert (worst.first, worst.second) == ("a", "d")
    assert worst.given == pytest.approx(0.125)
    assert result.cr > 0.10
    printed = ahp_from_dict({"elements": list("abcd"), "comparisons": [*chain, ["a", "d", "1/8"]]})
    assert printed["most_inconsistent"]["second"] == "d"
    assert printed["consistent"] is False
    # without it the chain alone says a = 8d; the weights, pulled by it, put a/d far lower
    assert worst.others_imply == pytest.approx(8.0)
    assert worst.implied < 1
    assert printed["most_inconsistent"]["message"] == "a vs d: judged 1/8, but the other judgements imply about 8"


def test_in_a_three_cycle_every_judgement_is_equally_out_of_line() -> None:
    # with 3 elements the only inconsistency is the one cycle, shared by all three judgements
    result = ahp_weights(["a", "b", "c"], [["a", "b", 2], ["b", "c", 2], ["a", "c", "1/4"]])
    w = result.weights
    deviations = [2 / (w["a"] / w["b"]), 2 / (w["b"] / w["c"]), (w["a"] / w["c"]) / 0.25]
    assert deviations == pytest.approx([deviations[0]] * 3)


def test_synthesis_multiplies_criterion_by_local_weights() -> None:
    final = synthesize(
        {"cost": 0.75, "risk": 0.25}, {"cost": {"p": 0.2, "q": 0.8}, "risk": {"p": 1.0, "q": 0.0}}
    )
    assert final == pytest.approx({"p": 0.75 * 0.2 + 0.25, "q": 0.6})


def test_hierarchy_with_direct_weights_and_subcriteria() -> None:
    tree = ahp_hierarchy(
        {
            "criteria": {"weights": {"money": 3, "people": 1}},
            "subcriteria": {
                "money": {"elements": ["capex", "opex"], "comparisons": [["capex", "opex", 1]]}
            },
            "alternatives": {
                "capex": {"weights": {"p": 1, "q": 0}},
                "opex": {"weights": {"p": 0, "q": 1}},
                "people": {"elements": ["p", "q"], "comparisons": [["p", "q", 3]]},
            },
        }
    )
    assert tree["criteria_weights"] == pytest.approx(
        {"capex": 0.375, "opex": 0.375, "people": 0.25}
    )
    assert tree["weights"] == pytest.approx({"p": 0.375 + 0.25 * 0.75, "q": 0.375 + 0.25 * 0.25})


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"elements": ["a", "b"], "comparisons": [["a", "z", 3]]}, "unknown element 'z'"),
        ({"elements": ["a", "b"], "comparisons": [["a", "b", 10]]}, "outside Saaty's scale"),
        ({"elements": ["a", "b"], "comparisons": [["a", "b", "1/10"]]}, "outside Saaty's scale"),
        ({"elements": ["a", "b"], "comparisons": [["a", "a", 3]]}, "compared with itself"),
        ({"elements": ["a", "b"], "comparisons": [["a", "b", 3], ["b", "a", 3]]}, "contradicts"),
        ({"elements": ["a"], "comparisons": []}, "at least 2 elements"),
        ({"elements": ["a", "b", "c"], "comparisons": [["a", "b", 3]]}, "nothing links c"),
        ({"elements": ["a", "b"], "comparisons": [["a", "b", "x/2"]]}, "not a number"),
        ({"elements": ["a", "b"], "comparisons": [["a", "b", 0]]}, "positive"),
        ({"elements": ["a", "a"], "comparisons": []}, "listed twice"),
        (
            {"elements": ["a", "b"], "comparisons": [["a", "b", 2]], "random_index": "x"},
            "unknown table",
        ),
        ({"elements": ["a", ""], "comparisons": []}, "elements[1]: must be a non-empty name"),
        ({"elements": ["a", "b"], "comparisons": [["a", "b"]]}, "comparisons[0]: must be [A, B, value]"),
        ({"elements": ["a", "b"], "comparisons": ["a>b"]}, "comparisons[0]: must be [A, B, value]"),
        ({"elements": ["a", "b"], "raters": [{"name": "x"}]}, "raters[0]: must be an object with 'comparisons'"),
        (
            {"elements": ["a", "b"], "raters": [{"comparisons": [["a", "b", 3]], "weight": 0}]},
            "raters[0].weight: must be a positive number",
        ),
        (
            {"elements": ["a", "b"], "raters": [{"comparisons": [["a", "b", 3]], "weight": True}]},
            "raters[0].weight: must be a positive number",
        ),
    ],
)
def test_rejects_bad_input_with_a_clear_message(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(AhpError, match=re.escape(fragment)):
        ahp_from_dict(data)


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ({}, "criteria.weights: must map each element to a weight"),
        ({"money": 1, "people": -1}, "criteria.weights.people: must be a number >= 0"),
        ({"money": 0, "people": 0}, "criteria.weights: must not all be zero"),
        ({"money": True, "people": 1}, "criteria.weights.money: must be a number >= 0"),
    ],
)
def test_a_hierarchy_rejects_direct_weights_it_cannot_use(weights: dict[str, float], fragment: str) -> None:
    leaf = {"weights": {"p": 1, "q": 1}}
    with pytest.raises(AhpError, match=re.escape(fragment)):
        ahp_hierarchy({"criteria": {"weights": weights}, "alternatives": {"money": leaf, "people": leaf}})


def test_a_hierarchy_needs_its_subcriteria_and_alternatives_as_maps() -> None:
    with pytest.raises(AhpError, match="subcriteria and alternatives: must map a criterion"):
        ahp_hierarchy({"criteria": {"weights": {"money": 1}}, "alternatives": ["money"]})


def test_consistent_duplicate_is_accepted() -> None:
    result = ahp_weights(["a", "b"], [["a", "b", 3], ["b", "a", "1/3"]])
    assert result.weights["a"] == pytest.approx(0.75)


def test_cli_prints_weights_and_exits_2_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"elements": ["a", "b"], "comparisons": [["a", "b", 4]]}))
    assert run_cli("ahp", [str(good)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["weights"] == pytest.approx({"a": 0.8, "b": 0.2})
    assert math.isclose(printed["cr"], 0.0)
    assert "Saaty" in printed["random_index"]["source"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"elements": ["a", "b"], "comparisons": [["a", "c", 4]]}))
    assert run_cli("ahp", [str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unknown element 'c'" in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert run_cli("ahp", [str(broken)]) == 2
