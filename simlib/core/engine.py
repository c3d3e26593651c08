"""The discrete-event core on SimPy: leads arrive, reps with limited hours work them through the funnel.

Semantics (CONTRACT §1), time in weeks:

* Leads arrive as a Poisson process (``leads.per_week``); each is owned by one rep, chosen by
  ``team.assignment`` (round-robin, least-loaded = least queued work relative to the rep's hours,
  or random).
* At each stage the deal first waits for the customer (exponential, mean ``wait_weeks``; 0 = none),
  then joins its rep's queue. The rep spends ``work_hours`` on it, then it advances with probability
  ``conversion`` or is lost; passing the last stage wins it.
* A rep works ``hours_per_week`` hours a week, spread evenly over the week, one deal at a time, in
  ``team.work_order`` (first-in-first-out, or later stages first). Work that does not fit in a week
  continues the next week. Deals still in progress at the horizon are ``open``.

Every random draw is made up front from its own stream (:mod:`simlib.base.rng`): arrival times, values,
one uniform per (lead, stage) for the conversion decision, one exponential per (lead, stage) for
the wait. Hours, work order and assignment change *when* things happen, never a lead's value or
its fate at a stage — common random numbers.

``benchmarks/reference.py`` implements the same semantics on a bare event heap; a test checks the two
give identical deals.
"""
from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np
import simpy

from simlib.base.rng import Streams
from simlib.core.people import active, draw_people, rep_conversions
from simlib.core.scenario import Scenario

__all__ = ["World", "draw_world", "run"]


class World:
    """Everything random about one run, drawn before the clock starts (common random numbers)."""

    __slots__ = ("arrivals", "people", "random_reps", "seed", "skills", "uniforms", "values", "waits")

    def __init__(self, arrivals, values, uniforms, waits, random_reps, seed, skills=None, people=None):
        self.arrivals, self.values, self.uniforms = arrivals, values, uniforms
        self.waits, self.random_reps, self.seed = waits, random_reps, seed
        self.skills = skills
        self.people = people      # team dynamics' draws (simlib.models.team.draw_people), when on


def draw_world(sc: Scenario, seed: int | None) -> World:
    """Draw arrivals, deal values, stage outcomes and waits for ``sc`` from ``seed``'s streams."""
    st = Streams(seed)
    horizon = sc.horizon_weeks
    n = int(st["arrivals"].poisson(sc.leads.per_week * horizon))
    arrivals = np.sort(st["arrivals"].uniform(0.0, horizon, n))
    dv = sc.funnel.deal_value
    if dv.cv > 0 and dv.mean > 0:
        sigma2 = math.log1p(dv.cv**2)
        values = st["values"].lognormal(math.log(dv.mean) - sigma2 / 2, math.sqrt(sigma2), n)
    else:
        values = np.full(n, float(dv.mean))
    n_st = len(sc.funnel.stages)
    uniforms = st["conversion"].random((n, n_st))
    means = np.array([s.wait_weeks for s in sc.funnel.stages])
    waits = st["waits"].exponential(1.0, (n, n_st)) * means if means.any() else None
    reps = len(sc.team.reps)
    random_reps = st["assignment"].integers(0, reps, n) if sc.team.assignment == "random" else None
    skills = np.array([r.skill for r in sc.team.reps], float)
    if sc.team.skill_cv > 0:   # the team's spread of skill: lognormal with mean 1, from its own stream
        s2 = math.log1p(sc.team.skill_cv**2)
        skills = skills * st["team"].lognormal(-s2 / 2, math.sqrt(s2), reps)
    people = draw_people(sc, st["people"]) if active(sc) else None
    return World(arrivals, values, uniforms, waits, random_reps, st.seed, skills, people)


