"""A solve's record of its best plan and best proven bound, reporting each improvement as it
comes (the CLI's `--progress`, the web app's live view)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bearing.engine.compiled import Compiled, Ledger
from bearing.engine.plan import ProgressEvent

__all__ = ["Tracker", "ledger_from_starts"]

# A stage expected to take at least this many seconds is announced as it starts (progress events
# otherwise come only with improvements, and none comes while the relaxation is solved).
_ANNOUNCE_SECONDS = 2.0


class Tracker:
    """Best plan so far and best proven bound; reports each improvement."""

    def __init__(self, comp: Compiled, t0: float, progress: Callable[[ProgressEvent], None] | None) -> None:
        self.comp = comp
        self.t0 = t0
        self.progress = progress
        self.ledger: Ledger | None = None
        self.value = float("-inf")
        self.bound: float | None = None
        self.stages: list[tuple[str, float, float]] = []
        self.rejected = 0  # plans a stage offered that broke a rule

    def offer(self, ledger: Ledger, stage: str) -> bool:
        value = self.comp.objective(ledger.starts())
        if self.ledger is not None and value <= self.value + 1e-9:
            return False
        if ledger.breaks_a_rule():
            # never trust, always verify: a stage's bug must not become the answer (counted, so
            # the tests see it)
            self.rejected += 1
            return False
        self.ledger, self.value = ledger, value
        self._emit(stage)
        return True

    def offer_bound(self, bound: float | None, stage: str) -> None:
        if bound is None or (self.bound is not None and bound >= self.bound - 1e-9):
            return
        self.bound = bound
        self._emit(stage)

    def announce(self, stage: str, expected_seconds: float) -> None:
        """Report that a stage expected to take `expected_seconds` starts, when that is long enough
        for a watcher to wonder whether anything is happening (the relaxation at 10,000 demands:
        about 30 s without an improvement to report)."""
        if self.is_worth_announcing(expected_seconds):
            self._emit(stage, expected_seconds)

    def is_worth_announcing(self, expected_seconds: float) -> bool:
        """Whether a stage expected to take this long is announced as it starts."""
        return expected_seconds >= _ANNOUNCE_SECONDS

    def _emit(self, stage: str, expected_seconds: float | None = None) -> None:
        elapsed = time.perf_counter() - self.t0
        self.stages.append((stage, round(elapsed, 3), self.value))
        if self.progress is not None and self.ledger is not None:
            bound = None if self.bound is None else max(self.bound, self.value)
            self.progress(ProgressEvent(seconds=elapsed, stage=stage, objective=self.value, bound=bound,
                                        expected_seconds=expected_seconds))

    def closed(self) -> bool:
        """Whether the best plan reaches the proven bound (to a millionth, the solvers' tolerance)."""
        return self.bound is not None and self.value >= self.bound - 1e-6 * max(1.0, abs(self.bound))


def ledger_from_starts(comp: Compiled, starts: dict[int, int]) -> Ledger | None:
    """The plan of `starts` booked; None when it breaks a rule or leaves a mandatory demand out."""
    ledger = Ledger(comp)
    if not ledger.book_in_order(starts) or any(comp.mandatory[d] and ledger.start[d] < 0 for d in range(comp.n)):
        return None
    return ledger
