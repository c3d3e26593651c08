"""The tidy deal table every part of :mod:`simlib.data.crm` shares (COURSE.md §2, §8): its columns, the
columns derived from them, its funnel stages, and its export in the CSV format.

One row per deal: ``deal_id, rep``, ``region, product`` (when known), ``created``, one ``<stage>_date``
column per funnel stage (the first equal to ``created``), ``closed``, ``outcome``, ``amount``,
``loss_reason``, then the derived ``stage, stage_index, cycle_days`` (:func:`tidy_table`) and any other
column of the file. ``df.attrs["stages"]`` lists the stages (:func:`stage_names`).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DAY",
    "LOSS_REASONS",
    "OPTIONAL_COLUMNS",
    "OUTCOMES",
    "REQUIRED_COLUMNS",
    "stage_names",
    "tidy_table",
    "to_csv",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("deal_id", "rep", "created", "closed", "outcome", "amount")
OPTIONAL_COLUMNS: tuple[str, ...] = ("region", "product", "loss_reason")
OUTCOMES: tuple[str, ...] = ("won", "lost", "open")
LOSS_REASONS: tuple[str, ...] = ("price", "timing", "competitor", "no_budget", "no_decision")
"""The catalogue of loss reasons simulated deals are given (COURSE.md §7 lists the objections behind
them: too expensive, need to think, current supplier is fine, no budget, decision-maker absent)."""
DAY = pd.Timedelta(days=1)
"""One day, the unit of every date in the table."""


def tidy_table(df: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Add the derived columns (``stage``, ``stage_index``, ``cycle_days``), put the columns in the
    table's order and record the stage list in ``df.attrs["stages"]``.

    A won deal passed every stage; a lost or open deal reached the last stage it has a date for.

    Args:
        df: the deal columns (``created``, ``<stage>_date`` for every stage, ``closed``, ``outcome``, ...).
        stages: the funnel's stage names, in order.

    Returns:
        ``df`` with the derived columns, reordered.
    """
    cols = [f"{s}_date" for s in stages]
    present = np.column_stack([df[c].notna().to_numpy() for c in cols])
    idx = len(cols) - 1 - np.argmax(present[:, ::-1], axis=1)
    idx = np.where(df["outcome"].to_numpy() == "won", len(cols) - 1, idx)
    df["stage"] = np.array(stages, dtype=object)[idx]
    df["stage_index"] = idx.astype(np.int64)
    df["cycle_days"] = (df["closed"] - df["created"]).dt.total_seconds().to_numpy() / 86400.0
    order = ("deal_id", "rep", "region", "product", "created", *cols, "closed", "outcome", "amount",
             "loss_reason", "stage", "stage_index", "cycle_days")
    front = [c for c in order if c in df.columns]
    df = df[front + [c for c in df.columns if c not in front]]
    df.attrs["stages"] = list(stages)
    return df


def stage_names(deals: pd.DataFrame) -> list[str]:
    """The funnel stages of a tidy deal table, in order: ``deals.attrs["stages"]``, or (when a pandas
    operation dropped the attrs) its ``<stage>_date`` columns in order.

        >>> stage_names(pd.DataFrame(columns=["deal_id", "lead_date", "proposal_date", "closed"]))
        ['lead', 'proposal']
    """
    st = deals.attrs.get("stages")
    if st and all(f"{s}_date" in deals.columns for s in st):
        return list(st)
    return [c[:-5] for c in deals.columns if isinstance(c, str) and c.endswith("_date")]


def to_csv(deals: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """Write a tidy deal table in the CSV format (UTF-8, dates as ``YYYY-MM-DD`` or with a time when
    they have one, the first stage's column left out — it is ``created`` — and derived columns
    dropped). Returns the text when ``path`` is None.

        >>> from simlib.data.crm import read_deals
        >>> deals = read_deals("deal_id,rep,created,closed,outcome,amount\\nD1,R01,2025-01-06,,open,100")
        >>> text = to_csv(deals)
        >>> print(text.strip())
        deal_id,rep,created,closed,outcome,amount,loss_reason
        D1,R01,2025-01-06,,open,100,
    """
    stages = stage_names(deals)
    drop = {f"{stages[0]}_date", "stage", "stage_index", "cycle_days"} if stages else {"stage", "stage_index",
                                                                                          "cycle_days"}
    out = deals[[c for c in deals.columns if c not in drop]].copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            ts = out[c]
            has_time = bool((ts.dropna() != ts.dropna().dt.normalize()).any())
            out[c] = ts.dt.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d").fillna("")
    if "amount" in out:
        a = out["amount"].to_numpy(dtype=float)
        out["amount"] = ["" if not math.isfinite(v) else str(int(v)) if float(v).is_integer() else f"{v:.2f}"
                         for v in a]
    text = out.to_csv(index=False, lineterminator="\n")
    if path is None:
        return text
    Path(path).write_text(text, encoding="utf-8")
    return None
