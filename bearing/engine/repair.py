"""Constructive repairs of a plan: one left-out demand forced in, room made for it by taking out
the lower-value demands that hold the hours or money it lacks, then the room refilled. A repaired
plan is a real plan with the demand in, so what it loses is an upper bound on the cost of forcing
the demand in (`bearing.engine.explain` uses it for every left-out demand, before any re-plan)."""

from __future__ import annotations

import dataclasses

import numpy as np

from bearing.engine.compiled import Compiled, Ledger

__all__ = ["Repair", "Repairs", "measure_shortage"]

# Free the whole plan in the verification re-plan up to this many demands; beyond, a neighbourhood.
_WHOLE_PLAN = 150
_NEIGHBOURS = 80
# Demands a repair tries to add back into the room it made, most valuable per share first.
_REFILL_CANDIDATES = 40


def measure_shortage(comp: Compiled, ledger: Ledger, d: int, s: int) -> tuple[dict[tuple[int, int], float], dict[int, float]]:
    """Hours missing per (resource, period) and money missing per budget window if d started at s."""
    hours: dict[tuple[int, int], float] = {}
    for r, h in comp.use[d]:
        for p in range(s, s + comp.duration[d]):
            miss = h - ledger.res[r, p]
            if miss > ledger.tol[r, p]:
                hours[(r, p)] = miss
    money: dict[int, float] = {}
    for w in range(len(comp.budgets)):
        miss = comp.budget_spend(d, s, w) - ledger.bres[w]
        if miss > ledger.btol[w]:
            money[w] = miss
    return hours, money


@dataclasses.dataclass
class Repair:
    """A plan with one left-out demand forced in: the ledger, the scheduled demands taken out and
    the demands booked (the forced one, its missing prerequisites, then what was added back)."""

    ledger: Ledger
    taken: list[int]  # some may be added back by the refill: then they are in `booked` too
    booked: list[int]

    def value_lost(self, before: Ledger) -> float:
        """What the repaired plan is worth less than the plan it was made from."""
        values = self.ledger.comp.values
        lost = sum(values[e][before.start[e]] for e in self.taken)
        return lost - sum(values[x][self.ledger.start[x]] for x in self.booked)