def run(sc: Scenario, world: World, caps: np.ndarray | None = None, policy=None, people=None) -> dict:
    """Simulate ``sc`` in ``world``; returns the raw arrays :class:`simlib.core.results.SimResult` wraps.

    Args:
        caps: optional ``(reps, weeks)`` array of selling hours per rep and week (defaults to each
            rep's ``hours_per_week``); behaviour models and absences change it.
        policy: optional :class:`simlib.models.policy.PlanPolicy`: at the start of each week it sets every
            rep's hours for the week and names deals the rep pulls in; when a deal is won it says
            when the deal is booked (now, or pushed to the next period).
        people: optional :class:`simlib.models.team.TeamDynamics`: at the start of each week, before the
            policy, it sets each seat's hours (0 while vacant; less for mentors, trainees, reps on a
            PIP) and its stage conversions for the week (ramp, training, role). A deal's fate at a
            stage is then decided with its seat's conversion when the stage's work starts (the
            deal's own uniform for the stage, as without people). With a policy too, the policy's
            effort scales the hours the people hook gives.
    """
    horizon = sc.horizon_weeks
    n_reps = len(sc.team.reps)
    stages = sc.funnel.stages
    n_st = len(stages)
    work = [s.work_hours for s in stages]
    if caps is None:
        caps = np.repeat(np.asarray(sc.team.hours(), float)[:, None], horizon, axis=1)
    cap_rows = caps.tolist()
    # a rep with no hours at all takes the week-by-week path, which skips weeks without hours
    const_cap = [row[0] if min(row) == max(row) and row[0] > 0 else None for row in cap_rows]
    if policy is not None or people is not None:
        const_cap = [None] * n_reps   # hours are decided week by week
    dyn = people is not None          # stage fates decided when the work starts, by the seat's skill then
    conv_now = people.conv if dyn else None
    uni = world.uniforms.tolist() if dyn else None

    arrivals = world.arrivals.tolist()
    n = len(arrivals)
    # a lead's fate, decided by its uniforms: it passes stage k iff k < fate[i] (the first stage
    # whose uniform is not below the conversion rate), so the hot loop compares two ints
    skills = world.skills if world.skills is not None else np.ones(n_reps)
    skilled = bool(np.any(skills != 1.0))
    if skilled:
        conv_r = rep_conversions(sc, skills)
    passes = world.uniforms < np.array([s.conversion for s in stages])
    fate = np.hstack([passes, np.zeros((n, 1), dtype=bool)]).argmin(axis=1).tolist()
    later_waits = world.waits is not None and any(s.wait_weeks > 0 for s in stages[1:])
    least = sc.team.assignment == "least_loaded"
    # waits are looked up one by one only after the first stage, or on arrival when least-loaded
    waits = world.waits.tolist() if later_waits or (least and world.waits is not None) else None

    # who owns each lead; leads' first-stage "ready" times (arrival + customer wait)
    assignment = sc.team.assignment
    if assignment == "round_robin":
        owner = [i % n_reps for i in range(n)]
    elif assignment == "random":
        owner = world.random_reps.tolist()
    else:
        owner = [0] * n
    if skilled and assignment != "least_loaded" and n:
        passes = world.uniforms < conv_r[np.asarray(owner)]
        fate = np.hstack([passes, np.zeros((n, 1), dtype=bool)]).argmin(axis=1).tolist()
    ready0_arr = world.arrivals + world.waits[:, 0] if world.waits is not None else world.arrivals
    ready0 = ready0_arr.tolist() if world.waits is not None else arrivals

    stage = [0] * n
    outcome = [0] * n            # 0 open, 1 won, 2 lost
    closed = [math.nan] * n
    ready_at = [0.0] * n
    hours = [[0.0] * horizon for _ in range(n_reps)]
    visits: list[float] = []     # (deal, stage, ready, start, end) for each finished visit, flat
    current: list = [None] * n_reps
    waiting: list[set] | None = [set() for _ in range(n_reps)] if policy is not None else None
    # with a policy, each rep splits its week between prospecting (new leads, stage 0) and advancing
    # deals: ``prospect[r]`` is the share of the week's hours it gives new leads while deals wait
    split = policy is not None or dyn
    leads_q: list[deque] = [deque() for _ in range(n_reps)]
    prospect: list = [None] * n_reps   # None: the scenario's work order; else (share, more)

    def take_lead(r: int, q, lq, spent: float, cap: float) -> bool:
        """Whether rep r, with deals and new leads waiting, takes a new lead next."""
        base = fifo and ready_at[lq[0]] <= ready_at[q[0]]   # the scenario's work order
        p = prospect[r]
        if p is None:
            return base
        share, more = p
        under = spent < share * cap
        return under if more else (under and base)
    lead_hours = [[0.0] * horizon for _ in range(n_reps)]
    rushed: set[int] = set()       # deals a rep pulled in: the customer no longer takes its time

    env = simpy.Environment()
    timeout = env.timeout
    fifo = sc.team.work_order == "fifo"
    queues: list = [deque() if fifo else [] for _ in range(n_reps)]
    wake: list = [None] * n_reps   # an untriggered event while the rep is idle, else None
    load = [0.0] * n_reps          # queued + in-progress hours, for least-loaded assignment
    inv_cap = [1.0 / h for h in sc.team.hours()]
    seq = [0]

    # Leads not yet on a rep's desk, per rep, in order of their ready time. With least-loaded
    # assignment the owner is decided on arrival, so leads are handed over by an arrival process.
    pending: list[list[int]] = [[] for _ in range(n_reps)]
    if not least and n:
        # by rep, then ready time; stable, so lead index breaks ties
        own = np.asarray(owner)
        order = np.lexsort((ready0_arr, own)) if world.waits is not None else np.argsort(own, kind="stable")
        cuts = np.searchsorted(own[order], np.arange(n_reps + 1)).tolist()
        order = order.tolist()
        pending = [order[cuts[r]:cuts[r + 1]] for r in range(n_reps)]
    nxt = [0] * n_reps

    def push(r: int, i: int, t: float) -> None:
        ready_at[i] = t
        if split and stage[i] == 0:        # a rep that plans its week keeps new leads apart
            leads_q[r].append(i)
            if least:
                load[r] += work[0]
            return
        if fifo:
            queues[r].append(i)
        else:
            seq[0] += 1
            heapq.heappush(queues[r], (-stage[i], t, seq[0], i))
        if least:
            load[r] += work[stage[i]]

    def pull(r: int, now: float) -> None:
        """Put rep r's leads that became ready by ``now`` on the desk, oldest first."""
        pend = pending[r]
        j = nxt[r]
        m = len(pend)
        while j < m and ready0[pend[j]] <= now:
            i = pend[j]
            push(r, i, ready0[i])
            j += 1
        nxt[r] = j

    def poke(r: int) -> None:
        ev = wake[r]
        if ev is not None:
            wake[r] = None
            ev.succeed()

    def after_wait(ev) -> None:
        i = ev.value
        r = owner[i]
        if waiting is not None:
            if i not in waiting[r]:       # pulled in while the customer was deciding: on the desk
                return
            waiting[r].discard(i)
        now = env.now
        pull(r, now)
        push(r, i, now)
        poke(r)

    def rep_process(r: int):
        q = queues[r]
        lq = leads_q[r]
        lh = lead_hours[r]
        row = cap_rows[r]
        hrs = hours[r]
        cc = const_cap[r]
        pend = pending[r]
        m = len(pend)
        add_visit = visits.extend
        now = 0.0
        while True:
            j = nxt[r]
            if j < m and ready0[pend[j]] <= now:
                pull(r, now)
            while not q and not lq:
                j = nxt[r]
                upcoming = ready0[pend[j]] if j < m else math.inf
                if simple:
                    if upcoming >= horizon:
                        return
                    yield timeout(upcoming - now)
                else:
                    ev = wake[r] = env.event()
                    if upcoming < horizon:
                        timeout(upcoming - now).callbacks.append(lambda _e, r=r: poke(r))
                    yield ev
                now = env.now
                pull(r, now)
            if cc is None and row[int(now)] <= 0:
                # no selling hours this week: pick up work when the next week with hours begins
                w = int(now) + 1
                while w < horizon and row[w] <= 0:
                    w += 1
                if w >= horizon:
                    return
                yield timeout(w - now)
                now = env.now
                continue
            if lq and (not q or take_lead(r, q, lq, lh[int(now)], row[int(now)])):
                i = lq.popleft()
                lh[int(now)] += work[0]
            else:
                i = q.popleft() if fifo else heapq.heappop(q)[3]
            k = stage[i]
            h = work[k]
            start = now
            if dyn:
                pk = conv_now[r][k]
            current[r] = (i, k, ready_at[i], start)
            # spend h hours at the rep's weekly rate; work that does not fit runs into next week
            if cc is not None:
                d = h / cc
                end = start + d
                w = int(start)
                if end <= w + 1:
                    hrs[w] += h
                else:
                    _spread(hrs, start, end, cc, horizon)
                yield timeout(d)
                now = end            # SimPy's clock is now + delay: the same float
            else:
                t = start
                while h > 1e-12:
                    w = int(t)
                    rate = row[w]
                    span = w + 1 - t
                    if rate * span >= h:
                        hrs[w] += h
                        yield timeout(h / rate)
                        break
                    hrs[w] += rate * span
                    h -= rate * span
                    yield timeout(span)
                    t = env.now
                now = env.now
            current[r] = None
            add_visit((i, k, ready_at[i], start, now))
            if least:
                load[r] -= work[k]
            if (uni[i][k] < pk) if dyn else (k < fate[i]):
                k += 1
                if k == n_st:
                    if policy is None:
                        outcome[i] = 1
                        closed[i] = now
                    else:
                        book(i, r, now)
                    if dyn and outcome[i] == 1:
                        people.won(r, closed[i], i)
                else:
                    stage[i] = k
                    if waits is not None and waits[i][k] > 0 and i not in rushed:
                        timeout(waits[i][k], i).callbacks.append(after_wait)
                        if waiting is not None:
                            waiting[r].add(i)
                    else:
                        j = nxt[r]
                        if j < m and ready0[pend[j]] <= now:
                            pull(r, now)
                        ready_at[i] = now
                        if fifo:
                            q.append(i)
                            if least:
                                load[r] += work[k]
                        else:
                            push(r, i, now)
            else:
                outcome[i] = 2
                closed[i] = now

    def solo_rep(r: int):
        """``rep_process`` for the common case where nothing but the rep fills its desk (no customer
        waits after the first stage, no least-loaded hand-outs) and its hours are constant.

        The same decisions at the same instants, with one SimPy event per visit and less Python
        between events. New leads stay in ``pending`` (sorted by ready time) until the rep takes
        one, and the desk holds only deals back for a later stage: under FIFO the next deal is the
        earlier-ready of the two heads (the new lead on a tie, as ``pull`` would have put it on the
        desk first); under late-stage-first any deal back beats a new lead. An idle rep's wait for
        its next lead and the work on it are one timeout, unless SimPy's clock (``now + delay``)
        would not land exactly on the lead's ready time and the work's end; then it waits alone, as
        ``rep_process`` does. A visit that cannot end before the horizon (where ``env.run`` stops
        before any other event) is left in progress, and the rep stops.
        """
        pend = pending[r]
        m = len(pend)
        j = 0
        hrs = hours[r]
        cc = const_cap[r]
        dur = [h / cc for h in work]
        back: deque | list = deque() if fifo else []   # fifo: in order; else heap (-stage, ready, seq, deal)
        seq = 0
        add_visit = visits.extend
        now = 0.0
        while True:
            if fifo:
                if back:
                    i = back[0]
                    if j < m and ready0[pend[j]] <= ready_at[i]:
                        i = pend[j]
                        j += 1
                        k = 0
                        ready = ready0[i]
                    else:
                        back.popleft()
                        k = stage[i]
                        ready = ready_at[i]
                elif j < m and ready0[pend[j]] <= now:
                    i = pend[j]
                    j += 1
                    k = 0
                    ready = ready0[i]
                else:
                    i = -1
            elif back:
                _, ready, _, i = heapq.heappop(back)
                k = stage[i]
            elif j < m and ready0[pend[j]] <= now:
                i = pend[j]
                j += 1
                k = 0
                ready = ready0[i]
            else:
                i = -1
            start = now
            if i < 0:   # nothing on the desk: wait for the next new lead
                if j == m or ready0[pend[j]] >= horizon:
                    return
                t = ready0[pend[j]]
                if now + (t - now) != t or now + (t + dur[0] - now) != t + dur[0]:
                    # the clock would not land exactly on t, or on the end of the work: wait alone
                    yield timeout(t - now)
                    now = env.now
                    continue
                # wait and work in one timeout: the rep takes the lead the moment it is ready
                i = pend[j]
                j += 1
                k = 0
                ready = start = t
            h = work[k]
            end = start + dur[k]
            w = int(start)
            if end <= w + 1:
                hrs[w] += h
            else:
                _spread(hrs, start, end, cc, horizon)
            if end >= horizon:   # SimPy stops first: the visit is in progress at the horizon
                current[r] = (i, k, ready, start)
                return
            yield timeout(dur[k] if start == now else end - now)   # SimPy's clock lands on end
            now = end
            add_visit((i, k, ready, start, now))
            if k < fate[i]:
                k += 1
                if k == n_st:
                    outcome[i] = 1
                    closed[i] = now
                else:
                    stage[i] = k
                    if fifo:
                        ready_at[i] = now
                        back.append(i)
                    else:
                        seq += 1
                        heapq.heappush(back, (-k, now, seq, i))
            else:
                outcome[i] = 2
                closed[i] = now

    def arrival_process():
        """Least-loaded only: on arrival, hand the lead to the rep with the least queued work."""
        last = 0.0
        for i, a in enumerate(arrivals):
            yield timeout(a - last)
            last = a
            r = owner[i] = min(range(n_reps), key=lambda r: load[r] * inv_cap[r])
            if skilled:
                row_u, row_p = world.uniforms[i], conv_r[r]
                fate[i] = next((k for k in range(n_st) if row_u[k] >= row_p[k]), n_st)
            if waits is not None and waits[i][0] > 0:
                timeout(waits[i][0], i).callbacks.append(after_wait)
            else:
                push(r, i, a)
                poke(r)

    pushed = [False] * n

    def book(i: int, r: int, now: float) -> None:
        """A won deal is booked when the rep's policy says: now, or at the next period's start."""
        when = policy.on_win(i, r, now)
        if when < horizon:
            outcome[i] = 1
            closed[i] = when
        pushed[i] = when > now

    def weekly():
        """Each week, before any rep works in it: the people hook sets seats' hours and skills, the
        policy scales the hours by effort and reps pull deals in."""
        for w in range(horizon):
            if w:
                yield timeout(1.0)
            now = env.now
            if dyn:
                hours_w = people.begin_week(w, [row[w] for row in cap_rows])
            for r in range(n_reps):
                if policy is None:     # people only
                    cap_rows[r][w], prospect[r] = hours_w[r], people.prospect[r]
                    if least:
                        inv_cap[r] = 1.0 / cap_rows[r][w] if cap_rows[r][w] > 0 else 1e9
                    continue
                q = queues[r]
                desk = list(q) if fifo else [e[3] for e in q]
                if current[r] is not None:
                    desk.append(current[r][0])
                # deals waiting on the customer are the rep's too
                cap_rows[r][w], pulls, prospect[r] = policy.begin_week(w, r, desk, sorted(waiting[r]), stage, now)
                if dyn:   # effort (hours ÷ normal hours) scales the hours the seat has this week
                    base_r = policy.base[r]
                    cap_rows[r][w] = hours_w[r] * (cap_rows[r][w] / base_r) if base_r > 0 else 0.0
                    if prospect[r] is None:
                        prospect[r] = people.prospect[r]
                if least:
                    inv_cap[r] = 1.0 / cap_rows[r][w] if cap_rows[r][w] > 0 else 1e9
                for i in pulls:
                    # the customer agrees to decide now: no more waiting on them, but the rep still
                    # does the remaining work, and the deal can still be lost (its own fate)
                    if i in rushed:
                        continue
                    rushed.add(i)
                    if i in waiting[r]:
                        waiting[r].discard(i)
                        push(r, i, now)
                        poke(r)

    simple = not later_waits and not least and policy is None and not dyn   # nothing but a rep fills its desk
    if policy is not None or dyn:
        env.process(weekly())
    for r in range(n_reps):
        env.process(solo_rep(r) if simple and const_cap[r] is not None else rep_process(r))
    if least:
        env.process(arrival_process())
    env.run(until=horizon)

    for c in current:
        if c is not None:
            visits.extend((*c, math.nan))
    v = np.array(visits, dtype=float).reshape(-1, 5)
    return {
        "owner": np.asarray(owner, dtype=np.int64), "stage": np.asarray(stage, dtype=np.int64),
        "outcome": np.asarray(outcome, dtype=np.int8), "closed": np.asarray(closed, dtype=float),
        "hours": np.asarray(hours, dtype=float), "caps": np.asarray(cap_rows, dtype=float),
        "visits": (v[:, 0].astype(np.int64), v[:, 1].astype(np.int64), v[:, 2], v[:, 3], v[:, 4]),
        "pushed": np.asarray(pushed, dtype=bool), "skills": np.asarray(skills, dtype=float),
        "lead_hours": np.asarray(lead_hours, dtype=float) if split else None,
        "people": people,
    }


def _spread(hrs: list[float], t0: float, t1: float, rate: float, horizon: int) -> None:
    """Book ``rate`` hours per week of work done over ``[t0, t1)`` into week bins, up to the horizon."""
    w = int(t0)
    while t0 < t1 and w < horizon:
        end = min(t1, w + 1.0)
        hrs[w] += (end - t0) * rate
        t0 = end
        w += 1
