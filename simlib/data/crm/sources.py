"""Where a tidy deal table comes from (COURSE.md §8): :func:`deal_table` takes whatever the caller holds —
a table already read, a simulation result, or anything :func:`~simlib.data.crm.reading.read_deals`
takes — and :func:`snapshot` gives the table as the CRM showed it on a given day, a backtest's input.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from simlib.data.crm.reading import read_deals
from simlib.data.crm.synthesis import deals_from_result
from simlib.data.crm.table import DAY, stage_names, tidy_table

__all__ = ["deal_table", "snapshot"]


def deal_table(deals: Any) -> pd.DataFrame:
    """A validated tidy table: one already read (attrs or stage columns present), the deals of a
    :class:`simlib.SimResult` (:func:`~simlib.data.crm.synthesis.deals_from_result`), or anything
    :func:`~simlib.data.crm.reading.read_deals` takes.

        >>> d = deal_table("deal_id,rep,created,closed,outcome,amount\\nD1,R01,2025-01-06,,open,100")
        >>> deal_table(d) is d
        True
    """
    derived = {"stage_index", "outcome", "created", "closed"}
    if isinstance(deals, pd.DataFrame) and derived <= set(deals.columns):
        return deals
    if hasattr(deals, "scenario") and hasattr(deals, "visits"):
        return deals_from_result(deals)
    return read_deals(deals)


def snapshot(deals: Any, asof: Any) -> pd.DataFrame:
    """The deal table as the CRM showed it at the end of day ``asof``: deals created later are left
    out, stage and closed dates after it are cleared, and a deal closed after it is open again (its
    loss reason cleared). A backtest's input: forecast from the snapshot, compare with what happened.

        >>> d = read_deals("deal_id,rep,created,proposal_date,closed,outcome,amount\\n"
        ...                "1,A,2025-01-01,2025-01-05,2025-01-15,won,10\\n2,A,2025-01-09,,,open,5")
        >>> s = snapshot(d, "2025-01-07")
        >>> s[["deal_id", "stage", "outcome"]].values.tolist(), bool(s["closed"].isna().all())
        ([['1', 'proposal', 'open']], True)
    """
    df = deal_table(deals)
    stages = stage_names(df)
    cut = pd.Timestamp(asof).normalize() + DAY
    out = df[df["created"] < cut].copy()
    for c in [f"{s}_date" for s in stages[1:]] + ["closed"]:
        out[c] = out[c].where(out[c] < cut)
    reopened = out["closed"].isna() & (out["outcome"] != "open")
    out.loc[reopened, "outcome"] = "open"
    out.loc[reopened, "loss_reason"] = ""
    extra = [c for c in ("stage", "stage_index", "cycle_days") if c in out.columns]
    return tidy_table(out.drop(columns=extra).reset_index(drop=True), stages)
