"""Stopping a solve early and reporting from inside it.

The web worker asks "should I stop?" through a callable that reads the database, and shows
improvements through a callable that writes it. Both must run in the thread that called `solve`
(database connections belong to a thread) and must not be called thousands of times a second.
So: `Stopper` throttles the question and answers other threads from its last answer; `run_cp`
runs a CP-SAT solve in a helper thread while the calling thread polls the question (and calls
`stop_search` when the answer turns yes) and relays each new solution; `watch_highs` makes a
HiGHS solve (which runs in the calling thread) ask the question at its interrupt points.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import highspy
from ortools.sat.python import cp_model

__all__ = ["CpBeside", "Stopper", "cp_solver", "run_cp", "unwatch_highs", "watch_highs"]

# How often the caller's should_stop is really asked (seconds).
_POLL = 0.05


def cp_solver(workers: int, seed: int = 0) -> cp_model.CpSolver:
    """A CP-SAT solver with `workers` threads and `seed` that leaves Ctrl-C to the caller: by default
    CP-SAT catches SIGINT while it solves and only ends that one solve, so `bearing solve` went on
    with its next step as if nothing had been asked."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    return solver


class Stopper:
    """A throttled, sticky `should_stop`: once it said yes it keeps saying yes; other threads get
    the last answer of the owning thread instead of calling it themselves."""

    def __init__(self, should_stop: Callable[[], bool] | None, *, poll: float = _POLL) -> None:
        self._ask = should_stop
        self._poll = poll
        self._owner = threading.get_ident()
        self._last = float("-inf")
        self._chores: list[Callable[[], None]] = []
        self.stopped = False

    def add_chore(self, chore: Callable[[], None]) -> None:
        """Run `chore` in the owning thread each time it asks (the knapsack's tabu lane reports its
        finds through it while the calling thread waits on a solver)."""
        self._chores.append(chore)

    def remove_chore(self, chore: Callable[[], None]) -> None:
        self._chores.remove(chore)

    @property
    def active(self) -> bool:
        """Whether anyone can ask to stop at all (no callable: no need to poll)."""
        return self._ask is not None

    def __call__(self) -> bool:
        if threading.get_ident() != self._owner:
            return self.stopped
        for chore in self._chores:
            chore()
        if self.stopped or self._ask is None:
            return self.stopped
        now = time.monotonic()
        if now - self._last >= self._poll:
            self._last = now
            if self._ask():
                self.stopped = True
        return self.stopped

    def ask_now(self) -> bool:
        """Ask the caller now, ignoring the throttle (at stage boundaries)."""
        self._last = float("-inf")
        return self()


class _Relay(cp_model.CpSolverSolutionCallback):
    """Reads each new CP-SAT solution inside the callback and queues it for the calling thread."""

    def __init__(self, read: Callable[[Any], Any], out: queue.Queue[Any]) -> None:
        super().__init__()
        self._read = read
        self._out = out

    def on_solution_callback(self) -> None:
        self._out.put(self._read(self))


def run_cp(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    *,
    stop: Stopper | None = None,
    read: Callable[[Any], Any] | None = None,
    on_solution: Callable[[Any], None] | None = None,
) -> cp_model.CpSolverStatus:
    """`solver.solve(model)`, stopped early when `stop` says so; each new solution is read with
    `read(callback)` in the solver's thread and handed to `on_solution` in the calling thread.
    Stopping or relaying changes nothing in the search itself, so a seeded solve stays
    reproducible."""
    relay = read is not None and on_solution is not None
    if (stop is None or not stop.active) and not relay:
        return solver.solve(model)
    if stop is not None and stop():
        # a zero-time solve, so the solver's response (status, deterministic time) can be read
        solver.parameters.max_time_in_seconds = 0.0
        return solver.solve(model)
    found: queue.Queue[Any] = queue.Queue()
    callback = _Relay(read, found) if relay else None  # type: ignore[arg-type]
    result: dict[str, cp_model.CpSolverStatus] = {}
    error: list[BaseException] = []

    def work() -> None:
        try:
            result["status"] = solver.solve(model, callback)
        except BaseException as exc:  # noqa: BLE001 -- re-raised in the calling thread
            error.append(exc)

    thread = threading.Thread(target=work, name="cp-sat", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(timeout=_POLL)
        if stop is not None and stop():
            _stop_until_done(solver, thread)
        _drain(found, on_solution)
    thread.join()
    _drain(found, on_solution)
    if error:
        raise error[0]
    return result["status"]


class CpBeside:
    """A CP-SAT solve in a thread of its own while the calling thread does other work (a HiGHS
    search): each new solution is read in the solver's thread and queued; the calling thread takes
    them with `drain` whenever it can (the callbacks may touch a database) and ends the solve with
    `finish`."""

    def __init__(self, solver: cp_model.CpSolver, model: cp_model.CpModel, read: Callable[[Any], Any]) -> None:
        self._solver = solver
        self._found: queue.Queue[Any] = queue.Queue()
        self._callback = _Relay(read, self._found)
        self._thread = threading.Thread(
            target=solver.solve, args=(model, self._callback), name="cp-sat-beside", daemon=True
        )
        self._thread.start()

    def drain(self, on_solution: Callable[[Any], None]) -> None:
        _drain(self._found, on_solution)

    def finish(self, on_solution: Callable[[Any], None]) -> None:
        """Stop the search, wait for it, and hand over what it found last."""
        _stop_until_done(self._solver, self._thread)
        _drain(self._found, on_solution)


def _stop_until_done(solver: cp_model.CpSolver, thread: threading.Thread) -> None:
    """Ask CP-SAT to stop until its thread ends: a request made before the solve has begun is
    forgotten when it begins (the solve then runs its whole time limit)."""
    while thread.is_alive():
        solver.stop_search()
        thread.join(timeout=_POLL / 5)


def _drain(found: queue.Queue[Any], on_solution: Callable[[Any], None] | None) -> None:
    while True:
        try:
            item = found.get_nowait()
        except queue.Empty:
            return
        if on_solution is not None:
            on_solution(item)


def watch_highs(h: highspy.Highs, stop: Stopper | None) -> list[tuple[Any, Callable[[Any], None]]]:
    """Make `h` ask `stop` at its simplex, interior-point and branch-and-bound interrupt points.
    Returns the subscriptions for `unwatch_highs` (a model solved again keeps them otherwise)."""
    if stop is None or not stop.active:
        return []

    def check(event: Any) -> None:
        if stop():
            event.interrupt()

    subs: list[tuple[Any, Callable[[Any], None]]] = [
        (h.cbSimplexInterrupt, check), (h.cbIpmInterrupt, check), (h.cbMipInterrupt, check)
    ]
    for cb, fn in subs:
        cb += fn
    return subs


def unwatch_highs(subs: list[tuple[Any, Callable[[Any], None]]]) -> None:
    for cb, fn in subs:
        cb -= fn
