"""A trainee's answers to the drills, kept locally (COURSE.md §9): every attempt, with its time and score —
readable only by the trainee who wrote them, and by the trainer.

One SQLite file holds every attempt of every trainee — by default ``$SDW_ANSWERS`` or
``~/.sales-drill/answers.sqlite`` (folders are created). Answers are stored as JSON text, times in
UTC; a new store on the same file sees every earlier answer, so answers survive a page reload or a
server restart, and a couple of processes (Voilà kernels) may write to one file at once::

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "answers.sqlite")
    >>> store = AnswerStore(path)
    >>> me, token = store.claim("紅隊/王小明")           # a display name, here in a workshop team
    >>> store.save(me, "okr_scoring", {"scores": {"kr1": 0.9}}, feedback_score=25.0)
    1
    >>> store.save(me, "okr_scoring", {"scores": {"kr1": 0.7}}, feedback_score=100)
    2
    >>> again = identify("紅隊/王小明", token)            # another device: name and answer key
    >>> AnswerStore(path).latest(again, "okr_scoring")          # a new store: a reload
    {'scores': {'kr1': 0.7}}
    >>> AnswerStore(path).history(again)[["drill", "attempt", "score"]].values.tolist()
    [['okr_scoring', 1, 25.0], ['okr_scoring', 2, 100.0]]
    >>> store.export_csv(again)[:3] == b"\\xef\\xbb\\xbf"                    # UTF-8 with BOM, for Excel
    True
    >>> try:
    ...     store.latest("紅隊/王小明", "okr_scoring")             # the name alone is not enough
    ... except ScenarioError as err:
    ...     print(err.paths, err.issues[0].code)
    ['token'] answers_key_needed

Who may read and write (the decks are silent on this; the rules are the workbook's):

- **An identity** (:class:`TraineeIdentity`, made by :func:`identify`) is a display name the trainee gives —
  ``"<team>/<display name>"`` for a member of a workshop team — with the trainee's *answer key*; or, on a
  JupyterHub server, the hub's user name (``$JUPYTERHUB_USER``, :func:`hub_identity`), which the hub has
  already authenticated. A plain string stands for a name without a key.
- **Claiming** a name (:meth:`AnswerStore.claim`) makes a random answer key (:mod:`secrets`, never a seeded
  stream: it guards access) and stores only its salted scrypt hash; the key is returned once and never
  again. From then on every read and every write of that name needs the key (a wrong one is refused), and
  nobody can claim the name again. A hub user's name is registered on their first write and needs no key,
  but only a process whose ``$JUPYTERHUB_USER`` is that user may use it.
- **Every read and write checks the identity** and reads or writes only that identity's rows: there is no
  call that takes one trainee's identity and returns another's answers.
- **Unclaimed names** — the rows of answer files written before identities existed, or rows written by a
  library caller with a plain name — stay readable and writable by their name alone *until claimed*; the
  first to claim the name (the first save on an exercise page does it) takes over its earlier rows. This
  keeps old answer files usable without a migration step that would have to guess whose rows are whose;
  its price is that whoever claims an old name first owns its old rows, so a trainer who cares claims
  the old names (or exports them, below) before the workshop.
- **The trainer** sees everyone's answers: :meth:`AnswerStore.export_all` (or :func:`export_all`) with the
  key the server sets in ``$SDW_TRAINER_KEY`` (compared by hash, in constant time); without that variable
  nobody can export all answers. :meth:`AnswerStore.trainees` still lists the names (never answers) for a
  trainer's overview; the pages never show it.

These rules guard what a trainee can reach through the pages; whoever can open the SQLite file itself (a
notebook on the same server) can read it, so on a shared server the file belongs where trainees' kernels
cannot reach it.

Files of the old layout (one ``answers`` table) are migrated in place when a store opens them: the
``trainees`` table (name, kind, key hash, team, display name, claim time) is added and ``PRAGMA
user_version`` set to :data:`SCHEMA_VERSION`; answer rows are not touched.

A trainee exports their answers as CSV (:meth:`AnswerStore.export_csv`) or Excel
(:meth:`AnswerStore.export_xlsx`). Bad input (an empty trainee name, an answer that is not plain
data, a score outside 0–100) raises :class:`simlib.ScenarioError` naming the field; so does a refused
identity (``trainee`` or ``token``) and a refused trainer key (``trainer_key``).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.i18n import t
from simlib.base.keys import ALPHABET, check_secret, hash_secret, new_code, normalise_code
from simlib.base.schema import ScenarioError, StrictModel

__all__ = ["DEFAULT_PATH", "ENV_VAR", "HUB_ENV", "SCHEMA_VERSION", "TRAINER_ENV", "AnswerStore",
           "TraineeIdentity", "default_path", "export_all", "hub_identity", "identify", "new_answer_key",
           "normalise_key"]

ENV_VAR = "SDW_ANSWERS"
#: the JupyterHub user this server runs for (set by the hub's spawner)
HUB_ENV = "JUPYTERHUB_USER"
#: the trainer's key, set by whoever runs the server
TRAINER_ENV = "SDW_TRAINER_KEY"
DEFAULT_PATH = Path("~/.sales-drill/answers.sqlite")
COLUMNS = ("trainee", "drill", "attempt", "saved_at", "score", "answer")
#: the trainer's export: a trainee's team and display name, and how the name is held (key, hub or name)
ALL_COLUMNS = ("trainee", "team", "display_name", "access", "drill", "attempt", "saved_at", "score", "answer")
#: 1: the answers table alone; 2: with the trainees table (identities)
SCHEMA_VERSION = 2
#: answer-key letters: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes (as the workshop's join codes)
KEY_ALPHABET = ALPHABET

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
CREATE TABLE IF NOT EXISTS key_failures (
    trainee TEXT NOT NULL,
    at      REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS key_failures_by_trainee ON key_failures (trainee, at);
"""
#: wrong answer keys for one name within :data:`KEY_FAILURE_WINDOW_S` seconds before the name is refused for
#: the rest of the window (whoever asks: guessing a trainee's key is slowed down wherever it comes from)
MAX_KEY_FAILURES = 5
KEY_FAILURE_WINDOW_S = 60
_IDENTITIES = """
CREATE TABLE IF NOT EXISTS trainees (
    trainee      TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('key', 'hub')),
    key_hash     TEXT,
    team         TEXT,
    display_name TEXT NOT NULL,
    claimed_at   TEXT NOT NULL
);
"""
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def default_path() -> Path:
    """``$SDW_ANSWERS`` if set, else ``~/.sales-drill/answers.sqlite``."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else DEFAULT_PATH.expanduser()


# -- identities -------------------------------------------------------------------------------------
class TraineeIdentity(StrictModel):
    """Who reads and writes answers: ``name`` as stored (``"<team>/<display name>"`` or a display name, or
    the hub's user name when ``hub``) and the trainee's answer key (``token``, None before the name is
    claimed). Made by :func:`identify` or :func:`hub_identity`, which validate."""
    name: str
    token: str | None = None
    hub: bool = False

    @property
    def team(self) -> str | None:
        """The workshop team (the part before ``/``), or None."""
        return None if self.hub or "/" not in self.name else self.name.split("/", 1)[0]

    @property
    def display_name(self) -> str:
        return self.name if self.hub or "/" not in self.name else self.name.split("/", 1)[1]

    def __repr__(self) -> str:          # never prints the key
        return f"TraineeIdentity({self.name!r}, token={'…' if self.token else None}, hub={self.hub})"

    __str__ = __repr__


def _name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 80:
        code = "answers_trainee" if path == "trainee" else "answers_drill"
        raise ScenarioError.at(path, code, input=repr(value) if isinstance(value, str) else type(value).__name__)
    return value.strip()


def normalise_key(key: str) -> str:
    """An answer key as typed (lower case, blanks, without dashes) in its canonical form.

        >>> normalise_key(" k7mp qx9t4hca ")
        'K7MP-QX9T-4HCA'
    """
    return normalise_code(key)


def new_answer_key() -> str:
    """A fresh answer key, e.g. ``K7MP-QX9T-4HCA`` (12 letters and digits, about 56 bits; from :mod:`secrets`)."""
    return new_code()


def identify(name: str | TraineeIdentity, token: str | None = None) -> TraineeIdentity:
    """The identity of a trainee who gives ``name`` — a display name, or ``"<team>/<display name>"`` for a
    member of a workshop team (blanks around each part are dropped) — and, once the name is claimed, its
    answer key. A name that is empty or longer than 80 characters, or a team or display name left empty,
    raises :class:`simlib.ScenarioError` at ``trainee``.

        >>> me = identify(" 紅隊 / 王小明 ", "k7mp-qx9t-4hca"); me.name, me.team, me.display_name, me.token
        ('紅隊/王小明', '紅隊', '王小明', 'K7MP-QX9T-4HCA')
    """
    if isinstance(name, TraineeIdentity):
        return name if token is None else name.model_copy(update={"token": normalise_key(token)})
    text = _name(name, "trainee")
    if "/" in text:
        team, _, who = (part.strip() for part in text.partition("/"))
        if not team or not who or "/" in who:
            raise ScenarioError.at("trainee", "answers_team_name", input=repr(text))
        text = f"{team}/{who}"
    if token is not None and not isinstance(token, str):
        raise ScenarioError.at("token", "answers_key_wrong", name=text)
    key = normalise_key(token) if token is not None and token.strip() else None
    return TraineeIdentity(name=text, token=key)


def hub_identity() -> TraineeIdentity | None:
    """The JupyterHub user this server runs for (``$JUPYTERHUB_USER``), or None when it is not set."""
    user = os.environ.get(HUB_ENV, "").strip()
    return TraineeIdentity(name=_name(user, "trainee"), hub=True) if user else None


def _check_trainer(key: Any) -> None:
    """Refuse unless ``key`` is ``$SDW_TRAINER_KEY`` (both hashed, compared in constant time)."""
    expected = os.environ.get(TRAINER_ENV, "")
    if not expected.strip():
        raise ScenarioError.at("trainer_key", "answers_trainer_unset", env=TRAINER_ENV)
    given = key if isinstance(key, str) else ""
    if not hmac.compare_digest(hashlib.sha256(given.strip().encode()).digest(),
                               hashlib.sha256(expected.strip().encode()).digest()):
        raise ScenarioError.at("trainer_key", "answers_trainer_key")


# -- answers as data --------------------------------------------------------------------------------
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _frame(rows: list, columns: tuple[str, ...]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    df["attempt"] = df["attempt"].astype("int64")
    df["score"] = pd.to_numeric(df["score"], errors="coerce").astype(float)
    df["answer"] = [json.loads(a) for a in df["answer"]]
    return df


class AnswerStore:
    """Every attempt of every trainee at every drill, in one SQLite file; each trainee reaches only their own.

    Args:
        path: the SQLite file (default :func:`default_path`); its folder is created. A file of the old
            layout is migrated in place (see the module's docstring).
        timeout: seconds a writer waits for another process's lock before giving up.

    Each call opens its own short connection, so a store is safe to share between threads, and
    several stores (in several processes) on one file see each other's answers at once; writes take
    SQLite's write lock for the moment they need it (``BEGIN IMMEDIATE``), so attempt numbers never
    clash and a name is claimed once. Every method that reads or writes answers takes the trainee's
    identity (:class:`TraineeIdentity`, or a plain name for a name not claimed) and checks it.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 15.0):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout = float(timeout)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._verified: set[tuple[str, str, str]] = set()     # (name, key, hash) already checked: scrypt once
        self._failed: list[str] = []                          # wrong keys to record once the connection closes
        with self._connect() as con:
            con.executescript(_SCHEMA)
            self._migrate(con)

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
            self._record_failures()

    def _record_failures(self) -> None:
        """Keep the wrong keys tried (on a connection of their own: the refused action's transaction is
        rolled back); forget those over a day old."""
        while self._failed:
            name = self._failed.pop()
            con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                now = time.time()
                con.execute("DELETE FROM key_failures WHERE at < ?", (now - 86400,))
                con.execute("INSERT INTO key_failures (trainee, at) VALUES (?, ?)", (name, now))
            finally:
                con.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @staticmethod
    def _migrate(con: sqlite3.Connection) -> None:
        """Bring a file of an older layout to :data:`SCHEMA_VERSION` (adds the trainees table)."""
        (version,) = con.execute("PRAGMA user_version").fetchone()
        if version >= SCHEMA_VERSION:
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(_IDENTITIES)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        """The file's layout version (``PRAGMA user_version``)."""
        with self._connect() as con:
            return int(con.execute("PRAGMA user_version").fetchone()[0])

    # -- identities -----------------------------------------------------------------------------------
    def name_status(self, name: str | TraineeIdentity) -> str:
        """How a name is held: ``"free"`` (no answers, not claimed), ``"unclaimed"`` (answers, no key yet),
        ``"key"`` (claimed with an answer key) or ``"hub"`` (a JupyterHub user's). Says nothing of answers."""
        who = identify(name)
        with self._connect() as con:
            row = con.execute("SELECT kind FROM trainees WHERE trainee = ?", (who.name,)).fetchone()
            if row:
                return str(row[0])
            found = con.execute("SELECT 1 FROM answers WHERE trainee = ? LIMIT 1", (who.name,)).fetchone()
        return "unclaimed" if found else "free"

    def claim(self, name: str | TraineeIdentity) -> tuple[TraineeIdentity, str]:
        """Claim ``name`` with a fresh answer key: returns the identity (with its key) and the key, which
        is shown to the trainee once and stored only hashed. The name's earlier rows, if it had any
        without a key, become the claimant's. A name already claimed raises at ``trainee``."""
        who = identify(name)
        if who.hub:
            raise ScenarioError.at("trainee", "answers_hub_name", name=who.name)
        key = new_answer_key()
        with self._writing() as con:
            if con.execute("SELECT 1 FROM trainees WHERE trainee = ?", (who.name,)).fetchone():
                raise ScenarioError.at("trainee", "answers_name_taken", name=who.name)
            con.execute("INSERT INTO trainees (trainee, kind, key_hash, team, display_name, claimed_at) "
                        "VALUES (?, 'key', ?, ?, ?, ?)",
                        (who.name, hash_secret(key), who.team, who.display_name, _now()))
        return identify(who.name, key), key

    def _authorize(self, con: sqlite3.Connection, who: Any, *, writing: bool = False) -> str:
        """The stored name ``who`` may read (and write): refuses a claimed name without its key, a wrong key,
        a hub name from another process, and a key for a name never claimed."""
        me = identify(who)
        row = con.execute("SELECT kind, key_hash FROM trainees WHERE trainee = ?", (me.name,)).fetchone()
        if me.hub:
            if os.environ.get(HUB_ENV, "").strip() != me.name:
                raise ScenarioError.at("trainee", "answers_hub_mismatch", name=me.name, env=HUB_ENV)
            if row is None and writing:
                con.execute("INSERT INTO trainees (trainee, kind, key_hash, team, display_name, claimed_at) "
                            "VALUES (?, 'hub', NULL, NULL, ?, ?)", (me.name, me.name, _now()))
            elif row is not None and row[0] != "hub":
                raise ScenarioError.at("trainee", "answers_name_taken", name=me.name)
            return me.name
        if row is None:
            if me.token is not None:
                raise ScenarioError.at("token", "answers_key_wrong", name=me.name)
            return me.name                                   # not claimed: the name alone (see the docstring)
        kind, stored = row
        if kind == "hub":
            raise ScenarioError.at("trainee", "answers_hub_name", name=me.name)
        if me.token is None:
            raise ScenarioError.at("token", "answers_key_needed", name=me.name)
        seen = (me.name, me.token, stored)
        if seen not in self._verified:
            since = time.time() - KEY_FAILURE_WINDOW_S
            (tried,) = con.execute("SELECT COUNT(*) FROM key_failures WHERE trainee = ? AND at >= ?",
                                   (me.name, since)).fetchone()
            if tried >= MAX_KEY_FAILURES:
                raise ScenarioError.at("token", "answers_key_slow_down", name=me.name, seconds=KEY_FAILURE_WINDOW_S)
            if not check_secret(me.token, stored):
                self._failed.append(me.name)
                raise ScenarioError.at("token", "answers_key_wrong", name=me.name)
            self._verified.add(seen)
        return me.name

    def check(self, who: str | TraineeIdentity) -> str:
        """The stored name if ``who`` may read its answers; else the refusal (:class:`simlib.ScenarioError`)."""
        with self._connect() as con:
            return self._authorize(con, who)

    # -- writing ------------------------------------------------------------------------------
    def save(self, trainee: str | TraineeIdentity, drill: str, answer: Mapping,
             feedback_score: float | None = None) -> int:
        """Keep one attempt: the ``answer`` (plain data: text, numbers, lists, mappings) with the UTC
        time and, if given, the feedback's score (0–100). Returns the attempt number (1, 2, …) of
        this trainee at this drill; earlier attempts are kept. The identity is checked first."""
        identify(trainee)                                # a bad name is refused before anything else
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
        with self._writing() as con:
            who = self._authorize(con, trainee, writing=True)
            (n,) = con.execute("SELECT COALESCE(MAX(attempt), 0) + 1 FROM answers WHERE trainee = ? AND drill = ?",
                               (who, what)).fetchone()
            con.execute("INSERT INTO answers (trainee, drill, attempt, saved_at, score, answer) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (who, what, n, _now(), score, text))
        return int(n)

    # -- reading ------------------------------------------------------------------------------
    def latest(self, trainee: str | TraineeIdentity, drill: str) -> dict | None:
        """The trainee's last answer to ``drill`` (what a page shows again after a reload), or None."""
        what = _name(drill, "drill")
        with self._connect() as con:
            who = self._authorize(con, trainee)
            row = con.execute("SELECT answer FROM answers WHERE trainee = ? AND drill = ? ORDER BY id DESC LIMIT 1",
                              (who, what)).fetchone()
        return json.loads(row[0]) if row else None

    def history(self, trainee: str | TraineeIdentity, drill: str | None = None) -> pd.DataFrame:
        """Every attempt of the trainee (at ``drill``, or at every drill), oldest first: ``trainee,
        drill, attempt, saved_at`` (ISO 8601 UTC), ``score`` (NaN when none was given) and ``answer``
        (the answer as a dict)."""
        sql = "SELECT trainee, drill, attempt, saved_at, score, answer FROM answers WHERE trainee = ?"
        extra: tuple = ()
        if drill is not None:
            sql += " AND drill = ?"
            extra = (_name(drill, "drill"),)
        with self._connect() as con:
            who = self._authorize(con, trainee)
            rows = con.execute(sql + " ORDER BY id", (who, *extra)).fetchall()
        return _frame(rows, COLUMNS)

    def trainees(self) -> list[str]:
        """Every trainee with at least one answer, sorted (a trainer's overview: names, never answers)."""
        with self._connect() as con:
            return [r[0] for r in con.execute("SELECT DISTINCT trainee FROM answers ORDER BY trainee")]

    # -- the trainer --------------------------------------------------------------------------------
    def export_all(self, trainer_key: str, lang: str | None = None) -> pd.DataFrame:
        """Every attempt of every trainee (the trainer's view), oldest first, with the trainee's ``team``
        and ``display_name`` and how the name is held (``access``: ``key``, ``hub`` or ``name`` for one
        not claimed). Needs the key in ``$SDW_TRAINER_KEY``; a wrong key raises at ``trainer_key``.
        ``lang`` localises the drill names (the columns stay as named here)."""
        _check_trainer(trainer_key)
        with self._connect() as con:
            rows = con.execute(
                "SELECT a.trainee, o.team, o.display_name, COALESCE(o.kind, 'name'), a.drill, a.attempt, "
                "a.saved_at, a.score, a.answer FROM answers a LEFT JOIN trainees o ON o.trainee = a.trainee "
                "ORDER BY a.id").fetchall()
        df = _frame(rows, ALL_COLUMNS)
        split = [(None, n) if "/" not in n else tuple(n.split("/", 1)) for n in df["trainee"]]
        df["team"] = pd.Series([s[0] if pd.isna(tm) else tm for tm, s in zip(df["team"], split, strict=True)],
                               dtype=object)          # None: no team
        df["display_name"] = [s[1] if pd.isna(d) else d for d, s in zip(df["display_name"], split, strict=True)]
        if lang:
            df["drill"] = [_title(d, lang) for d in df["drill"]]
        return df

    def export_all_csv(self, trainer_key: str, lang: str | None = None) -> bytes:
        """:meth:`export_all` as CSV (UTF-8 with a BOM, the answers as JSON text)."""
        df = self.export_all(trainer_key, lang)
        df["answer"] = [json.dumps(a, ensure_ascii=False) for a in df["answer"]]
        return df.to_csv(index=False).encode("utf-8-sig")

    # -- export -------------------------------------------------------------------------------
    def _table(self, trainee: str | TraineeIdentity, lang: str | None) -> pd.DataFrame:
        df = self.history(trainee)
        df["answer"] = [json.dumps(a, ensure_ascii=False) for a in df["answer"]]
        if lang:
            df["drill"] = [_title(d, lang) for d in df["drill"]]
            df = df.rename(columns={c: t(f"drills.answers.col.{c}", lang) for c in COLUMNS})
        return df

    def export_csv(self, trainee: str | TraineeIdentity, lang: str | None = None) -> bytes:
        """The trainee's attempts as CSV, UTF-8 with a byte-order mark (so Excel reads the Chinese),
        one row per attempt, the answer as JSON text. ``lang`` localises the headers and drill names."""
        return self._table(trainee, lang).to_csv(index=False).encode("utf-8-sig")

    def export_xlsx(self, trainee: str | TraineeIdentity, lang: str | None = None) -> bytes:
        """The trainee's attempts as an Excel workbook: a first sheet with every attempt (as the CSV),
        then one sheet per drill with the answers' fields in columns (``scores.kr1``, …)."""
        import openpyxl  # noqa: F401  (the engine pandas uses; an optional dependency of the apps)
        hist = self.history(trainee)
        sheets: dict[str, pd.DataFrame] = {"answers": self._table(trainee, lang)}
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


def export_all(key: str, path: str | os.PathLike | None = None, lang: str | None = None) -> pd.DataFrame:
    """The trainer's export of every answer in the answer file (default :func:`default_path`): see
    :meth:`AnswerStore.export_all`. ``key`` must be the server's ``$SDW_TRAINER_KEY``."""
    _check_trainer(key)
    return AnswerStore(path).export_all(key, lang)


def _title(drill: str, lang: str) -> str:
    text = t(f"drills.title.{drill}", lang)
    return drill if text == f"drills.title.{drill}" else text
