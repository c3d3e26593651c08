"""The CRM deal table (COURSE.md §2, §8): its CSV format, a validating import, an export of a
simulation in the same format, and the calibration of a scenario from it.

Every dashboard (:mod:`simlib.data.dashboards`) reads one tidy table — one row per deal, with the date it
entered each funnel stage — whether the deals were simulated (:func:`deals_from_result`) or exported
from a real CRM (:func:`read_deals`). No widgets, no plotting.

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

    >>> bad = "deal_id,rep,created,closed,outcome,amount\\nD1,R01,2025-01-06,,open,-5\\nD1,R02,2025-13-01,,maybe,10"
    >>> try:
    ...     read_deals(bad)
    ... except ScenarioError as err:
    ...     print(err.message("en"))
    Row 2, column amount: the amount must be 0 or more; got -5.
    Row 3, column deal_id: 'D1' is already used in row 2; each deal needs its own deal_id.
    Row 3, column created: '2025-13-01' is not a date; write it year first, e.g. 2025-01-06.
    Row 3, column outcome: must be won, lost or open; got 'maybe'.

A good table::

    >>> ok = ("deal_id,rep,created,opportunity_date,closed,outcome,amount\\n"
    ...       "D1,R01,2025-01-06,2025-01-08,2025-01-20,won,50000\\nD2,R02,2025-01-07,,2025-01-09,lost,\\n")
    >>> df = read_deals(ok)
    >>> stage_names(df), df["stage"].tolist(), df["cycle_days"].tolist()
    (['lead', 'opportunity'], ['opportunity', 'lead'], [14.0, 2.0])

Messages come from ``simlib/locales/crm.<lang>.yaml`` (繁體中文, 简体中文, English).
"""
from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.i18n import LANGUAGES, t
from simlib.base.schema import Issue, ScenarioError

