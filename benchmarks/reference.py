"""A plain-Python event-heap model of the sales funnel: the speed limit for this model in Python.

This module re-implements the semantics of :func:`simlib.core.engine.run` without SimPy, from the
contract rather than from the engine's code, so that the two cross-check each other
(``tests/test_reference.py``) and so that ``benchmarks/run.py`` can say how far the SimPy engine
is from what plain Python can do.

Semantics (time in weeks; the random world comes from :func:`simlib.core.engine.draw_world`):

* Lead ``i`` arrives at ``arrivals[i]`` and is owned by one rep: ``i % reps`` (round robin), a
  pre-drawn rep (random), or, at the moment it arrives, the rep whose ready + in-progress work
  (hours of the stages they are at), divided by the rep's ``hours_per_week``, is least
  (least-loaded; deals in a customer wait do not count; lowest rep index on ties).
* At each stage ``k`` the deal first waits for the customer for ``waits[i][k]`` weeks, then is
  *ready* for its rep. A rep works one deal at a time, without pre-emption, choosing among the
  deals ready for it the one that became ready first (``fifo``) or, with ``late_stage_first``, the
  one at the latest stage, then the one ready first.
* A rep works ``hours_per_week`` hours a week, spread evenly over the week, so ``work_hours[k]``
  take ``work_hours[k] / hours_per_week`` weeks, carrying across week boundaries. Hours are booked
  to the rep-weeks in which they are worked, up to the horizon.
* When the work is done the deal advances iff ``uniforms[i][k] < conversion[k]``, else it is lost;
  passing the last stage wins it. Both close it at that moment.
* Nothing happens at or after ``horizon_weeks``: deals waiting, queued or being worked are open,
  at the stage they reached; a visit in progress is reported with a NaN end.

How it is fast. With round-robin or random assignment the reps never interact, so each rep is
simulated on its own, in one tight loop, with the deals of its queue held in a sorted list (the
leads it owns, by ready time) and a small heap (deals coming back for a later stage). With FIFO
the next deal is simply the earliest-ready one of the two, and the rep starts it at
``max(ready, free)``; with late-stage-first a heap of the ready deals orders them by stage. A
deal's fate is decided up front: ``fate[i]`` is the number of stages it passes (the first stage
whose uniform is not below the conversion), so the loop compares two ints instead of two floats.
Least-loaded assignment couples the reps, and runs on one shared event heap instead
(:func:`run_shared`, which handles every assignment and is also checked against the fast path).

Deals ready at the same instant (only possible with zero work hours, or a wait that ends exactly
when a visit does) are served new lead first, then in the order they came back, as the engine
does; the visits come out grouped by rep rather than in time order. Otherwise the output equals
the engine's: ``SimResult(sc, world, run(sc, world))`` gives the same tables, up to the last bits
of the floats (SimPy computes the clock after a wait as ``now + (ready - now)``, which may differ
from ``ready`` in the last place, and hours are summed in a different order).
"""
from __future__ import annotations

import math
from collections import deque
from heapq import heapify, heappop, heappush

import numpy as np

__all__ = ["run", "run_shared"]


def run(sc, world, caps=None) -> dict:
    """Simulate scenario ``sc`` in ``world``; the same raw dict as :func:`simlib.core.engine.run`.

    ``caps`` may be given only if every rep has the same hours in every week (constant rates; a
    rep with zero hours works no deal); weekly-varying capacity is not modelled here.
    """
    if sc.team.assignment == "least_loaded":
        return run_shared(sc, world, caps)
    m = _Model(sc, world, caps)
    n, n_reps, horizon = m.n, m.n_reps, m.horizon
    if sc.team.assignment == "round_robin":
        owner = np.arange(n, dtype=np.int64) % n_reps
    else:
        owner = np.asarray(world.random_reps, dtype=np.int64)
    # each rep's leads, in the order they become ready (stable: lead index breaks ties)
    by_rep = np.lexsort((m.ready0_arr, owner))
    bounds = np.searchsorted(owner[by_rep], np.arange(n_reps + 1))
    by_rep = by_rep.tolist()

    stage, outcome, closed = [0] * n, [0] * n, [math.nan] * n
    hours: list[list[float]] = []
    visits: list[float] = []      # flat (deal, stage, ready, start, end) per finished visit
    current: list[tuple] = []     # (deal, stage, ready, start, nan) for visits cut by the horizon
    serve = _serve_fifo if sc.team.work_order == "fifo" else _serve_late_stage_first
    for r in range(n_reps):
        hrs = [0.0] * horizon
        if m.rates[r] > 0:        # a rep without hours works no deal
            serve(by_rep[bounds[r]:bounds[r + 1]], m, m.rates[r], hrs, stage, outcome, closed, visits, current)
        hours.append(hrs)
    return m.result(owner, stage, outcome, closed, hours, visits, current)


