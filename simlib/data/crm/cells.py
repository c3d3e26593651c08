"""Reading a CRM export's cells, one column at a time (COURSE.md §8): blanks of every kind, year-first
dates in the spellings spreadsheets use, and amounts written with separators, currency signs or 元.

Dates are written year first — ``2025-01-06``, ``2025/1/6``, ``2025.01.06``, ``2025年1月6日`` —
optionally with a time (``2025-01-06 14:30``); a day-first date such as ``06/01/2025`` is refused
rather than guessed. ``50000``, ``50,000``, ``¥50,000`` and ``50000元`` all read as 50000.

    >>> ts, blank, bad = date_column(pd.Series(["2025/1/6", "", "06/01/2025", "2025年1月6日 10:30"]))
    >>> [str(x) for x in ts]
    ['2025-01-06 00:00:00', 'NaT', 'NaT', '2025-01-06 10:30:00']
    >>> blank.tolist(), bad.tolist()
    ([False, True, False, False], [False, False, True, False])
    >>> values, blank, bad = amount_column(pd.Series(["¥50,000", "50000元", "—", "many"]))
    >>> values.tolist(), blank.tolist(), bad.tolist()
    ([50000.0, 50000.0, nan, nan], [False, False, True, False], [False, False, False, True])
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

__all__ = ["amount_column", "blank_cells", "cell_texts", "date_column", "text_column"]

_EMPTY = {"", "nan", "nat", "none", "null", "-", "—"}
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_SEPARATORS = str.maketrans({"/": "-", ".": "-", "年": "-", "月": "-", "日": None})


def _norm_date(cell: str) -> str:
    """``2025/1/6 10:30`` -> ``2025-1-6 10:30``: date separators to dashes, blanks collapsed."""
    head, sep, tail = " ".join(cell.split()).partition(" ")
    return head.translate(_DATE_SEPARATORS) + sep + tail


def cell_texts(s: pd.Series) -> np.ndarray:
    """A column as an object array of stripped text, '' for every kind of blank."""
    out = []
    for v in s.to_numpy(object):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
            out.append("")
            continue
        txt = v.strip() if isinstance(v, str) else str(v).strip()
        out.append("" if txt.lower() in _EMPTY else txt)
    return np.array(out, dtype=object)


def blank_cells(s: pd.Series) -> np.ndarray:
    """Which cells of a column are blank (of a date or number column: missing)."""
    if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return s.isna().to_numpy()
    return cell_texts(s) == ""


def text_column(s: pd.Series) -> pd.Series:
    """A column as stripped text, '' for blanks."""
    return pd.Series(cell_texts(s), dtype=object)


def date_column(s: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """``(timestamps, blank, bad)`` of a date column: year-first dates, optionally with a time."""
    if pd.api.types.is_datetime64_any_dtype(s):
        ts = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        ts = ts.astype("datetime64[ns]")
        blank = ts.isna().to_numpy()
        return ts.reset_index(drop=True), blank, np.zeros(len(s), bool)
    cells = cell_texts(s)
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


def amount_column(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values, blank, not a number)`` of the amount column."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        blank = np.isnan(v)
        return v, blank, ~np.isfinite(v) & ~blank
    cells = cell_texts(s)
    blank = cells == ""
    v = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce")
    v = v.to_numpy(dtype=float, na_value=np.nan).copy()
    retry = np.flatnonzero(np.isnan(v) & ~blank)
    if len(retry):
        clean = pd.Series(cells[retry], dtype=object).str.replace(r"[,，\s¥￥$]|元|RMB|CNY", "", regex=True)
        v[retry] = pd.to_numeric(clean, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(v) & ~blank
    return v, blank, bad