__all__ = [
    "COLUMN_ALIASES",
    "DEFAULT_HOURS_PER_WEEK",
    "DEFAULT_WORK_HOURS",
    "LOSS_REASONS",
    "MAX_ISSUES",
    "OPTIONAL_COLUMNS",
    "OUTCOMES",
    "REQUIRED_COLUMNS",
    "calibrate",
    "deals_from_result",
    "loss_reason_label",
    "outcome_label",
    "read_deals",
    "snapshot",
    "stage_names",
    "stage_stats",
    "to_csv",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("deal_id", "rep", "created", "closed", "outcome", "amount")
OPTIONAL_COLUMNS: tuple[str, ...] = ("region", "product", "loss_reason")
OUTCOMES: tuple[str, ...] = ("won", "lost", "open")
LOSS_REASONS: tuple[str, ...] = ("price", "timing", "competitor", "no_budget", "no_decision")
"""The catalogue of loss reasons simulated deals are given (COURSE.md §7 lists the objections behind
them: too expensive, need to think, current supplier is fine, no budget, decision-maker absent)."""
MAX_ISSUES = 20
DEFAULT_WORK_HOURS = 2.0
"""Rep hours per deal and stage when neither ``work_hours`` nor a scenario gives them: a CRM records
dates, not the hours a rep spent."""
DEFAULT_HOURS_PER_WEEK = 28.0
"""Selling hours a rep has a week when no scenario says: 70 % of a 40-hour week (COURSE.md §2: top
sellers spend > 70 % of their time on core selling); also the hours of ``scenarios/funnel_basics.yaml``."""

COLUMN_ALIASES: dict[str, str] = {
    # deal_id
    "deal_id": "deal_id", "deal": "deal_id", "id": "deal_id", "商機編號": "deal_id", "商机编号": "deal_id",
    "編號": "deal_id", "编号": "deal_id", "單號": "deal_id", "单号": "deal_id",
    # rep
    "rep": "rep", "owner": "rep", "salesperson": "rep", "業務員": "rep", "业务员": "rep", "銷售": "rep",
    "销售": "rep", "銷售員": "rep", "销售员": "rep", "負責人": "rep", "负责人": "rep",
    # region, product
    "region": "region", "區域": "region", "区域": "region", "地區": "region", "地区": "region",
    "product": "product", "產品": "product", "产品": "product", "產品線": "product", "产品线": "product",
    # dates
    "created": "created", "created_date": "created", "建立日期": "created", "创建日期": "created",
    "創建日期": "created", "建立": "created", "创建": "created",
    "closed": "closed", "closed_date": "closed", "結案日期": "closed", "结案日期": "closed",
    "關閉日期": "closed", "关闭日期": "closed", "結案": "closed", "结案": "closed",
    # outcome, amount, loss reason
    "outcome": "outcome", "status": "outcome", "結果": "outcome", "结果": "outcome", "狀態": "outcome",
    "状态": "outcome",
    "amount": "amount", "value": "amount", "金額": "amount", "金额": "amount",
    "loss_reason": "loss_reason", "丟單原因": "loss_reason", "丢单原因": "loss_reason",
    "輸單原因": "loss_reason", "输单原因": "loss_reason",
}
"""Header names the import understands (case-insensitive), mapped to the format's column names."""

OUTCOME_ALIASES: dict[str, str] = {
    "won": "won", "win": "won", "贏單": "won", "赢单": "won", "成交": "won", "簽約": "won", "签约": "won",
    "lost": "lost", "lose": "lost", "輸單": "lost", "输单": "lost", "丟單": "lost", "丢单": "lost",
    "失敗": "lost", "失败": "lost",
    "open": "open", "進行中": "open", "进行中": "open", "跟進中": "open", "跟进中": "open",
}

_EMPTY = {"", "nan", "nat", "none", "null", "-", "—"}
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_SEPARATORS = str.maketrans({"/": "-", ".": "-", "年": "-", "月": "-", "日": None})


def _norm_date(cell: str) -> str:
    """``2025/1/6 10:30`` -> ``2025-1-6 10:30``: date separators to dashes, blanks collapsed."""
    head, sep, tail = " ".join(cell.split()).partition(" ")
    return head.translate(_DATE_SEPARATORS) + sep + tail
_DAY = pd.Timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Issues
# ---------------------------------------------------------------------------------------------

def _show(v: Any) -> str:
    s = str(v)
    return repr(s if len(s) <= 40 else s[:37] + "...")


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


# ---------------------------------------------------------------------------------------------
# Reading the raw table
# ---------------------------------------------------------------------------------------------
def _decode(data: bytes, origin: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    known = set(COLUMN_ALIASES)
    for enc in ("gb18030", "big5"):          # a Chinese Excel's "CSV" export: keep the one whose header we know
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        head = text.split("\n", 1)[0]
        if sum(h.strip().strip('"').lower() in known for h in re.split(r"[,;\t]", head)) >= 3:
            return text
    raise ScenarioError.at("", "crm_encoding", file=origin or "CSV")


def _parse_csv(text: str, origin: str | None) -> pd.DataFrame:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ScenarioError.at("", "crm_empty")
    head = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=head.count)
    try:
        # header=None: a row with more cells than the header is an error, not a silent index column
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, skipinitialspace=True, header=None, index_col=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        exp = re.search(r"Expected (\d+) fields", str(exc))
        if m and exp:
            raise ScenarioError([Issue(f":{m.group(1)}", "crm_fields", {
                "row": int(m.group(1)), "expected": int(exp.group(1)), "got": int(m.group(2))})], origin) from None
        raise ScenarioError([Issue("", "crm_csv", {"detail": str(exc).strip()})], origin) from None
    except (pd.errors.EmptyDataError, UnicodeError, ValueError) as exc:
        raise ScenarioError([Issue("", "crm_csv", {"detail": str(exc).strip()})], origin) from None
    header = [str(h) for h in table.iloc[0]]
    return pd.DataFrame(table.iloc[1:].to_numpy(), columns=header)


def _read_excel(data: bytes, origin: str | None) -> pd.DataFrame:
    try:
        df = pd.read_excel(io.BytesIO(data), dtype=str)
    except ImportError:
        raise ScenarioError.at("", "crm_excel", file=origin or "xlsx") from None
    except Exception:  # noqa: BLE001 - a damaged workbook: say so, never a traceback
        raise ScenarioError.at("", "crm_excel_bad", file=origin or "xlsx") from None
    return df.where(df.notna(), "")


def _raw_table(source: Any) -> tuple[pd.DataFrame, str | None]:
    """The table as given, all cells as they are (CSV cells as text), and where it came from."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), None
    origin = None
    if hasattr(source, "read"):
        data = source.read()
        origin = getattr(source, "name", None)
        origin = str(origin) if isinstance(origin, (str, Path)) else None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        text = str(source)
        is_text = isinstance(source, str) and ("\n" in text or not text.strip()
                                               or ("," in text and not Path(text).is_file()))
        if is_text:
            return _parse_csv(text, None), None
        path = Path(source)
        if not path.is_file():
            raise ScenarioError.at("", "crm_file_not_found", file=str(source))
        data, origin = path.read_bytes(), str(path)
    elif isinstance(source, Sequence) and all(isinstance(r, Mapping) for r in source):
        return pd.DataFrame(list(source)), None
    else:
        raise ScenarioError.at("", "crm_table", input=type(source).__name__)
    if isinstance(data, str):
        return _parse_csv(data, origin), origin
    data = bytes(data)
    if data[:4] == b"PK\x03\x04":
        return _read_excel(data, origin), origin
    return _parse_csv(_decode(data, origin), origin), origin


def _canonical(name: Any) -> str:
    s = str(name).replace("\ufeff", "").strip()
    low = s.lower()
    if low in COLUMN_ALIASES:
        return COLUMN_ALIASES[low]
    if low.endswith("日期") and len(low) > 2:
        return low[:-2].strip(" _") + "_date"
    if low.endswith(" date"):
        return low[:-5].strip() + "_date"
    return low if low.endswith("_date") else s


def _cells(s: pd.Series) -> np.ndarray:
    """A column as an object array of stripped text, '' for every kind of blank."""
    out = []
    for v in s.to_numpy(object):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
            out.append("")
            continue
        txt = v.strip() if isinstance(v, str) else str(v).strip()
        out.append("" if txt.lower() in _EMPTY else txt)
    return np.array(out, dtype=object)


def _blank(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return s.isna().to_numpy()
    return _cells(s) == ""


def _text(s: pd.Series) -> pd.Series:
    """A column as stripped text, '' for blanks."""
    return pd.Series(_cells(s), dtype=object)


def _dates(s: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """``(timestamps, blank, bad)`` of a date column: year-first dates, optionally with a time."""
    if pd.api.types.is_datetime64_any_dtype(s):
        ts = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        ts = ts.astype("datetime64[ns]")
        blank = ts.isna().to_numpy()
        return ts.reset_index(drop=True), blank, np.zeros(len(s), bool)
    cells = _cells(s)
    blank = cells == ""
    # the common case first, in C: 2025-01-06
    ts = pd.Series(pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]"))
    rest = np.flatnonzero(ts.isna().to_numpy() & ~blank)
    if len(rest):     # 2025/1/6, 2025.01.06, 2025年1月6日, with or without a time
        norm = [_norm_date(c) for c in cells[rest]]
        iso = pd.Series([c if _DATE.match(c) else None for c in norm], dtype=object)
        more = pd.to_datetime(iso, format="ISO8601", errors="coerce").astype("datetime64[ns]")
        ts.iloc[rest] = more.to_numpy()
    year = ts.dt.year
    ts = ts.where((year >= 1900) & (year <= 2200))
    bad = ts.isna().to_numpy() & ~blank
    return ts, blank, bad


def _amounts(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values, blank, not a number)`` of the amount column."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        blank = np.isnan(v)
        return v, blank, ~np.isfinite(v) & ~blank
    cells = _cells(s)
    blank = cells == ""
    v = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
    retry = np.flatnonzero(np.isnan(v) & ~blank)
    if len(retry):
        clean = pd.Series(cells[retry], dtype=object).str.replace(r"[,，\s¥￥$]|元|RMB|CNY", "", regex=True)
        v[retry] = pd.to_numeric(clean, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(v) & ~blank
    return v, blank, bad


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
    df, origin = _raw_table(source)
    stage_list = _stage_list(stages)
    first = stage_list[0] if stage_list else str(first_stage)
    # -- columns ------------------------------------------------------------------------------
    names = [_canonical(c) for c in df.columns]
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
        raise ScenarioError.at("stages", "crm_too_many_stages", count=len(stage_list), stages=", ".join(stage_list))
    # -- rows: drop wholly empty lines, keep the spreadsheet's numbering ------------------------
    rows = np.arange(len(df)) + 2
    if len(df):
        empty = np.column_stack([_blank(df[c]) for c in df.columns]).all(axis=1)
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
    deal_id = _text(df["deal_id"]).reset_index(drop=True)
    rep = _text(df["rep"]).reset_index(drop=True)
    blank_id = (deal_id == "").to_numpy()
    probs.add(blank_id, "deal_id", "crm_required")
    dup = deal_id.duplicated(keep="first").to_numpy() & ~blank_id
    if dup.any():
        first_row = dict(zip(deal_id[~blank_id][::-1], rows[~blank_id][::-1], strict=True))
        probs.add(dup, "deal_id", "crm_duplicate_id",
                  lambda i: {"input": _show(deal_id[i]), "first": int(first_row[deal_id[i]])})
    probs.add((rep == "").to_numpy(), "rep", "crm_required")
    # -- dates -----------------------------------------------------------------------------------
    created, blank_c, bad_c = _dates(df["created"])
    probs.add(blank_c, "created", "crm_required")
    probs.add(bad_c, "created", "crm_date", lambda i: {"input": _show(df["created"].iloc[i])})
    entered: list[pd.Series] = [created]
    first_col = f"{first}_date"
    if first_col in df.columns:     # optional column of the first stage: empty cells take created
        d0, _, bad0 = _dates(df[first_col])
        probs.add(bad0, first_col, "crm_date", lambda i: {"input": _show(df[first_col].iloc[i])})
        entered = [d0.where(d0.notna(), created)]
    for col in stage_cols[1:]:
        d, _, bad = _dates(df[col])
        probs.add(bad, col, "crm_date", lambda i, col=col: {"input": _show(df[col].iloc[i])})
        entered.append(d)
    closed, blank_cl, bad_cl = _dates(df["closed"])
    probs.add(bad_cl, "closed", "crm_date", lambda i: {"input": _show(df["closed"].iloc[i])})
    # -- outcome and amount -----------------------------------------------------------------------
    out_txt = _text(df["outcome"]).str.lower().reset_index(drop=True)
    outcome = out_txt.map(OUTCOME_ALIASES)
    blank_o = (out_txt == "").to_numpy()
    probs.add(blank_o, "outcome", "crm_required")
    probs.add(outcome.isna().to_numpy() & ~blank_o, "outcome", "crm_outcome",
              lambda i: {"input": _show(df["outcome"].iloc[i])})
    amount, blank_a, bad_a = _amounts(df["amount"])
    won = (outcome == "won").to_numpy()
    is_open = (outcome == "open").to_numpy()
    probs.add(blank_a & won, "amount", "crm_amount_won")
    probs.add(bad_a, "amount", "crm_amount_number", lambda i: {"input": _show(df["amount"].iloc[i])})
    probs.add(np.isfinite(amount) & (amount < 0), "amount", "crm_amount_negative",
              lambda i: {"input": _num(amount[i])})
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
            out[opt] = _text(df[opt]).to_numpy(object)
    out["created"] = created.to_numpy()
    for col, d in zip(stage_cols, entered, strict=True):
        out[col] = d.to_numpy()
    out["closed"] = closed.to_numpy()
    out["outcome"] = outcome.to_numpy(object)
    out["amount"] = amount
    out["loss_reason"] = (_text(df["loss_reason"]).to_numpy(object) if "loss_reason" in df.columns
                          else np.full(n, "", dtype=object))
    known = set(out) | set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    extra = {c: _text(df[c]).to_numpy(object) for c in df.columns if c not in known and isinstance(c, str)}
    return _finish(pd.DataFrame({**out, **extra}), stage_list)


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _day(ts: Any) -> str:
    if ts is None or pd.isna(ts):
        return ""
    ts = pd.Timestamp(ts)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")


def _finish(df: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Add the derived columns (stage, stage_index, cycle_days) and record the stage list."""
    cols = [f"{s}_date" for s in stages]
    present = np.column_stack([df[c].notna().to_numpy() for c in cols])
    idx = len(cols) - 1 - np.argmax(present[:, ::-1], axis=1)
    idx = np.where(df["outcome"].to_numpy() == "won", len(cols) - 1, idx)
    df["stage"] = np.array(stages, dtype=object)[idx]
    df["stage_index"] = idx.astype(np.int64)
    df["cycle_days"] = (df["closed"] - df["created"]).dt.total_seconds().to_numpy() / 86400.0
    front = [c for c in ("deal_id", "rep", "region", "product", "created", *cols, "closed", "outcome", "amount",
                         "loss_reason", "stage", "stage_index", "cycle_days") if c in df.columns]
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
    df = _table(deals)
    stages = stage_names(df)
    cut = pd.Timestamp(asof).normalize() + _DAY
    out = df[df["created"] < cut].copy()
    for c in [f"{s}_date" for s in stages[1:]] + ["closed"]:
        out[c] = out[c].where(out[c] < cut)
    reopened = out["closed"].isna() & (out["outcome"] != "open")
    out.loc[reopened, "outcome"] = "open"
    out.loc[reopened, "loss_reason"] = ""
    extra = [c for c in ("stage", "stage_index", "cycle_days") if c in out.columns]
    return _finish(out.drop(columns=extra).reset_index(drop=True), stages)


def to_csv(deals: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """Write a tidy deal table in the CSV format (UTF-8, dates as ``YYYY-MM-DD`` or with a time when
    they have one, the first stage's column left out — it is ``created`` — and derived columns
    dropped). Returns the text when ``path`` is None.

        >>> text = to_csv(read_deals("deal_id,rep,created,closed,outcome,amount\\nD1,R01,2025-01-06,,open,100"))
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
        out["amount"] = [("" if not math.isfinite(v) else (str(int(v)) if float(v).is_integer() else f"{v:.2f}"))
                         for v in a]
    text = out.to_csv(index=False, lineterminator="\n")
    if path is None:
        return text
    Path(path).write_text(text, encoding="utf-8")
    return None


# ---------------------------------------------------------------------------------------------
# From a simulation
# ---------------------------------------------------------------------------------------------
#: loss-reason weights early in the funnel and at its end (interpolated by stage position): early
#: leads fall away for budget and timing, late deals over price and to competitors.
_REASON_EARLY = np.array([0.10, 0.25, 0.10, 0.35, 0.20])
_REASON_LATE = np.array([0.40, 0.10, 0.30, 0.05, 0.15])


def deals_from_result(res: Any, start: date | str = date(2025, 1, 6), *,
                      regions: Sequence[str] | None = None,
                      products: Sequence[str] | Mapping[str, float] | None = None,
                      loss_reasons: bool = True) -> pd.DataFrame:
    """A simulation's deals as a tidy CRM deal table (the format :func:`read_deals` returns).

    Week ``w`` of the run (``res.deals``/``res.visits`` times, in weeks from the start) becomes the
    date ``start + 7·w days``, cut to the day. A deal enters the first stage when created, and each
    later stage when its rep finished the stage before it (``res.visits.finished_at``) and the
    customer said yes; ``closed`` is when it was won or lost. ``amount`` is the booked value of a won
    deal (after any discount) and the value a lost or open deal would have had, to the yuan.

    Args:
        res: a :class:`simlib.SimResult`.
        start: the date of the run's first day (default Monday 6 January 2025).
        regions: region names given to the reps in turn (rep 1 the first, …): a ``region`` column.
        products: product lines (names, or ``{name: share}``) drawn for each deal: a ``product`` column.
        loss_reasons: give each lost deal a reason from :data:`LOSS_REASONS`, drawn with stage-dependent
            weights (budget and timing early, price and competitors late) from a generator seeded with
            ``res.seed`` — the same run gives the same reasons. False leaves them empty.

        >>> import simlib
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
    rng = np.random.default_rng(np.random.SeedSequence(int(res.seed), spawn_key=(0xC12,)))
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
    return _finish(pd.DataFrame(out), stages)


# ---------------------------------------------------------------------------------------------
# Per-stage statistics and calibration
# ---------------------------------------------------------------------------------------------
def _table(deals: Any) -> pd.DataFrame:
    """A validated tidy table: one already read (attrs or stage columns present) or anything
    :func:`read_deals` takes."""
    if isinstance(deals, pd.DataFrame) and {"stage_index", "outcome", "created", "closed"} <= set(deals.columns):
        return deals
    if hasattr(deals, "scenario") and hasattr(deals, "visits"):
        return deals_from_result(deals)
    return read_deals(deals)


def _quantile(values: np.ndarray, q: float) -> float:
    """The ``q`` quantile; for whole-day data (dates without times) the grouped-data interpolation
    — each whole number d stands for the interval [d − ½, d + ½], and the quantile is placed inside
    its class in proportion, L + (q·n − F) ÷ f — so day-rounded dwell times do not move an estimate
    in steps of a whole day.

        >>> round(_quantile(np.array([0.0, 1, 1, 1, 2, 5]), 0.5), 3)      # 0.5 + (3 − 1) ÷ 3
        1.167
        >>> _quantile(np.array([0.0, 0.5, 2.0]), 0.5)                       # not whole days: as usual
        0.5
    """
    n = len(values)
    if not n:
        return math.nan
    if not np.all(values == np.round(values)):
        return float(np.quantile(values, q))
    v = np.sort(values)
    d = v[min(math.floor(q * n), n - 1)]
    below = int(np.searchsorted(v, d, side="left"))
    here = int(np.searchsorted(v, d, side="right")) - below
    return float(d - 0.5 + (q * n - below) / here)


def stage_stats(deals: Any) -> pd.DataFrame:
    """Per stage of a deal table (COURSE.md §2: each stage has a conversion rate and a dwell time):
    ``stage, entered, passed, lost, open, decided`` (= passed + lost), ``conversion`` (passed ÷
    decided; NaN when none decided), and the dwell — days from entering the stage to leaving it, for
    deals that left it (passed on, won or lost there; open deals are still in it and not counted):
    ``dwell_n, dwell_median_days, dwell_p25_days, dwell_p75_days, dwell_mean_days`` (quantiles of
    whole-day dwells interpolated within the day, as grouped data; :func:`_quantile`).

        >>> df = read_deals("deal_id,rep,created,proposal_date,closed,outcome,amount\\n"
        ...                 "1,A,2025-01-01,2025-01-05,2025-01-15,won,10\\n2,A,2025-01-02,,2025-01-03,lost,\\n"
        ...                 "3,B,2025-01-03,2025-01-04,,open,5")
        >>> stage_stats(df)[["stage", "entered", "passed", "lost", "open", "conversion", "dwell_median_days"]]
              stage  entered  passed  lost  open  conversion  dwell_median_days
        0      lead        3       2     1     0    0.666667               1.25
        1  proposal        2       1     0     1    1.000000              10.00
    """
    df = _table(deals)
    stages = stage_names(df)
    n_st = len(stages)
    idx = df["stage_index"].to_numpy()
    oc = df["outcome"].to_numpy()
    closed = df["closed"].to_numpy("datetime64[ns]")
    entered = np.bincount(idx, minlength=n_st)[::-1].cumsum()[::-1]
    lost = np.bincount(idx[oc == "lost"], minlength=n_st)
    open_ = np.bincount(idx[oc == "open"], minlength=n_st)
    passed = entered - lost - open_
    decided = passed + lost
    dates = [df[f"{s}_date"].to_numpy("datetime64[ns]") for s in stages]
    rows = []
    for k, s in enumerate(stages):
        nxt = dates[k + 1] if k + 1 < n_st else np.full(len(df), np.datetime64("NaT"), "datetime64[ns]")
        leave = np.where(idx > k, nxt, np.where((idx == k) & (oc != "open"), closed, np.datetime64("NaT")))
        diff = leave - dates[k]
        dwell = diff[~np.isnat(diff)].astype("timedelta64[s]").astype(float) / 86400.0
        q = [_quantile(dwell, p) for p in (0.25, 0.5, 0.75)]
        rows.append({"stage": s, "entered": int(entered[k]), "passed": int(passed[k]), "lost": int(lost[k]),
                     "open": int(open_[k]), "decided": int(decided[k]),
                     "conversion": passed[k] / decided[k] if decided[k] else math.nan,
                     "dwell_n": len(dwell), "dwell_median_days": float(q[1]), "dwell_p25_days": float(q[0]),
                     "dwell_p75_days": float(q[2]),
                     "dwell_mean_days": float(dwell.mean()) if len(dwell) else math.nan})
    return pd.DataFrame(rows)


def calibrate(deals: Any, *, horizon_weeks: int = 13, hours_per_week: float | None = None,
              reps: int | Sequence[str] | None = None, scenario: Any = None,
              work_hours: float | Mapping[str, float] | None = None, name: str | None = None) -> dict:
    """A scenario (a dict :func:`simlib.load_scenario` accepts) estimated from a deal table.

    What the deals tell (COURSE.md §2, §8):

    * ``leads.per_week`` — deals created per week over the table's span (first ``created`` to the
      latest date in the table, inclusive);
    * each stage's ``conversion`` — passed ÷ decided there (open deals left out), as
      :func:`stage_stats`; a stage where nothing was decided keeps the scenario's (else 1);
    * ``deal_value`` — ``mean`` and ``cv`` (sample standard deviation ÷ mean) of the won amounts
      (all amounts when nothing was won);
    * each stage's ``wait_weeks`` — the customer's wait, from the stage's median dwell
      (:func:`stage_stats`; whole-day dwells are interpolated within the day): the engine
      draws a wait as exponential with mean ``wait_weeks`` and then the rep works ``work_hours`` at
      ``hours_per_week``, so ``wait_weeks = max(0, median dwell in weeks − work_hours ÷ hours_per_week)
      ÷ ln 2`` (an exponential's median is ln 2 × its mean). Time a deal spent queued for a busy rep
      is in the dwell too, so with an overloaded team the waits come out too long;
    * the reps — the file's ``rep`` names (or ``reps``: a count or names).

    What they cannot tell: the hours a rep spends on a deal at each stage and the selling hours a rep
    has a week. ``work_hours`` (one number, or per stage) and ``hours_per_week`` win; else they come
    from ``scenario`` (a stage by name, else by position), else :data:`DEFAULT_WORK_HOURS` and
    :data:`DEFAULT_HOURS_PER_WEEK`. Assignment and any other setting stay the scenario's defaults.

        >>> import simlib
        >>> d = deals_from_result(simlib.simulate("scenarios/funnel_basics.yaml", seed=1))
        >>> sc = simlib.load_scenario(calibrate(d, scenario="scenarios/funnel_basics.yaml"))
        >>> [round(s.conversion, 2) for s in sc.funnel.stages], len(sc.team.reps), sc.team.hours_per_week
        ([0.52, 0.59, 0.51, 0.4], 15, 28.0)
    """
    df = _table(deals)
    base = None
    if scenario is not None:
        from simlib.core.scenario import load_scenario
        base = load_scenario(scenario)
    stats = stage_stats(df)
    stages = list(stats["stage"])
    if isinstance(horizon_weeks, bool) or not isinstance(horizon_weeks, (int, np.integer)) \
            or not 1 <= horizon_weeks <= 520:
        raise ScenarioError.at("horizon_weeks", "crm_range", low=1, high=520, input=horizon_weeks)
    if hours_per_week is None:
        hours_per_week = base.team.hours_per_week if base is not None else DEFAULT_HOURS_PER_WEEK
    if not isinstance(hours_per_week, (int, float)) or isinstance(hours_per_week, bool) \
            or not 0 < hours_per_week <= 80:
        raise ScenarioError.at("hours_per_week", "crm_range", low=0, high=80, input=hours_per_week)
    base_stages = {s.name: s for s in base.funnel.stages} if base is not None else {}
    base_list = list(base.funnel.stages) if base is not None else []

    def from_base(name: str, k: int):
        return base_stages.get(name) or (base_list[k] if k < len(base_list) else None)

    # leads per week over the table's span
    dates = [df[c] for c in ("created", "closed", *(f"{s}_date" for s in stages))]
    first = df["created"].min()
    last = max(d.max() for d in dates if d.notna().any())
    span_weeks = max(((last.normalize() - first.normalize()) / _DAY + 1) / 7.0, 1 / 7)
    per_week = round(len(df) / span_weeks, 3)
    # deal value
    amounts = df.loc[df["outcome"] == "won", "amount"].dropna().to_numpy(float)
    if not len(amounts):
        amounts = df["amount"].dropna().to_numpy(float)
    mean = float(amounts.mean()) if len(amounts) else (base.funnel.deal_value.mean if base is not None else 0.0)
    cv = float(amounts.std(ddof=1) / mean) if len(amounts) > 1 and mean > 0 else 0.0
    out_stages = []
    for k, row in stats.iterrows():
        s = str(row["stage"])
        b = from_base(s, k)
        if isinstance(work_hours, Mapping):
            wh = float(work_hours.get(s, b.work_hours if b is not None else DEFAULT_WORK_HOURS))
        elif work_hours is not None:
            wh = float(work_hours)
        else:
            wh = b.work_hours if b is not None else DEFAULT_WORK_HOURS
        conv = row["conversion"]
        if not math.isfinite(conv):
            conv = b.conversion if b is not None else 1.0
        med = row["dwell_median_days"]
        wait = max(0.0, med / 7.0 - wh / hours_per_week) / math.log(2) if math.isfinite(med) else 0.0
        stage = {"name": s, "conversion": round(float(conv), 4), "work_hours": wh,
                 "wait_weeks": round(min(wait, 52.0), 3)}
        if b is not None and b.label and b.name == s:
            stage["label"] = dict(b.label)
        out_stages.append(stage)
    if reps is None:
        rep_names = sorted(df["rep"].astype(str).unique())
    elif isinstance(reps, (int, np.integer)) and not isinstance(reps, bool):
        rep_names = int(reps)
    else:
        rep_names = [str(r) for r in reps]
    team: dict[str, Any] = {"reps": rep_names if isinstance(rep_names, int) else [{"name": r} for r in rep_names],
                            "hours_per_week": float(hours_per_week)}
    n_deals = len(df)
    desc = {lang: t("crm.calibrated.description", lang, deals=f"{n_deals:,}", weeks=f"{span_weeks:.1f}",
                    hours=f"{hours_per_week:g}") for lang in LANGUAGES}
    return {
        "name": name or t("crm.calibrated.name", "zh-Hant") + " " + t("crm.calibrated.name", "en"),
        "description": desc,
        "horizon_weeks": int(horizon_weeks),
        "leads": {"per_week": min(per_week, 100_000.0)},
        "funnel": {"stages": out_stages,
                   "deal_value": {"mean": round(min(mean, 1e10), 2), "cv": round(min(cv, 5.0), 4)}},
        "team": team,
    }


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------
def outcome_label(outcome: str, lang: str | None = None) -> str:
    """``won`` -> 贏單 / 赢单 / Won.

        >>> outcome_label("won", "zh-Hant"), outcome_label("open", "en")
        ('贏單', 'Open')
    """
    key = f"crm.outcome.{outcome}"
    text = t(key, lang)
    return outcome if text == key else text


def loss_reason_label(reason: str, lang: str | None = None) -> str:
    """A catalogue loss reason in ``lang`` (``no_budget`` -> 沒有預算); free text as it is; '' ->
    the label of an unrecorded reason.

        >>> loss_reason_label("no_budget", "en"), loss_reason_label("客戶倒閉", "en")
        ('No budget', '客戶倒閉')
    """
    if not reason:
        return t("crm.loss_reason.none", lang)
    key = f"crm.loss_reason.{reason}"
    text = t(key, lang)
    return reason if text == key else text
