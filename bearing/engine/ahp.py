"""Weights from pairwise comparisons: the Analytic Hierarchy Process (AHP).

A judgement `[A, B, v]` says A is v times as important as B on Saaty's 1-9 scale (1/9..9, fractions
allowed); `[B, A, 1/v]` is implied. Weights are the principal right eigenvector of the reciprocal
matrix, normalised to sum 1 (Saaty's eigenvector method). Consistency: CI = (lambda_max - n)/(n - 1),
CR = CI / RI(n); a CR above 0.10 is conventionally too inconsistent.

Several raters are aggregated by the geometric mean of their individual judgements (AIJ, Forman &
Peniwati 1998), taken over the raters who gave each judgement. Missing judgements are completed by the
optimal completion of Bozoki, Fulop & Ronyai (2010): the missing entries are chosen to minimise
lambda_max (a convex problem in log-coordinates, solved by cyclic coordinate descent).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "COMPLETION_METHOD",
    "DEFAULT_RANDOM_INDEX",
    "RANDOM_INDEX_TABLES",
    "AhpError",
    "AhpResult",
    "Judgement",
    "RandomIndexTable",
    "aggregate_raters",
    "ahp_from_dict",
    "ahp_hierarchy",
    "ahp_weights",
    "most_inconsistent_judgement",
    "parse_judgement_value",
    "synthesize",
]

MIN_JUDGEMENT = 1.0 / 9.0
MAX_JUDGEMENT = 9.0
_TOLERANCE = 1e-9
CR_THRESHOLD = 0.10  # Saaty's acceptance limit for the consistency ratio

EIGENVECTOR_METHOD = "principal right eigenvector (Saaty), normalised to sum 1"
COMPLETION_METHOD = (
    "missing judgements completed to minimise lambda_max "
    "(Bozoki, Fulop & Ronyai 2010, optimal completion)"
)
AGGREGATION_METHOD = "geometric mean of individual judgements (AIJ), over the raters who gave each"


@dataclass(frozen=True)
class RandomIndexTable:
    """Saaty's random index RI(n): mean CI of random reciprocal matrices of size n."""

    name: str
    source: str
    values: Mapping[int, float]

    def index(self, n: int) -> float:
        """RI for n elements; 0 for n <= 2 and the table's last entry beyond its end."""
        if n <= 2:
            return 0.0
        if n in self.values:
            return self.values[n]
        return self.values[max(self.values)]

    def to_dict(self, n: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "source": self.source,
            "values": {str(k): v for k, v in sorted(self.values.items())},
        }
        if n is not None:
            data["n"] = n
            data["used"] = self.index(n)
        return data


RANDOM_INDEX_TABLES: dict[str, RandomIndexTable] = {
    "saaty_2005": RandomIndexTable(
        "saaty_2005",
        "Saaty, T.L., Theory and Applications of the Analytic Network Process, RWS Publications, "
        "2005, p.31",
        dict(
            zip(
                range(3, 16),
                (0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59),
                strict=True,
            )
        ),
    ),
    "donegan_dodd_1991": RandomIndexTable(
        "donegan_dodd_1991",
        "Donegan, H.A. and Dodd, F.J., 'A Note on Saaty's Random Indexes', Mathematical and "
        "Computer Modelling 15(10), 1991, pp.135-137",
        dict(
            zip(
                range(3, 16),
                (
                    0.4914,
                    0.8286,
                    1.0591,
                    1.1797,
                    1.2519,
                    1.3171,
                    1.3733,
                    1.4055,
                    1.4213,
                    1.4497,
                    1.4643,
                    1.4822,
                    1.4969,
                ),
                strict=True,
            )
        ),
    ),
    "saaty_1980": RandomIndexTable(
        "saaty_1980",
        "Saaty, T.L., The Analytic Hierarchy Process, McGraw-Hill, 1980",
        dict(zip(range(3, 11), (0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49), strict=True)),
    ),
}
DEFAULT_RANDOM_INDEX = "saaty_2005"


class AhpError(ValueError):
    """Pairwise-comparison input that cannot be used; the message says which judgement and why."""


