"""Forms of the analysis pages: direct criteria weights and a rater's pairwise comparisons."""

from __future__ import annotations

import math
from typing import Any

from django import forms

__all__ = ["SAATY_SCALE", "DirectWeightsForm", "PairwiseForm", "scale_position"]

# Position on the form -> judgement "first is v times as important as second": the verbal levels of
# Saaty's scale on either side (positive: the left criterion is more important).
SAATY_SCALE: list[tuple[int, str, float]] = [
    (9, "extremely more important", 9.0),
    (7, "very strongly more important", 7.0),
    (5, "strongly more important", 5.0),
    (3, "moderately more important", 3.0),
    (1, "equal", 1.0),
    (-3, "moderately more important", 1 / 3),
    (-5, "strongly more important", 1 / 5),
    (-7, "very strongly more important", 1 / 7),
    (-9, "extremely more important", 1 / 9),
]
_VALUE = {position: value for position, _, value in SAATY_SCALE}


def scale_position(value: float | None) -> int:
    """The scale position nearest to a stored judgement (1 = equal when none)."""
    if value is None:
        return 1
    return min(_VALUE, key=lambda p: abs(math.log(_VALUE[p]) - math.log(value)))


class DirectWeightsForm(forms.Form):
    """One weight (>= 0) per criterion; the service normalises them to sum 1."""

    def __init__(self, *args: Any, criteria: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in criteria:
            self.fields[key] = forms.FloatField(label=label, min_value=0)

    def weights(self) -> dict[str, float]:
        return dict(self.cleaned_data)


class PairwiseForm(forms.Form):
    """One choice per pair of criteria on Saaty's scale; field `pair_<i>` for the i-th pair."""

    def __init__(
        self, *args: Any, pairs: list[tuple[tuple[str, str], tuple[str, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = pairs
        choices = [(str(p), label) for p, label, _ in SAATY_SCALE]
        for i, ((_, left), (_, right)) in enumerate(pairs):
            self.fields[f"pair_{i}"] = forms.TypedChoiceField(
                label=f"{left} compared with {right}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
            )

    def rows(self) -> list[dict[str, Any]]:
        """Per pair: the two criteria and the bound field, for the table template."""
        return [
            {"left": left, "right": right, "field": self[f"pair_{i}"]}
            for i, (left, right) in enumerate(self.pairs)
        ]

    def judgements(self) -> dict[tuple[str, str], float]:
        return {
            (left[0], right[0]): _VALUE[self.cleaned_data[f"pair_{i}"]]
            for i, (left, right) in enumerate(self.pairs)
        }
