"""A trainee's answers to the drills, kept locally (COURSE.md §9): every attempt, with its time and score.

One SQLite file holds every attempt of every trainee — by default ``$SDW_ANSWERS`` or
``~/.sales-drill/answers.sqlite`` (folders are created). Answers are stored as JSON text, times in
UTC; a new store on the same file sees every earlier answer, so answers survive a page reload or a
server restart, and a couple of processes (Voilà kernels) may write to one file at once::

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "answers.sqlite")
    >>> store = AnswerStore(path)
    >>> store.save("王小明", "okr_scoring", {"scores": {"kr1": 0.9}}, feedback_score=25.0)
    1
    >>> store.save("王小明", "okr_scoring", {"scores": {"kr1": 0.7}}, feedback_score=100)
    2
    >>> AnswerStore(path).latest("王小明", "okr_scoring")          # a new store: a reload
    {'scores': {'kr1': 0.7}}
    >>> AnswerStore(path).history("王小明")[["drill", "attempt", "score"]].values.tolist()
    [['okr_scoring', 1, 25.0], ['okr_scoring', 2, 100.0]]
    >>> store.export_csv("王小明")[:3] == b"\\xef\\xbb\\xbf"                    # UTF-8 with BOM, for Excel
    True

A trainee exports their answers as CSV (:meth:`AnswerStore.export_csv`) or Excel
(:meth:`AnswerStore.export_xlsx`). Bad input (an empty trainee name, an answer that is not plain
data, a score outside 0–100) raises :class:`simlib.ScenarioError` naming the field.
"""
from __future__ import annotations

import io
import json
import math
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.i18n import t
from simlib.base.schema import ScenarioError

__all__ = ["DEFAULT_PATH", "ENV_VAR", "AnswerStore", "default_path"]

ENV_VAR = "SDW_ANSWERS"
DEFAULT_PATH = Path("~/.sales-drill/answers.sqlite")
COLUMNS = ("trainee", "drill", "attempt", "saved_at", "score", "answer")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    trainee  TEXT    NOT NULL,
    drill    TEXT    NOT NULL,
    attempt  INTEGER NOT NULL,
    saved_at TEXT    NOT NULL,
    score    REAL,
    answer   TEXT    NOT NULL,
    UNIQUE (trainee, drill, attempt)
);
CREATE INDEX IF NOT EXISTS answers_by_trainee ON answers (trainee, drill, id);
"""
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def default_path() -> Path:
    """``$SDW_ANSWERS`` if set, else ``~/.sales-drill/answers.sqlite``."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else DEFAULT_PATH.expanduser()



def _name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 80:
        code = "answers_trainee" if path == "trainee" else "answers_drill"
        raise ScenarioError.at(path, code, input=repr(value) if isinstance(value, str) else type(value).__name__)
    return value.strip()


def _plain(x: Any) -> Any:
    """numpy scalars and arrays, dates and tuples as JSON's own types (for ``json.dumps``)."""
    if isinstance(x, (np.integer, np.floating, np.bool_)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (datetime, date)):
        return x.isoformat()
    if isinstance(x, (set, frozenset)):
        return sorted(x, key=str)
    raise TypeError(type(x).__name__)


def _dumps(answer: Any) -> str:
    if not isinstance(answer, Mapping):
        raise ScenarioError.at("answer", "type_mapping", input=type(answer).__name__)
    try:
        return json.dumps(dict(answer), ensure_ascii=False, allow_nan=False, default=_plain)
    except (TypeError, ValueError) as err:
        raise ScenarioError.at("answer", "answers_json", input=str(err) or "NaN") from None


