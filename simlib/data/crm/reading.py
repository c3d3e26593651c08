"""Reading a CRM deal table (COURSE.md §2, §8): the CSV format, and :func:`read_deals`, the import that
validates it and names every problem by row and column.

The file arrives through :mod:`~simlib.data.crm.files`, its headers are named through
:mod:`~simlib.data.crm.aliases`, its cells read by :mod:`~simlib.data.crm.cells`; the result is the tidy
table of :mod:`~simlib.data.crm.table`.

The CSV format
--------------
UTF-8 text (with or without a byte-order mark; a Chinese Excel's GB18030 or Big5 export is also
recognised, and an ``.xlsx`` workbook is read when openpyxl is installed), comma-separated (``;`` and
tab are detected too), a header row, then **one row per deal**:

============== ========= =============================================================================
column         required  content
============== ========= =============================================================================
deal_id        yes       the deal's identifier, unique in the file (text)
rep            yes       the sales rep who owns the deal (text)
region         no        e.g. East / South (text; the attainment board splits by it when present)
product        no        product line (text; likewise)
created        yes       the date the deal was created — it enters the funnel's first stage
<stage>_date   no        one column per later stage, in funnel order (``opportunity_date``,
                         ``proposal_date``, ``negotiation_date``): the date the deal entered that
                         stage, empty if it never did
closed         yes       the date the deal was won or lost; empty while it is open
outcome        yes       ``won``, ``lost`` or ``open``
amount         yes       the deal's value in yuan, ≥ 0 (``50000``, ``50,000``, ``¥50,000`` and
                         ``50000元`` all read as 50000); may be empty for a lost or open deal
loss_reason    no        why a lost deal was lost: free text, or one of the catalogue codes
                         ``price, timing, competitor, no_budget, no_decision`` (shown translated)
============== ========= =============================================================================

Dates are written year first — ``2025-01-06``, ``2025/1/6``, ``2025.01.06``, ``2025年1月6日`` —
optionally with a time (``2025-01-06 14:30``). A day-first date such as ``06/01/2025`` is refused
rather than guessed. Header names ignore case and surrounding blanks, and Chinese headers are
accepted (:data:`COLUMN_ALIASES`): ``商機編號``/``商机编号`` (deal_id), ``業務員``/``业务员``/``銷售``/
``负责人`` (rep), ``區域``/``区域`` (region), ``產品``/``产品`` (product), ``建立日期``/``创建日期``
(created), ``結案日期``/``结案日期`` (closed), ``結果``/``结果`` (outcome), ``金額``/``金额`` (amount),
``丟單原因``/``丢单原因`` (loss_reason); a stage column may also be named ``<stage>日期``. Outcomes
may be written ``贏單/赢单/成交`` (won), ``輸單/输单/丟單/丢单`` (lost), ``進行中/进行中`` (open).

**Stages.** The stage names are the ``<stage>_date`` columns, in file order, after a first stage that
every deal enters on ``created`` and that is called ``first_stage`` (``"lead"``); give ``stages=`` (a
scenario or a list of names) to name them all instead — the file must then have a date column for
every stage after the first. A ``<first stage>_date`` column, if the file has one, is read as the
first stage's date (empty cells take ``created``). Other columns (``customer``, notes) are kept.

A won deal passed every stage; a lost or open deal reached the last stage it has a date for. A
skipped stage (a later date present, an earlier one empty) counts as passed, its dwell time unknown.

**Validation.** Every problem becomes a :class:`simlib.ScenarioError` whose issues name the row as a
spreadsheet shows it (the header is row 1, the first deal row 2) and the column — ``Issue.path`` is
``"<column>:<row>"`` (``"amount:5"``) and ``Issue.params`` holds ``row`` and ``column``: a missing
column, an unreadable date, a negative or non-numeric amount, an outcome other than won/lost/open,
stage dates out of order, closed before created, a closed date on an open deal (or none on a closed
one), a repeated deal_id. Up to :data:`MAX_ISSUES` problems are listed, then how many more there are::

    >>> bad = ("deal_id,rep,created,closed,outcome,amount\\n"
    ...        "D1,R01,2025-01-06,,open,-5\\nD1,R02,2025-13-01,,maybe,10")
    >>> try:
    ...     read_deals(bad)
    ... except ScenarioError as err:
    ...     print(err.message("en"))
    Row 2, column amount: the amount must be 0 or more; got -5.
    Row 3, column deal_id: 'D1' is already used in row 2; each deal needs its own deal_id.
    Row 3, column created: '2025-13-01' is not a date; write it year first, e.g. 2025-01-06.
    Row 3, column outcome: must be won, lost or open; got 'maybe'.

A good table::

    >>> from simlib.data.crm import stage_names
    >>> ok = ("deal_id,rep,created,opportunity_date,closed,outcome,amount\\n"
    ...       "D1,R01,2025-01-06,2025-01-08,2025-01-20,won,50000\\nD2,R02,2025-01-07,,2025-01-09,lost,\\n")
    >>> df = read_deals(ok)
    >>> stage_names(df), df["stage"].tolist(), df["cycle_days"].tolist()
    (['lead', 'opportunity'], ['opportunity', 'lead'], [14.0, 2.0])

Messages come from ``simlib/locales/crm.<lang>.yaml`` (繁體中文, 简体中文, English).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number
from simlib.base.schema import Issue, ScenarioError
from simlib.data.crm.aliases import OUTCOME_ALIASES, canonical_column
from simlib.data.crm.cells import amount_column, blank_cells, date_column, text_column
from simlib.data.crm.files import raw_table
from simlib.data.crm.table import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, tidy_table

__all__ = ["MAX_ISSUES", "read_deals"]

MAX_ISSUES = 20
"""The most row problems one error lists; then it says how many more there are."""


# ---------------------------------------------------------------------------------------------
# Issues
# ---------------------------------------------------------------------------------------------
def _show(v: Any) -> str:
    s = str(v)
    return repr(s if len(s) <= 40 else s[:37] + "...")


def _day(ts: Any) -> str:
    if ts is None or pd.isna(ts):
        return ""
    ts = pd.Timestamp(ts)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")


class _Problems:
    """Row problems as ``(row position, column position, Issue)``; the first MAX_ISSUES are reported."""

    def __init__(self, rows: np.ndarray, columns: list[str]):
        self.rows = rows                     # spreadsheet row number of each table row
        self.col_pos = {c: i for i, c in enumerate(columns)}
        self.items: list[tuple[int, int, Issue]] = []
        self.count = 0

    def add(self, mask: np.ndarray, column: str, code: str, params=None) -> None:
        """One issue per True in ``mask`` at ``column``; ``params(i)`` gives each issue's details."""
        idx = np.flatnonzero(mask)
        self.count += len(idx)
        for i in idx[:MAX_ISSUES + 1]:
            row = int(self.rows[i])
            extra = params(int(i)) if params is not None else {}
            self.items.append((row, self.col_pos.get(column, 99),
                               Issue(f"{column}:{row}", code, {"row": row, "column": column, **extra})))

    def raise_if_any(self, source: str | None) -> None:
        if not self.items:
            return
        items = sorted(self.items, key=lambda x: (x[0], x[1]))[:MAX_ISSUES]
        issues = [i for _, _, i in items]
        if self.count > len(issues):
            issues.append(Issue("", "crm_more", {"count": self.count - len(issues)}))
        raise ScenarioError(issues, source)