@dataclass(frozen=True)
class Judgement:
    """A given judgement set against the weights: `given` = a_ij, `implied` = w_i / w_j,
    `deviation` = max(r, 1/r) with r = given / implied (1 means perfectly in line), and
    `others_imply`: w_i / w_j of the weights solved without this judgement, what the rest of the
    judgements say it should be. (`implied` is pulled towards `given` by the judgement itself:
    with a = 2b = 4c = 8d judged consistently and a = d/8 against it, `implied` is 0.66 and
    `others_imply` 8.)"""

    first: str
    second: str
    given: float
    implied: float
    deviation: float
    others_imply: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "second": self.second,
            "given": self.given,
            "implied": self.implied,
            "others_imply": self.others_imply,
            "deviation": self.deviation,
            "message": (
                f"{self.first} vs {self.second}: judged {_fmt(self.given)}, but the other "
                f"judgements imply about {_fmt(self.others_imply)}"
            ),
        }


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of one comparison matrix."""

    elements: tuple[str, ...]
    weights: dict[str, float]
    lambda_max: float
    ci: float
    cr: float
    random_index: RandomIndexTable
    matrix: tuple[tuple[float, ...], ...]
    given: frozenset[tuple[int, int]]  # (i, j) with i < j that a rater judged
    completed: dict[tuple[str, str], float] = field(default_factory=dict)
    method: str = EIGENVECTOR_METHOD

    @property
    def is_consistent(self) -> bool:
        """True when CR <= 0.10 (Saaty's rule of thumb)."""
        return self.cr <= CR_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        n = len(self.elements)
        worst = most_inconsistent_judgement(self)
        return {
            "elements": list(self.elements),
            "weights": dict(self.weights),
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "consistent": self.is_consistent,
            "random_index": self.random_index.to_dict(n),
            "method": self.method,
            "completed": [[a, b, v] for (a, b), v in self.completed.items()],
            "most_inconsistent": worst.to_dict() if worst else None,
        }


def parse_judgement_value(value: object, where: str = "value") -> float:
    """A judgement as a float: a number or a string like "3", "2.5", "1/9", "1/1.13"."""
    if isinstance(value, bool):
        raise AhpError(f"{where}: must be a number or a fraction like '1/3', not {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        number = _parse_fraction(value.strip(), where)
    else:
        raise AhpError(f"{where}: must be a number or a fraction like '1/3', not {value!r}")
    if not math.isfinite(number) or number <= 0:
        raise AhpError(f"{where}: must be a positive number, got {value!r}")
    if not MIN_JUDGEMENT - _TOLERANCE <= number <= MAX_JUDGEMENT + _TOLERANCE:
        raise AhpError(f"{where}: {value!r} is outside Saaty's scale 1/9..9")
    return number


def _parse_fraction(text: str, where: str) -> float:
    try:
        if "/" in text:
            top, bottom = text.split("/", 1)
            return float(top) / float(bottom)
        return float(text)
    except (ValueError, ZeroDivisionError):
        raise AhpError(f"{where}: {text!r} is not a number or a fraction like '1/3'") from None


def _table(random_index: str | RandomIndexTable) -> RandomIndexTable:
    if isinstance(random_index, RandomIndexTable):
        return random_index
    try:
        return RANDOM_INDEX_TABLES[random_index]
    except KeyError:
        known = ", ".join(sorted(RANDOM_INDEX_TABLES))
        raise AhpError(f"random_index: unknown table {random_index!r} (known: {known})") from None


def _check_elements(elements: Sequence[str]) -> tuple[str, ...]:
    names = tuple(elements)
    if len(names) < 2:
        raise AhpError("elements: at least 2 elements are needed to compare")
    seen: set[str] = set()
    for k, name in enumerate(names):
        if not isinstance(name, str) or not name:
            raise AhpError(f"elements[{k}]: must be a non-empty name")
        if name in seen:
            raise AhpError(f"elements[{k}]: {name!r} is listed twice")
        seen.add(name)
    return names


def _judgement_table(
    elements: tuple[str, ...], comparisons: Iterable[Sequence[object]], where: str = "comparisons"
) -> dict[tuple[int, int], float]:
    """Validated judgements as {(i, j): a_ij} with i < j; duplicates must agree."""
    index = {name: k for k, name in enumerate(elements)}
    table: dict[tuple[int, int], float] = {}
    for k, item in enumerate(comparisons):
        here = f"{where}[{k}]"
        if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 3:
            raise AhpError(f"{here}: must be [A, B, value]")
        first, second, raw = item
        for name in (first, second):
            if name not in index:
                raise AhpError(f"{here}: unknown element {name!r}")
        if first == second:
            raise AhpError(f"{here}: {first!r} is compared with itself")
        value = parse_judgement_value(raw, f"{here}[2]")
        i, j = index[str(first)], index[str(second)]
        if i > j:
            i, j, value = j, i, 1.0 / value
        if (i, j) in table and not math.isclose(table[(i, j)], value, rel_tol=1e-6):
            raise AhpError(
                f"{here}: {first} vs {second} contradicts an earlier judgement of the same pair"
            )
        table[(i, j)] = value
    return table


def _principal(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    """Largest eigenvalue and its eigenvector normalised to sum 1 (positive by Perron-Frobenius)."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return float(values[k].real), vector / vector.sum()


def _lambda_max(matrix: np.ndarray) -> float:
    return float(np.max(np.linalg.eigvals(matrix).real))


def _check_connected(elements: tuple[str, ...], table: Mapping[tuple[int, int], float]) -> None:
    """Weights are only determined when the judgements link every element to every other."""
    reach = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for a, b in table:
            other = b if a == i else a if b == i else None
            if other is not None and other not in reach:
                reach.add(other)
                frontier.append(other)
    if len(reach) < len(elements):
        cut = [elements[k] for k in range(len(elements)) if k not in reach]
        raise AhpError(
            f"comparisons: not enough judgements; nothing links {', '.join(cut)} to {elements[0]}"
        )


def _complete(matrix: np.ndarray, missing: list[tuple[int, int]]) -> None:
    """Fill the missing entries in place with the lambda_max-minimising completion.

    lambda_max is convex in y = log a_ij (Bozoki et al. 2010), so cyclic golden-section search over
    one missing entry at a time converges to the unique optimum when the judgements are connected.
    """
    n = matrix.shape[0]
    bound = (n - 1) * math.log(MAX_JUDGEMENT)  # no path of known judgements reaches further
    for i, j in missing:
        matrix[i, j] = matrix[j, i] = 1.0
    ys = [0.0] * len(missing)

    def set_entry(k: int, y: float) -> None:
        i, j = missing[k]
        matrix[i, j] = math.exp(y)
        matrix[j, i] = math.exp(-y)

    def cost(k: int, y: float) -> float:
        set_entry(k, y)
        return _lambda_max(matrix)

    for _sweep in range(200):
        moved = 0.0
        for k in range(len(missing)):
            best = _golden_min(lambda y, k=k: cost(k, y), -bound, bound)
            moved = max(moved, abs(best - ys[k]))
            ys[k] = best
            set_entry(k, best)
        if moved < 1e-9 or len(missing) == 1:
            break


def _golden_min(f: Any, lo: float, hi: float, tol: float = 1e-11) -> float:
    """Minimiser of a convex function on [lo, hi] by golden-section search."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    return (a + b) / 2.0


def _result_from_table(
    elements: tuple[str, ...],
    table: Mapping[tuple[int, int], float],
    random_index: str | RandomIndexTable,
    method_prefix: str = "",
) -> AhpResult:
    ri_table = _table(random_index)
    n = len(elements)
    _check_connected(elements, table)
    matrix = np.ones((n, n))
    for (i, j), value in table.items():
        matrix[i, j] = value
        matrix[j, i] = 1.0 / value
    missing = [(i, j) for i in range(n) for j in range(i + 1, n) if (i, j) not in table]
    method = method_prefix + EIGENVECTOR_METHOD
    if missing:
        _complete(matrix, missing)
        method += "; " + COMPLETION_METHOD
    lam, vector = _principal(matrix)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    if abs(ci) < 1e-12:
        ci = 0.0  # a consistent matrix gives lambda_max = n up to rounding
    ri = ri_table.index(n)
    return AhpResult(
        elements=elements,
        weights={name: float(w) for name, w in zip(elements, vector, strict=True)},
        lambda_max=lam,
        ci=ci,
        cr=ci / ri if ri > 0 else 0.0,
        random_index=ri_table,
        matrix=tuple(tuple(float(x) for x in row) for row in matrix),
        given=frozenset(table),
        completed={(elements[i], elements[j]): float(matrix[i, j]) for i, j in missing},
        method=method,
    )


def ahp_weights(
    elements: Sequence[str],
    comparisons: Iterable[Sequence[object]],
    *,
    random_index: str | RandomIndexTable = DEFAULT_RANDOM_INDEX,
) -> AhpResult:
    """Weights, lambda_max, CI and CR from one rater's judgements `[A, B, v]` (A is v times B)."""
    names = _check_elements(elements)
    return _result_from_table(names, _judgement_table(names, comparisons), random_index)


def aggregate_raters(
    elements: Sequence[str],
    raters: Sequence[Mapping[str, Any]],
    *,
    random_index: str | RandomIndexTable = DEFAULT_RANDOM_INDEX,
) -> AhpResult:
    """Group weights from several raters `{"name", "comparisons", "weight"?}`: each judgement is the
    (weighted) geometric mean of the raters who gave it; the group matrix is then solved as one."""
    names = _check_elements(elements)
    if not raters:
        raise AhpError("raters: at least one rater is needed")
    log_sum: dict[tuple[int, int], float] = {}
    weight_sum: dict[tuple[int, int], float] = {}
    for k, rater in enumerate(raters):
        if not isinstance(rater, Mapping) or "comparisons" not in rater:
            raise AhpError(f"raters[{k}]: must be an object with 'comparisons'")
        weight = rater.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise AhpError(f"raters[{k}].weight: must be a positive number")
        table = _judgement_table(names, rater["comparisons"], f"raters[{k}].comparisons")
        for pair, value in table.items():
            log_sum[pair] = log_sum.get(pair, 0.0) + weight * math.log(value)
            weight_sum[pair] = weight_sum.get(pair, 0.0) + weight
    group = {pair: math.exp(log_sum[pair] / weight_sum[pair]) for pair in log_sum}
    prefix = f"{len(raters)} raters aggregated by {AGGREGATION_METHOD}; "
    return _result_from_table(names, group, random_index, prefix)


def most_inconsistent_judgement(result: AhpResult) -> Judgement | None:
    """The given judgement whose ratio a_ij / (w_i / w_j) is furthest from 1 (None if all are
    in line): the one to revisit first when CR > 0.10, with what the other judgements imply."""
    w = [result.weights[name] for name in result.elements]
    worst: tuple[float, int, int] | None = None
    for i, j in sorted(result.given):
        ratio = result.matrix[i][j] / (w[i] / w[j])
        deviation = max(ratio, 1.0 / ratio)
        if deviation > 1.0 + 1e-9 and (worst is None or deviation > worst[0]):
            worst = (deviation, i, j)
    if worst is None:
        return None
    deviation, i, j = worst
    others = {pair: result.matrix[pair[0]][pair[1]] for pair in result.given if pair != (i, j)}
    try:
        rest = _result_from_table(result.elements, others, result.random_index)
        others_imply = rest.weights[result.elements[i]] / rest.weights[result.elements[j]]
    except AhpError:  # it alone links two groups of elements: the others imply nothing about it
        others_imply = w[i] / w[j]
    return Judgement(result.elements[i], result.elements[j], result.matrix[i][j], w[i] / w[j], deviation, others_imply)


def synthesize(
    criterion_weights: Mapping[str, float],
    alternative_weights: Mapping[str, Mapping[str, float]],
) -> dict[str, float]:
    """Global alternative weights: sum over criteria of criterion weight x local alternative weight
    (distributive mode). Every criterion needs local weights over the same alternatives."""
    alternatives: list[str] | None = None
    total: dict[str, float] = {}
    for criterion, weight in criterion_weights.items():
        if criterion not in alternative_weights:
            raise AhpError(f"alternatives: no comparison of the alternatives under {criterion!r}")
        local = alternative_weights[criterion]
        if alternatives is None:
            alternatives = list(local)
        elif set(local) != set(alternatives):
            raise AhpError(
                f"alternatives.{criterion}: compares {sorted(local)}, expected {sorted(alternatives)}"
            )
        for name, value in local.items():
            total[name] = total.get(name, 0.0) + weight * value
    return {name: total[name] for name in alternatives or []}


def _block(data: object, where: str, random_index: str) -> AhpResult | dict[str, float]:
    """One matrix of a hierarchy: comparisons, raters, or weights given directly."""
    if not isinstance(data, Mapping):
        raise AhpError(f"{where}: must be an object")
    if "weights" in data and "comparisons" not in data and "raters" not in data:
        return _direct_weights(data["weights"], where)
    try:
        return _solve_block(data, random_index)
    except AhpError as error:
        raise AhpError(f"{where}.{error}") from None


def _direct_weights(raw: object, where: str) -> dict[str, float]:
    if not isinstance(raw, Mapping) or not raw:
        raise AhpError(f"{where}.weights: must map each element to a weight")
    values: dict[str, float] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise AhpError(f"{where}.weights.{name}: must be a number >= 0")
        values[str(name)] = float(value)
    total = sum(values.values())
    if total <= 0:
        raise AhpError(f"{where}.weights: must not all be zero")
    return {name: value / total for name, value in values.items()}


def _solve_block(data: Mapping[str, Any], random_index: str) -> AhpResult:
    elements = data.get("elements")
    if not isinstance(elements, list):
        raise AhpError("elements: must be a list of names")
    if "raters" in data:
        return aggregate_raters(elements, data["raters"], random_index=random_index)
    if "comparisons" not in data:
        raise AhpError("comparisons: missing (give 'comparisons', 'raters' or 'weights')")
    return ahp_weights(elements, data["comparisons"], random_index=random_index)


def _weights_of(block: AhpResult | dict[str, float]) -> dict[str, float]:
    return block.weights if isinstance(block, AhpResult) else block


def ahp_hierarchy(
    data: Mapping[str, Any], *, random_index: str = DEFAULT_RANDOM_INDEX
) -> dict[str, Any]:
    """Goal -> criteria (-> sub-criteria, any depth) -> alternatives.

    `data` = {"criteria": block, "subcriteria": {criterion: block}, "alternatives": {leaf: block}}
    where a block is {"elements", "comparisons"} or {"elements", "raters"} or {"weights"}.
    Returns the global weight of every leaf criterion, the alternatives' final weights and each
    block's own result.
    """
    subcriteria = data.get("subcriteria", {}) or {}
    alternatives = data.get("alternatives", {}) or {}
    if not isinstance(subcriteria, Mapping) or not isinstance(alternatives, Mapping):
        raise AhpError("subcriteria and alternatives: must map a criterion to its comparisons")
    blocks: dict[str, AhpResult | dict[str, float]] = {
        "criteria": _block(data.get("criteria"), "criteria", random_index)
    }
    leaf_weights: dict[str, float] = {}
    pending = list(_weights_of(blocks["criteria"]).items())
    while pending:
        criterion, weight = pending.pop(0)
        if criterion in subcriteria:
            if len(blocks) > 1000:
                raise AhpError("subcriteria: the hierarchy loops")
            block = _block(subcriteria[criterion], f"subcriteria.{criterion}", random_index)
            blocks[criterion] = block
            pending.extend((name, weight * w) for name, w in _weights_of(block).items())
        else:
            leaf_weights[criterion] = leaf_weights.get(criterion, 0.0) + weight
    local = {
        leaf: _weights_of(_block(alternatives[leaf], f"alternatives.{leaf}", random_index))
        for leaf in leaf_weights
        if leaf in alternatives
    }
    result: dict[str, Any] = {
        "method": EIGENVECTOR_METHOD + "; global weights synthesised in distributive mode",
        "random_index": _table(random_index).to_dict(),
        "criteria_weights": leaf_weights,
        "blocks": {
            name: b.to_dict() if isinstance(b, AhpResult) else {"weights": b}
            for name, b in blocks.items()
        },
    }
    if alternatives:
        result["weights"] = synthesize(leaf_weights, local)
        result["alternatives"] = {leaf: dict(w) for leaf, w in local.items()}
    else:
        result["weights"] = dict(leaf_weights)
    return result


def ahp_from_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON `bearing ahp` prints, from its input: one matrix (`elements` + `comparisons` or
    `raters`) or a hierarchy (`criteria` [+ `subcriteria`] + `alternatives`). An optional
    `random_index` names the RI table (default Saaty 2005)."""
    if not isinstance(data, Mapping):
        raise AhpError("input: must be a JSON object")
    random_index = data.get("random_index", DEFAULT_RANDOM_INDEX)
    if not isinstance(random_index, str):
        raise AhpError("random_index: must be the name of a table")
    _table(random_index)
    if "criteria" in data:
        return ahp_hierarchy(data, random_index=random_index)
    result = _solve_block(data, random_index).to_dict()
    return result


def _fmt(value: float) -> str:
    """A judgement for people: '3' or '1/3' when near a whole ratio, else 2 decimals."""
    if value >= 1:
        return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.2f}"
    inverse = 1.0 / value
    return f"1/{inverse:.0f}" if abs(inverse - round(inverse)) < 0.05 else f"{value:.2f}"