class Repairs:
    """Constructive repairs of one plan (`force_in`), over arrays built once: which demands hold a
    resource or money in a stretch of periods, how many of them must go, and which could use the
    room made, are found with numpy; the holders go out together and only the demands a repair
    moves are checked and valued. Python passes over every demand made a repair take 33 ms at
    10,000 demands, taking holders out one by one 5-7 ms; now ~2.5 ms (1.5 ms on the app's demo
    organisation, whose two yearly budget windows have thousands of small holders)."""

    def __init__(self, comp: Compiled, ledger: Ledger, density: np.ndarray) -> None:
        self.comp = comp
        self.ledger = ledger
        self.density = density
        n = comp.n
        self.index = np.arange(n)
        self.start = np.array(ledger.start, dtype=np.int64)
        self.duration = np.array(comp.duration, dtype=np.int64)
        self.spends = np.array(comp.cost_pp, dtype=float) > 0
        # each demand's hours per active period by resource; what each scheduled demand holds
        # where the plan has it: hours per period (cells of the flattened resource-by-period
        # table, `cell_start` indexing each demand's run) and money per budget window, so a repair
        # takes many out at once
        self.hours = np.zeros((n, len(comp.resource_names)))
        self.spend_now = np.zeros((n, len(comp.budgets)))
        cells: list[int] = []
        cell_hours: list[float] = []
        self.cell_start = np.zeros(n + 1, dtype=np.int64)
        for e, s in enumerate(ledger.start):
            for r, h in comp.use[e]:
                self.hours[e, r] = h
                if s >= 0:
                    cells.extend(r * comp.periods + p for p in range(s, s + comp.duration[e]))
                    cell_hours.extend([h] * comp.duration[e])
            if s >= 0:
                for w, spend in comp.spends(e, s):
                    self.spend_now[e, w] = spend
            self.cell_start[e + 1] = len(cells)
        self.uses = self.hours > 0  # compiled uses have hours above 0
        self.cells = np.array(cells, dtype=np.int64)
        self.cell_hours = np.array(cell_hours)
        # a scheduled demand's value where it starts, and its hours per period plus money: what a
        # re-plan frees first is the least value per size
        self.value_now = np.array([comp.values[e][s] if s >= 0 else 0.0 for e, s in enumerate(ledger.start)])
        self.size = np.array([1e-9 + sum(h for _, h in comp.use[e]) + comp.cost_pp[e] for e in range(n)])
        self.optional = ~np.array(comp.mandatory, dtype=bool)
        self.has_window = np.array([bool(w) for w in comp.window], dtype=bool)
        self.first = np.array([w[0] if w else 0 for w in comp.window], dtype=np.int64)
        self.last = np.array([w[-1] if w else -1 for w in comp.window], dtype=np.int64)
        # (density, index) ascending: the cheapest holders go first, ties by index
        self.cheap_first = np.lexsort((self.index, density))
        # and the most valuable per share first when refilling, ties by index: the demands out of
        # the plan in that order (the refill's candidates besides those a repair takes out), and
        # each demand's place in it
        dense_first = np.lexsort((self.index, -density))
        self.dense_rank = np.empty(n, dtype=np.int64)
        self.dense_rank[dense_first] = np.arange(n)
        self.out_dense = dense_first[(self.start[dense_first] < 0) & self.has_window[dense_first]]
        self.has_successor = np.array([bool(x) for x in comp.succs], dtype=bool)

    def neighbourhood(self, d: int, hours: dict[tuple[int, int], float], money: dict[int, float]) -> list[int]:
        """Demands to re-plan together with d: what must be placed with it (`chain`: its missing
        prerequisites, and those that finish too late) and the scheduled demands that hold the
        binding resources or money in its window (cheapest value per hour first)."""
        comp = self.comp
        free = set(self.chain(d)[0])
        if comp.n <= _WHOLE_PLAN:
            return list(range(comp.n))
        lo, hi = comp.window[d][0], comp.window[d][-1] + comp.duration[d]
        start = self.start
        holds = (start >= 0) & (start < hi) & (start + self.duration > lo)
        if not money:
            binding = [r for r, _ in hours] or [r for r, _ in comp.use[d]]
            holds &= self.uses[:, binding].any(axis=1)
        holds[list(free)] = False
        cands = self.index[holds]
        cheap = np.lexsort((cands, self.value_now[cands] / self.size[cands]))
        return sorted(free | {int(e) for e in cands[cheap[:_NEIGHBOURS]]})

    def force_in(self, d: int, first: int) -> Repair | None:
        """A plan with d forced in, built without a solver: d's prerequisites that are out are
        placed first (and those in the plan that finish too late for d are moved earlier), then d
        (at `first` if it can be, else its next start that can), each where the optional scheduled
        demands holding what it needs there (its resources in its periods, the money of a short
        budget window) can be taken out, lowest value per share of capacity first, to make room;
        then what fits in the room left is added back. None when one of them cannot be placed so."""
        comp = self.comp
        chain, late = self.chain(d)
        movable = self.optional.copy()
        movable[list(chain)] = False
        start = self.start.copy()  # kept equal to cand.start
        cand = self.ledger.copy()
        taken: list[int] = []
        for e in late:  # moved earlier: out first, placed again in the chain's order
            cand.unbook(e)
            start[e] = -1
            taken.append(e)
        for x, latest in chain.items():
            ready = max((cand.start[e] + comp.duration[e] for e in comp.preds[x]), default=0)
            starts = [s for s in comp.window[x] if ready <= s <= latest]
            if x in late:
                starts.reverse()  # nearest its place in the plan first
            if x == d and first in starts:
                starts.insert(0, starts.pop(starts.index(first)))
            for s in starts:
                made = self._make_room(cand, start, x, s, movable)
                if made is not None:
                    cand, out = made
                    cand.book(x, s)
                    start[out] = -1
                    start[x] = s
                    taken.extend(out)
                    break
            else:
                return None
        repair = Repair(cand, taken, list(chain) + self._refill(cand, start, taken))
        return repair if self._keeps_rules(repair) else None

    def chain(self, d: int) -> tuple[dict[int, int], list[int]]:
        """What must be placed to force d in, prerequisites before the demands that need them, each
        with its latest start that still lets d start in its window: d, its prerequisites that are
        out of the plan, and those in the plan that finish too late (these are also listed apart:
        they move)."""
        comp, start = self.comp, self.ledger.start
        chain: dict[int, int] = {}
        late: list[int] = []

        def need(x: int, latest: int) -> None:
            for e in comp.preds[x]:
                by = latest - comp.duration[e]
                if e in chain:
                    chain[e] = min(chain[e], by)
                elif start[e] < 0 or start[e] > by:
                    if start[e] >= 0:
                        late.append(e)
                    need(e, by)
            chain[x] = min(chain.get(x, latest), latest)

        need(d, comp.window[d][-1])
        return chain, late

    def _keeps_rules(self, repair: Repair) -> bool:
        """The rules `Ledger.breaks_a_rule` checks, for the demands the repair moved (the plan it
        started from keeps them): every booked one starts after its prerequisites finish and ends
        before its booked successors start; no one taken out and left out is mandatory or required
        by a booked one."""
        comp, start = self.comp, repair.ledger.start
        for x in repair.booked:
            end = start[x] + comp.duration[x]
            if any(start[e] < 0 or start[e] + comp.duration[e] > start[x] for e in comp.preds[x]):
                return False
            if any(0 <= start[y] < end for y in comp.succs[x]):
                return False
        return all(
            not comp.mandatory[e] and all(start[y] < 0 for y in comp.succs[e]) for e in repair.taken if start[e] < 0
        )

    def _make_room(
        self, ledger: Ledger, start: np.ndarray, x: int, s: int, movable: np.ndarray
    ) -> tuple[Ledger, list[int]] | None:
        """`ledger` with the optional demands holding what x needs at start s (`start` says where
        each demand is booked) taken out, lowest value per share of capacity first, never one a
        scheduled demand requires, until x fits there; with the demands taken out. None when x
        still does not fit."""
        comp = self.comp
        end = s + comp.duration[x]
        needs = [r for r, _ in comp.use[x]]
        holds = (start >= 0) & (start < end) & (start + self.duration > s) & self.uses[:, needs].any(axis=1)
        short_money = list(measure_shortage(comp, ledger, x, s)[1])
        if short_money:  # (a movable holder is booked where the plan has it)
            holds |= (start >= 0) & (self.spend_now[:, short_money] > 0).any(axis=1)
        holds &= movable
        out = self._enough(ledger, x, s, self.cheap_first[holds[self.cheap_first]])
        if out is None:
            return None
        room = self._without(ledger, out)
        return (room, [int(e) for e in out]) if room.fits(x, s) else None

    def _enough(self, ledger: Ledger, x: int, s: int, holders: np.ndarray) -> np.ndarray | None:
        """The first of `holders` (booked where the plan has them, cheapest first) that, taken out
        in turn, let x fit at s as far as hours and money go — skipping each one a scheduled demand
        still requires when its turn comes (one with a successor in the plan that is not a holder
        taken out before it); None when all of them do not. The hours and money each frees in x's
        periods and budget windows are added up in the order they are taken out — the same sums
        `Ledger.unbook` makes — a stretch of holders at a time, growing."""
        comp = self.comp
        end = s + comp.duration[x]
        cells = [(r, p, h) for r, h in comp.use[x] for p in range(s, end)]
        windows = [w for w, _ in comp.spends(x, s)]
        left = np.array([ledger.res[r, p] for r, p, _ in cells] + [ledger.bres[w] for w in windows])
        tol = np.array([ledger.tol[r, p] for r, p, _ in cells] + [ledger.btol[w] for w in windows])
        need = np.array([h for _, _, h in cells] + [spend for _, spend in comp.spends(x, s)])
        resources = np.array([r for r, _, _ in cells], dtype=np.int64)
        periods = np.array([p for _, p, _ in cells], dtype=np.int64)
        turn = np.full(comp.n, len(holders))
        turn[holders] = np.arange(len(holders))
        required = np.zeros(len(holders), dtype=bool)
        taken: list[np.ndarray] = []
        done, stretch = 0, 64
        while True:
            for k in done + np.flatnonzero(self.has_successor[holders[done : done + stretch]]):
                required[k] = any(
                    ledger.start[y] >= 0 and not (turn[y] < k and not required[turn[y]])
                    for y in comp.succs[holders[k]]
                )
            part = holders[done : done + stretch][~required[done : done + stretch]]
            at, end_at = self.start[part][:, None], (self.start[part] + self.duration[part])[:, None]
            freed = np.hstack([
                np.where((at <= periods) & (end_at > periods), self.hours[part][:, resources], 0.0),
                self.spend_now[part][:, windows],
            ])
            sums = np.cumsum(np.vstack([left, freed]), axis=0)
            fits = np.flatnonzero(~(sums + tol < need).any(axis=1))
            if len(fits):
                return np.concatenate([*taken, part[: int(fits[0])]])
            taken.append(part)
            done += stretch
            if done >= len(holders):
                return None
            left, stretch = sums[-1], stretch * 4

    def _without(self, ledger: Ledger, taken: np.ndarray) -> Ledger:
        """A copy of `ledger` with `taken` (booked where the plan has them) taken out, in turn: the
        hours and money of each added back in the order `Ledger.unbook` would."""
        room = ledger.copy()
        if len(taken) == 0:
            return room
        first, count = self.cell_start[taken], self.cell_start[taken + 1] - self.cell_start[taken]
        offsets = np.repeat(first - np.concatenate([[0], np.cumsum(count)[:-1]]), count)
        cells = offsets + np.arange(int(count.sum()))
        np.add.at(room.res.reshape(-1), self.cells[cells], self.cell_hours[cells])
        windows = np.tile(np.arange(room.bres.shape[0]), len(taken))
        np.add.at(room.bres, windows, self.spend_now[taken].reshape(-1))
        for e in taken:
            room.start[int(e)] = -1
        return room

    def _refill(self, after: Ledger, start: np.ndarray, taken: list[int]) -> list[int]:
        """Add back to `after` what fits in the room the `taken` demands left: of the demands out
        of the plan that use their resources (or money) around their periods, the most valuable per
        share of capacity, at starts overlapping the room (a full refill made a repair 20-30 ms at
        500 demands; the cost it verifies is an "at most" either way). The demands it added."""
        comp = self.comp
        if not taken:
            return []
        was = self.start[taken]
        lo = int(was.min())
        hi = int((was + self.duration[taken]).max())
        freed = self.uses[taken].any(axis=0)
        money = bool(self.spends[taken].any())
        # the demands out of the plan and those the repair took out (all with a window), most
        # valuable per share first: a pass over the demands out, not over all (at 30,000 demands
        # the masks over all of them took most of a repair's time)
        pool = np.concatenate([self.out_dense, np.asarray(taken, dtype=np.int64)])
        could_use = (start[pool] < 0) & (self.first[pool] < hi)
        could_use &= self.last[pool] + self.duration[pool] > lo
        wanted = self.uses[pool][:, freed].any(axis=1)
        if money:
            wanted |= self.spends[pool]
        pool = pool[could_use & wanted]
        added = []
        for e in pool[np.argsort(self.dense_rank[pool], kind="stable")][:_REFILL_CANDIDATES]:
            e = int(e)
            # only starts that overlap the room: elsewhere nothing was freed
            if all(after.start[x] >= 0 for x in comp.preds[e]) and after.place(
                e, [s for s in comp.window[e] if s < hi and s + comp.duration[e] > lo]
            ):
                added.append(e)
        return added