def _stage_list(stages: Any) -> list[str] | None:
    if stages is None:
        return None
    if hasattr(stages, "stage_names"):
        return list(stages.stage_names)
    names = [str(s) for s in stages]
    if not names or len(set(names)) != len(names):
        raise ScenarioError.at("stages", "crm_stages", input=", ".join(names))
    return names


# ---------------------------------------------------------------------------------------------
# read_deals
# ---------------------------------------------------------------------------------------------
def read_deals(source: Any, *, stages: Any = None, first_stage: str = "lead") -> pd.DataFrame:
    """Read and validate a CRM deal table (the format in the module docstring).

    Args:
        source: a file path, CSV text (``str`` holding a line break or a comma), ``bytes`` of a CSV
            (or ``.xlsx``) file, a file-like object (an upload), a list of records or a DataFrame (its
            rows are numbered as in a spreadsheet too: the first row of data is row 2).
        stages: the funnel's stages (a :class:`simlib.Scenario` or a list of names): the file must
            then have a ``<stage>_date`` column for every stage after the first.
        first_stage: the first stage's name when ``stages`` is not given.

    Returns:
        The tidy deal table, one row per deal: ``deal_id, rep`` (text), ``region, product`` (when the
        file has them), ``created``, one ``<stage>_date`` column per stage — the first equal to
        ``created`` — and ``closed`` (timestamps, NaT when empty), ``outcome`` (won/lost/open),
        ``amount`` (float yuan, NaN when empty), ``loss_reason`` ('' when none), ``stage`` (the
        furthest stage reached; the last for a won deal), ``stage_index`` (0-based), ``cycle_days``
        (closed − created in days, NaN while open), then any other columns of the file as text.
        ``df.attrs["stages"]`` lists the stages (:func:`stage_names`).

    Raises:
        ScenarioError: every problem found, each naming its row and column (see the module docstring).
    """
    df, origin = raw_table(source)
    stage_list = _stage_list(stages)
    first = stage_list[0] if stage_list else str(first_stage)
    # -- columns ------------------------------------------------------------------------------
    names = [canonical_column(c) for c in df.columns]
    seen: dict[str, str] = {}
    issues: list[Issue] = []
    for raw, name in zip(df.columns, names, strict=True):
        if name in seen:
            issues.append(Issue(name, "crm_duplicate_column", {"column": name, "first": str(seen[name]),
                                                               "second": str(raw)}))
        seen.setdefault(name, raw)
    if issues:
        raise ScenarioError(issues, origin)
    df.columns = names
    have = ", ".join(str(c) for c in df.columns)
    date_cols = [c for c in names if isinstance(c, str) and c.endswith("_date")]
    if stage_list is None:
        later = [c[:-5] for c in date_cols if c[:-5] != first]
        stage_list = [first, *later]
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    missing += [f"{s}_date" for s in stage_list[1:] if f"{s}_date" not in df.columns]
    if missing:
        raise ScenarioError([Issue(c, "crm_column_missing", {"column": c, "columns": have}) for c in missing],
                            origin)
    if len(stage_list) > 12:
        raise ScenarioError.at("stages", "crm_too_many_stages", count=len(stage_list),
                               stages=", ".join(stage_list))
    # -- rows: drop wholly empty lines, keep the spreadsheet's numbering ------------------------
    rows = np.arange(len(df)) + 2
    if len(df):
        empty = np.column_stack([blank_cells(df[c]) for c in df.columns]).all(axis=1)
        if empty.any():
            df, rows = df.loc[~empty], rows[~empty]
    if not len(df):
        raise ScenarioError.at("", "crm_empty")
    df = df.reset_index(drop=True)
    n = len(df)
    stage_cols = [f"{s}_date" for s in stage_list]
    order = ["deal_id", "rep", "region", "product", "created", *stage_cols[1:], "closed", "outcome", "amount",
             "loss_reason"]
    probs = _Problems(rows, order)
    # -- identity --------------------------------------------------------------------------------
    deal_id = text_column(df["deal_id"]).reset_index(drop=True)
    rep = text_column(df["rep"]).reset_index(drop=True)
    blank_id = (deal_id == "").to_numpy()
    probs.add(blank_id, "deal_id", "crm_required")
    dup = deal_id.duplicated(keep="first").to_numpy() & ~blank_id
    if dup.any():
        first_row = dict(zip(deal_id[~blank_id][::-1], rows[~blank_id][::-1], strict=True))
        probs.add(dup, "deal_id", "crm_duplicate_id",
                  lambda i: {"input": _show(deal_id[i]), "first": int(first_row[deal_id[i]])})
    probs.add((rep == "").to_numpy(), "rep", "crm_required")
    # -- dates -----------------------------------------------------------------------------------
    created, blank_c, bad_c = date_column(df["created"])
    probs.add(blank_c, "created", "crm_required")
    probs.add(bad_c, "created", "crm_date", lambda i: {"input": _show(df["created"].iloc[i])})
    entered: list[pd.Series] = [created]
    first_col = f"{first}_date"
    if first_col in df.columns:     # optional column of the first stage: empty cells take created
        d0, _, bad0 = date_column(df[first_col])
        probs.add(bad0, first_col, "crm_date", lambda i: {"input": _show(df[first_col].iloc[i])})
        entered = [d0.where(d0.notna(), created)]
    for col in stage_cols[1:]:
        d, _, bad = date_column(df[col])
        probs.add(bad, col, "crm_date", lambda i, col=col: {"input": _show(df[col].iloc[i])})
        entered.append(d)
    closed, blank_cl, bad_cl = date_column(df["closed"])
    probs.add(bad_cl, "closed", "crm_date", lambda i: {"input": _show(df["closed"].iloc[i])})
    # -- outcome and amount -----------------------------------------------------------------------
    out_txt = text_column(df["outcome"]).str.lower().reset_index(drop=True)
    outcome = out_txt.map(OUTCOME_ALIASES)
    blank_o = (out_txt == "").to_numpy()
    probs.add(blank_o, "outcome", "crm_required")
    probs.add(outcome.isna().to_numpy() & ~blank_o, "outcome", "crm_outcome",
              lambda i: {"input": _show(df["outcome"].iloc[i])})
    amount, blank_a, bad_a = amount_column(df["amount"])
    won = (outcome == "won").to_numpy()
    is_open = (outcome == "open").to_numpy()
    probs.add(blank_a & won, "amount", "crm_amount_won")
    probs.add(bad_a, "amount", "crm_amount_number", lambda i: {"input": _show(df["amount"].iloc[i])})
    probs.add(np.isfinite(amount) & (amount < 0), "amount", "crm_amount_negative",
              lambda i: {"input": number(amount[i])})
    # -- logic: stage dates in order, closed after everything, closed iff decided -----------------
    last = created.copy()
    last_col = pd.Series("created", index=last.index, dtype=object)
    if first_col in df.columns:
        early = (entered[0] < created).to_numpy()
        probs.add(early, first_col, "crm_stage_order", lambda i: {
            "date": _day(entered[0][i]), "previous": _day(created[i]), "before": "created"})
        last = entered[0].where(~early, created)
    for k, col in enumerate(stage_cols[1:], start=1):
        d = entered[k]
        early = (d < last).to_numpy()
        probs.add(early, col, "crm_stage_order", lambda i, d=d, last=last, lc=last_col: {
            "date": _day(d[i]), "previous": _day(last[i]), "before": lc[i]})
        later = (d > last).to_numpy() | (last.isna() & d.notna()).to_numpy()
        last = last.where(~later, d)
        last_col = last_col.where(~later, col)
    before_created = (closed < created).to_numpy()
    probs.add(before_created, "closed", "crm_closed_before_created",
              lambda i: {"closed": _day(closed[i]), "created": _day(created[i])})
    before_stage = (closed < last).to_numpy() & ~before_created
    probs.add(before_stage, "closed", "crm_stage_order", lambda i: {
        "date": _day(closed[i]), "previous": _day(last[i]), "before": last_col[i]})
    probs.add(is_open & closed.notna().to_numpy(), "closed", "crm_closed_open")
    probs.add(won & blank_cl, "closed", "crm_closed_missing_won")
    probs.add((outcome == "lost").to_numpy() & blank_cl, "closed", "crm_closed_missing_lost")
    probs.raise_if_any(origin)
    # -- the tidy table ------------------------------------------------------------------------------
    out: dict[str, Any] = {"deal_id": deal_id.to_numpy(object), "rep": rep.to_numpy(object)}
    for opt in ("region", "product"):
        if opt in df.columns:
            out[opt] = text_column(df[opt]).to_numpy(object)
    out["created"] = created.to_numpy()
    for col, d in zip(stage_cols, entered, strict=True):
        out[col] = d.to_numpy()
    out["closed"] = closed.to_numpy()
    out["outcome"] = outcome.to_numpy(object)
    out["amount"] = amount
    out["loss_reason"] = (text_column(df["loss_reason"]).to_numpy(object) if "loss_reason" in df.columns
                          else np.full(n, "", dtype=object))
    known = set(out) | set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    extra = {c: text_column(df[c]).to_numpy(object) for c in df.columns
             if c not in known and isinstance(c, str)}
    return tidy_table(pd.DataFrame({**out, **extra}), stage_list)
