"""A simulation's deals as a CRM deal table (COURSE.md §2, §8): the same tidy table
:func:`~simlib.data.crm.reading.read_deals` makes of a real export, so every dashboard and the
calibration read simulated and real deals alike.

The dates come from the run (a week of the run is seven days from a start date); what a simulation does
not model — product lines, regions, why a lost deal was lost — is made up reproducibly from the run's
seed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.rng import Streams
from simlib.data.crm.table import LOSS_REASONS, tidy_table

__all__ = ["deals_from_result"]

#: loss-reason weights early in the funnel and at its end (interpolated by stage position): early
#: leads fall away for budget and timing, late deals over price and to competitors.
_REASON_EARLY = np.array([0.10, 0.25, 0.10, 0.35, 0.20])
_REASON_LATE = np.array([0.40, 0.10, 0.30, 0.05, 0.15])


def deals_from_result(res: Any, start: date | str = date(2025, 1, 6), *,
                      regions: Sequence[str] | None = None,
                      products: Sequence[str] | Mapping[str, float] | None = None,
                      loss_reasons: bool = True) -> pd.DataFrame:
    """A simulation's deals as a tidy CRM deal table, the one a CRM export is read into.

    Week ``w`` of the run (``res.deals``/``res.visits`` times, in weeks from the start) becomes the
    date ``start + 7·w days``, cut to the day. A deal enters the first stage when created, and each
    later stage when its rep finished the stage before it (``res.visits.finished_at``) and the
    customer said yes; ``closed`` is when it was won or lost. ``amount`` is the booked value of a won
    deal (after any discount) and the value a lost or open deal would have had, to the yuan.

    Products and loss reasons are drawn from the ``crm`` stream of the run's seed
    (:class:`simlib.base.rng.Streams`): the same run gives the same table, and the run's own draws are
    untouched.

    Args:
        res: a :class:`simlib.SimResult`.
        start: the date of the run's first day (default Monday 6 January 2025).
        regions: region names given to the reps in turn (rep 1 the first, …): a ``region`` column.
        products: product lines (names, or ``{name: share}``) drawn for each deal: a ``product`` column.
        loss_reasons: give each lost deal a reason from :data:`LOSS_REASONS`, drawn with stage-dependent
            weights (budget and timing early, price and competitors late). False leaves them empty.

    Returns:
        The tidy deal table (:mod:`simlib.data.crm.table`), with deal ids ``D00001``, ``D00002``, ...

        >>> import simlib
        >>> from simlib.data.crm import stage_names
        >>> res = simlib.simulate("scenarios/funnel_basics.yaml", seed=3)
        >>> d = deals_from_result(res)
        >>> len(d) == res.summary()["leads"], stage_names(d)
        (True, ['lead', 'opportunity', 'proposal', 'negotiation'])
        >>> d.equals(deals_from_result(res)), sorted(d.loc[d.outcome == "lost", "loss_reason"].unique())
        (True, ['competitor', 'no_budget', 'no_decision', 'price', 'timing'])
    """
    sc = res.scenario
    stages = list(sc.stage_names)
    n_st = len(stages)
    raw = res.deals
    vis = res.visits
    n = len(raw)
    t0 = pd.Timestamp(start).normalize()

    def to_date(weeks: np.ndarray) -> np.ndarray:
        return (t0 + pd.to_timedelta(np.asarray(weeks, float) * 7.0, unit="D")).floor("D").to_numpy()

    idx = raw["stage_index"].to_numpy()
    entry = np.full((n, n_st), np.nan)
    entry[:, 0] = raw["created_at"].to_numpy()
    if len(vis):
        d = vis["deal_id"].to_numpy() - 1
        k = pd.Index(stages).get_indexer(vis["stage"].to_numpy())
        fin = vis["finished_at"].to_numpy()
        ok = ~np.isnan(fin) & (k + 1 < n_st) & (idx[d] > k)
        entry[d[ok], k[ok] + 1] = fin[ok]
    outcome = raw["outcome"].to_numpy(object)
    won = outcome == "won"
    amount = np.round(np.where(won, raw["value"].to_numpy(), raw["potential_value"].to_numpy()), 0)
    out: dict[str, Any] = {"deal_id": np.array([f"D{i:05d}" for i in range(1, n + 1)], dtype=object),
                           "rep": raw["rep"].to_numpy(object)}
    rng = Streams(int(res.seed))["crm"]
    if regions:
        names = [r.name for r in sc.team.reps]
        where = {name: str(regions[i % len(regions)]) for i, name in enumerate(names)}
        out["region"] = np.array([where[r] for r in out["rep"]], dtype=object)
    if products:
        if isinstance(products, Mapping):
            keys = [str(k) for k in products]
            p = np.array([float(v) for v in products.values()])
        else:
            keys = [str(k) for k in products]
            p = np.ones(len(keys))
        out["product"] = np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]
    out["created"] = to_date(entry[:, 0])
    for j, s in enumerate(stages):
        out[f"{s}_date"] = to_date(entry[:, j]) if j else out["created"]
    out["closed"] = to_date(raw["closed_at"].to_numpy())
    out["outcome"] = outcome
    out["amount"] = amount
    reasons = np.full(n, "", dtype=object)
    if loss_reasons:
        lost = np.flatnonzero(outcome == "lost")
        pos = idx[lost] / max(n_st - 1, 1)
        w = (1 - pos)[:, None] * _REASON_EARLY + pos[:, None] * _REASON_LATE
        u = rng.random(len(lost))
        pick = (np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True) < u[:, None]).sum(axis=1)
        reasons[lost] = np.array(LOSS_REASONS, dtype=object)[np.minimum(pick, len(LOSS_REASONS) - 1)]
    out["loss_reason"] = reasons
    return tidy_table(pd.DataFrame(out), stages)