class AnswerStore:
    """Every attempt of every trainee at every drill, in one SQLite file.

    Args:
        path: the SQLite file (default :func:`default_path`); its folder is created.
        timeout: seconds a writer waits for another process's lock before giving up.

    Each call opens its own short connection, so a store is safe to share between threads, and
    several stores (in several processes) on one file see each other's answers at once; writes take
    SQLite's write lock for the moment they need it (``BEGIN IMMEDIATE``), so attempt numbers never
    clash.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 15.0):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout = float(timeout)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"AnswerStore({str(self.path)!r})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            yield con
        finally:
            con.close()

    # -- writing ------------------------------------------------------------------------------
    def save(self, trainee: str, drill: str, answer: Mapping, feedback_score: float | None = None) -> int:
        """Keep one attempt: the ``answer`` (plain data: text, numbers, lists, mappings) with the UTC
        time and, if given, the feedback's score (0–100). Returns the attempt number (1, 2, …) of
        this trainee at this drill; earlier attempts are kept."""
        who = _name(trainee, "trainee")
        what = _name(drill, "drill")
        text = _dumps(answer)
        score = None
        if feedback_score is not None:
            ok = (isinstance(feedback_score, (int, float, np.integer, np.floating))
                  and not isinstance(feedback_score, (bool, np.bool_)) and math.isfinite(float(feedback_score))
                  and 0 <= float(feedback_score) <= 100)
            if not ok:
                raise ScenarioError.at("feedback_score", "answers_score", input=feedback_score)
            score = float(feedback_score)
        stamp = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                (n,) = con.execute("SELECT COALESCE(MAX(attempt), 0) + 1 FROM answers WHERE trainee = ? AND drill = ?",
                                   (who, what)).fetchone()
                con.execute("INSERT INTO answers (trainee, drill, attempt, saved_at, score, answer) "
                            "VALUES (?, ?, ?, ?, ?, ?)", (who, what, n, stamp, score, text))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return int(n)

    # -- reading ------------------------------------------------------------------------------
    def latest(self, trainee: str, drill: str) -> dict | None:
        """The trainee's last answer to ``drill`` (what a page shows again after a reload), or None."""
        with self._connect() as con:
            row = con.execute("SELECT answer FROM answers WHERE trainee = ? AND drill = ? ORDER BY id DESC LIMIT 1",
                              (_name(trainee, "trainee"), _name(drill, "drill"))).fetchone()
        return json.loads(row[0]) if row else None

    def history(self, trainee: str, drill: str | None = None) -> pd.DataFrame:
        """Every attempt of the trainee (at ``drill``, or at every drill), oldest first: ``trainee,
        drill, attempt, saved_at`` (ISO 8601 UTC), ``score`` (NaN when none was given) and ``answer``
        (the answer as a dict)."""
        sql = "SELECT trainee, drill, attempt, saved_at, score, answer FROM answers WHERE trainee = ?"
        args: tuple = (_name(trainee, "trainee"),)
        if drill is not None:
            sql += " AND drill = ?"
            args += (_name(drill, "drill"),)
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY id", args).fetchall()
        df = pd.DataFrame(rows, columns=list(COLUMNS))
        df["attempt"] = df["attempt"].astype("int64")
        df["score"] = pd.to_numeric(df["score"], errors="coerce").astype(float)
        df["answer"] = [json.loads(a) for a in df["answer"]]
        return df

    def trainees(self) -> list[str]:
        """Every trainee with at least one answer, sorted (a trainer's overview)."""
        with self._connect() as con:
            return [r[0] for r in con.execute("SELECT DISTINCT trainee FROM answers ORDER BY trainee")]

    # -- export -------------------------------------------------------------------------------
    def _table(self, trainee: str, lang: str | None) -> pd.DataFrame:
        df = self.history(trainee)
        df["answer"] = [json.dumps(a, ensure_ascii=False) for a in df["answer"]]
        if lang:
            df["drill"] = [_title(d, lang) for d in df["drill"]]
            df = df.rename(columns={c: t(f"drills.answers.col.{c}", lang) for c in COLUMNS})
        return df

    def export_csv(self, trainee: str, lang: str | None = None) -> bytes:
        """The trainee's attempts as CSV, UTF-8 with a byte-order mark (so Excel reads the Chinese),
        one row per attempt, the answer as JSON text. ``lang`` localises the headers and drill names."""
        return self._table(trainee, lang).to_csv(index=False).encode("utf-8-sig")

    def export_xlsx(self, trainee: str, lang: str | None = None) -> bytes:
        """The trainee's attempts as an Excel workbook: a first sheet with every attempt (as the CSV),
        then one sheet per drill with the answers' fields in columns (``scores.kr1``, …)."""
        import openpyxl  # noqa: F401  (the engine pandas uses; an optional dependency of the apps)
        sheets: dict[str, pd.DataFrame] = {"answers": self._table(trainee, lang)}
        hist = self.history(trainee)
        for drill, part in hist.groupby("drill", sort=False):
            flat = pd.json_normalize(list(part["answer"]), sep=".")
            flat = flat.apply(lambda col: col.map(lambda v: json.dumps(v, ensure_ascii=False)
                                                  if isinstance(v, (list, dict)) else v))
            meta = part[["attempt", "saved_at", "score"]].reset_index(drop=True)
            if lang:
                meta = meta.rename(columns={c: t(f"drills.answers.col.{c}", lang) for c in meta.columns})
            sheets[str(drill)] = pd.concat([meta, flat], axis=1)
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            used: set[str] = set()
            for name, df in sheets.items():
                sheet = _BAD_SHEET.sub("_", name)[:31] or "Sheet"
                while sheet in used:
                    sheet = sheet[:28] + f"_{len(used)}"
                used.add(sheet)
                df.to_excel(xw, sheet_name=sheet, index=False)
        return buf.getvalue()


def _title(drill: str, lang: str) -> str:
    text = t(f"drills.title.{drill}", lang)
    return drill if text == f"drills.title.{drill}" else text