class _Model:
    """The scenario and world unpacked into plain Python lists, shared by both implementations."""

    def __init__(self, sc, world, caps):
        self.horizon = horizon = sc.horizon_weeks
        self.n_reps = len(sc.team.reps)
        stages = sc.funnel.stages
        self.n_st = len(stages)
        self.work = [s.work_hours for s in stages]
        if caps is None:
            self.rates = [float(h) for h in sc.team.hours()]
            self.caps = np.repeat(np.asarray(self.rates, float)[:, None], horizon, axis=1)
        else:
            self.caps = np.asarray(caps, dtype=float)
            if self.caps.shape != (self.n_reps, horizon) or (self.caps != self.caps[:, :1]).any():
                raise NotImplementedError("the reference models constant hours per rep only")
            self.rates = self.caps[:, 0].tolist()
        self.arrivals = world.arrivals.tolist()
        self.n = len(self.arrivals)
        # fate[i]: how many stages lead i passes (it advances at stage k iff k < fate[i])
        conv = np.array([s.conversion for s in stages])
        passes = np.hstack([world.uniforms < conv, np.zeros((self.n, 1), dtype=bool)])
        self.fate = passes.argmin(axis=1).tolist()
        if world.waits is not None:
            self.ready0_arr = world.arrivals + world.waits[:, 0]
            # wait before stage k >= 1 is looked up only when a deal reaches it
            self.waits = world.waits.tolist() if world.waits[:, 1:].any() else None
        else:
            self.ready0_arr = world.arrivals
            self.waits = None
        self.ready0 = self.ready0_arr.tolist()

    def result(self, owner, stage, outcome, closed, hours, visits, current) -> dict:
        v = np.array(visits, dtype=float).reshape(-1, 5)
        if current:
            v = np.vstack([v, np.array(current, dtype=float)])
        return {
            "owner": np.asarray(owner, dtype=np.int64), "stage": np.asarray(stage, dtype=np.int64),
            "outcome": np.asarray(outcome, dtype=np.int8), "closed": np.asarray(closed, dtype=float),
            "hours": np.asarray(hours, dtype=float).reshape(self.n_reps, self.horizon),
            "caps": self.caps,
            "visits": (v[:, 0].astype(np.int64), v[:, 1].astype(np.int64), v[:, 2], v[:, 3], v[:, 4]),
        }


def _book(hrs: list[float], start: float, end: float, rate: float, horizon: int) -> None:
    """Book ``rate`` hours a week over ``[start, end)`` into the week bins, up to the horizon."""
    w = int(start)
    while w < horizon and start < end:
        stop = min(end, w + 1.0)
        hrs[w] += (stop - start) * rate
        start = stop
        w += 1


def _serve_fifo(mine, m, rate, hrs, stage, outcome, closed, visits, current):
    """One rep, first-ready-first-served: ``mine`` are its leads in ready order."""
    horizon, n_st, work, fate, waits, ready0 = m.horizon, m.n_st, m.work, m.fate, m.waits, m.ready0
    dur = [h / rate for h in work]
    back: list[tuple] = []        # heap of (ready, seq, deal, stage): deals back for a later stage
    seq = 0                       # orders deals back at the same instant by when they came back
    j, n_mine = 0, len(mine)
    free = 0.0                    # when the rep is next free
    add = visits.extend
    while True:
        # the earliest-ready deal: the next new lead or the first deal back, new lead on a tie
        if j < n_mine:
            i = mine[j]
            ready = ready0[i]
            if back and back[0][0] < ready:
                ready, _, i, k = heappop(back)
            else:
                j += 1
                k = 0
        elif back:
            ready, _, i, k = heappop(back)
        else:
            return
        start = ready if ready > free else free   # noqa: FURB136 — faster than max() here
        if start >= horizon:
            return
        h = work[k]
        end = start + dur[k]
        w = int(start)
        if end <= w + 1:
            hrs[w] += h
        else:
            _book(hrs, start, end, rate, horizon)
        if end >= horizon:
            current.append((i, k, ready, start, math.nan))
            return
        add((i, k, ready, start, end))
        free = end
        if k < fate[i]:
            k += 1
            if k == n_st:
                outcome[i] = 1
                closed[i] = end
            else:
                stage[i] = k
                seq += 1
                if waits is None:
                    heappush(back, (end, seq, i, k))
                else:
                    t = end + waits[i][k]
                    if t < horizon:
                        heappush(back, (t, seq, i, k))
        else:
            outcome[i] = 2
            closed[i] = end


def _serve_late_stage_first(mine, m, rate, hrs, stage, outcome, closed, visits, current):
    """One rep, latest stage first, then first-ready: ``mine`` are its leads in ready order.

    New leads (stage 0, the lowest priority) stay in ``mine`` until nothing later is ready; deals
    at later stages wait in ``back`` until ready, then on the ``desk`` heap keyed by stage.
    """
    horizon, n_st, work, fate, waits, ready0 = m.horizon, m.n_st, m.work, m.fate, m.waits, m.ready0
    dur = [h / rate for h in work]
    back: list[tuple] = []        # heap of (ready, seq, deal, stage) of deals in a customer wait
    desk: list[tuple] = []        # heap of (-stage, ready, seq, deal) of ready deals at stage >= 1
    seq = 0                       # orders deals that came back at the same instant
    j, n_mine = 0, len(mine)
    now = 0.0                     # when the rep is next free
    add = visits.extend
    inf = math.inf
    while True:
        while back and back[0][0] <= now:
            t, s, i, k = heappop(back)
            heappush(desk, (-k, t, s, i))
        if desk:
            negk, ready, _, i = heappop(desk)
            k = -negk
        elif j < n_mine and ready0[mine[j]] <= now:
            i = mine[j]
            ready = ready0[i]
            j += 1
            k = 0
        else:   # idle until the next deal is ready
            t = min(ready0[mine[j]] if j < n_mine else inf, back[0][0] if back else inf)
            if t >= horizon:
                return
            now = t
            continue
        start = now
        h = work[k]
        end = start + dur[k]
        w = int(start)
        if end <= w + 1:
            hrs[w] += h
        else:
            _book(hrs, start, end, rate, horizon)
        if end >= horizon:
            current.append((i, k, ready, start, math.nan))
            return
        add((i, k, ready, start, end))
        now = end
        if k < fate[i]:
            k += 1
            if k == n_st:
                outcome[i] = 1
                closed[i] = end
            else:
                stage[i] = k
                seq += 1
                if waits is not None and waits[i][k] > 0:
                    t = end + waits[i][k]
                    if t < horizon:
                        heappush(back, (t, seq, i, k))
                else:
                    heappush(desk, (-k, end, seq, i))
        else:
            outcome[i] = 2
            closed[i] = end


_ARRIVE, _READY, _DONE = 0, 1, 2


def run_shared(sc, world, caps=None) -> dict:
    """The same model on one event heap shared by all reps; needed for least-loaded assignment.

    Events are ``(time, kind, x)``: lead ``x`` arrives, deal ``x`` is ready for its rep after a
    customer wait, or rep ``x`` finishes its visit. Slower than :func:`run`, and independent of it.
    """
    m = _Model(sc, world, caps)
    n, n_reps, horizon, n_st = m.n, m.n_reps, m.horizon, m.n_st
    work, fate, rates = m.work, m.fate, m.rates
    waits = world.waits.tolist() if world.waits is not None else None
    assignment = sc.team.assignment
    if assignment == "round_robin":
        owner = [i % n_reps for i in range(n)]
    elif assignment == "random":
        owner = world.random_reps.tolist()
    else:
        owner = [-1] * n
    least = assignment == "least_loaded"
    fifo = sc.team.work_order == "fifo"
    inv_hours = [1.0 / h for h in sc.team.hours()]   # load is relative to the rep's nominal hours

    stage, outcome, closed = [0] * n, [0] * n, [math.nan] * n
    hours = [[0.0] * horizon for _ in range(n_reps)]
    visits: list[float] = []
    desk: list = [deque() if fifo else [] for _ in range(n_reps)]   # ready deals: (deal, ready)
    busy: list = [None] * n_reps      # the visit in progress: (deal, stage, ready, start)
    load = [0.0] * n_reps             # hours of work queued or in progress, per rep
    seq = 0
    events = [(a, _ARRIVE, i) for i, a in enumerate(m.arrivals)]   # sorted: already a heap
    heapify(events)

    def start_next(r: int, now: float) -> None:
        if fifo:
            i, ready = desk[r].popleft()
        else:
            _, ready, _, i = heappop(desk[r])
        k = stage[i]
        end = now + work[k] / rates[r]
        _book(hours[r], now, end, rates[r], horizon)
        busy[r] = (i, k, ready, now)
        heappush(events, (end, _DONE, r))

    def ready_for_rep(i: int, now: float) -> None:
        nonlocal seq
        r = owner[i]
        if fifo:
            desk[r].append((i, now))
        else:
            seq += 1
            heappush(desk[r], (-stage[i], now, seq, i))
        load[r] += work[stage[i]]
        if busy[r] is None and rates[r] > 0:
            start_next(r, now)

    while events and events[0][0] < horizon:
        now, kind, x = heappop(events)
        if kind == _ARRIVE:
            if least:
                owner[x] = min(range(n_reps), key=lambda r: load[r] * inv_hours[r])
            if waits is not None and waits[x][0] > 0:
                heappush(events, (now + waits[x][0], _READY, x))
            else:
                ready_for_rep(x, now)
        elif kind == _READY:
            ready_for_rep(x, now)
        else:
            r = x
            i, k, ready, start = busy[r]
            busy[r] = None
            visits.extend((i, k, ready, start, now))
            load[r] -= work[k]
            if k < fate[i]:
                if k + 1 == n_st:
                    outcome[i], closed[i] = 1, now
                else:
                    stage[i] = k + 1
                    if waits is not None and waits[i][k + 1] > 0:
                        heappush(events, (now + waits[i][k + 1], _READY, i))
                    else:
                        ready_for_rep(i, now)
            else:
                outcome[i], closed[i] = 2, now
            if busy[r] is None and desk[r]:
                start_next(r, now)

    current = [(*b, math.nan) for b in busy if b is not None]
    return m.result(owner, stage, outcome, closed, hours, visits, current)
