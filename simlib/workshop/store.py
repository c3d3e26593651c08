"""A workshop's database: workshops, teams, every version of every submission, rounds, results, failed codes.

One class, :class:`Store`, through SQLAlchemy Core — the same code on a SQLite file (the default) and on
PostgreSQL (by URL, psycopg 3)::

    >>> import tempfile, os
    >>> store = Store(os.path.join(tempfile.mkdtemp(), "ws.sqlite"))    # a path, or sqlite:///…, postgresql://…
    >>> ws = store.create_workshop({"scenario": "demo", "seed": 7}, "trainer-hash", {"A": "hash-a", "B": "hash-b"})
    >>> store.submit(ws, "A", 1, {"price": 0.95}), store.submit(ws, "A", 1, {"price": 1.1})
    (1, 2)
    >>> Store(store.url).latest(ws, 1)                  # another handle (another process) sees the same
    {'A': {'price': 1.1}}
    >>> store.history(ws)[["team", "round", "version"]].values.tolist()      # every version is kept
    [['A', 1, 1], ['A', 1, 2]]
    >>> store.dispose()

What it promises (CONTRACT §5):

- **Every version is kept** (the audit trail) and numbered 1, 2, … per team and round with no gap, even when
  several processes submit for one team at once: on SQLite a write takes the database's write lock when it
  begins (``BEGIN IMMEDIATE``); on PostgreSQL it locks the team's row (``SELECT … FOR UPDATE``); a unique
  violation, a serialization failure or a busy database is retried in a new transaction.
- **A submission that returned is durable**: each action is one transaction (``engine.begin()``) that has
  committed when the method returns; SQLite runs in WAL mode with ``synchronous=FULL`` (the commit reaches
  the disk), foreign keys on and a 10 s busy timeout; PostgreSQL commits synchronously by default.
- **The schema is Alembic's**: opening a store upgrades the database to the newest migration shipped in
  ``simlib/workshop/migrations/`` (no ``alembic.ini`` needed); two processes opening a new database at once
  migrate it once.
- Decisions and results are JSON; a float comes back as the same float. Decisions must be finite (NaN is not
  JSON and raises); in result rows a NaN or an infinity is stored as null (a missing value in a DataFrame).

Bad input raises :class:`simlib.ScenarioError` naming the argument (``round_no``, ``teams.A``, ``decisions``…).
The store checks no code or key (it keeps only hashes); :mod:`simlib.workshop.api` does.
"""
from __future__ import annotations

import json
import math
import os
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

import numpy as np
import pandas as pd
from pydantic import StringConstraints
from sqlalchemy import Connection, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from simlib.base.schema import ScenarioError, StrictModel, validate_model
from simlib.workshop.tables import (
    FAILURES,
    HASH_LENGTH,
    NAME_LENGTH,
    RESULT_KINDS,
    RESULTS,
    ROUND_STATUSES,
    ROUNDS,
    SUBMISSIONS,
    TEAMS,
    WHO_LENGTH,
    WORKSHOP_STATUSES,
    WORKSHOPS,
)

__all__ = ["DEFAULT_PATH", "ENV_VAR", "HISTORY_COLUMNS", "Store", "default_url"]

ENV_VAR = "SDW_DB"
DEFAULT_PATH = Path("~/.sales-drill/workshops.sqlite")
HISTORY_COLUMNS = ("team", "round", "version", "submitted_at", "submitted_by", "decisions")
BUSY_TIMEOUT_S = 10.0
RETRIES = 30             # attempts of one action before its error is raised
FAILURES_KEPT = timedelta(days=1)   # older failed attempts are deleted when a new one is noted

# PostgreSQL's codes for a write to do again: unique violation, serialization failure, deadlock
_RETRY_SQLSTATES = frozenset({"23505", "40001", "40P01"})
_RETRY_SQLITE = ("database is locked", "database is busy", "unique constraint failed")
T = TypeVar("T")

TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_LENGTH)]
Hash = Annotated[str, StringConstraints(min_length=1, max_length=HASH_LENGTH)]


class NewWorkshop(StrictModel):
    """What a new workshop is made of: the trainer's settings, the key's hash, the teams' code hashes."""
    config: dict[str, Any]
    trainer_key_hash: Hash
    teams: dict[TeamName, Hash]


def default_url() -> str:
    """``$SDW_DB`` (a URL or a file path) if set, else the SQLite file ``~/.sales-drill/workshops.sqlite``."""
    return os.environ.get(ENV_VAR) or str(DEFAULT_PATH.expanduser())


# ---------------------------------------------------------------------------------------------
# Checking the arguments
# ---------------------------------------------------------------------------------------------
def _text(value: Any, path: str, limit: int, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ScenarioError.at(path, "type_text", input=type(value).__name__)
    if not empty and not value.strip():
        raise ScenarioError.at(path, "string_too_short", min=1, max=limit)
    if len(value) > limit:
        raise ScenarioError.at(path, "string_too_long", min=1, max=limit)
    return value


def _count(value: Any, path: str, minimum: int = 1) -> int:
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError.at(path, "type_integer", input=repr(value) if isinstance(value, str) else value)
    if value < minimum:
        raise ScenarioError.at(path, "greater_than_equal", limit=minimum, input=value)
    return value


def _choice(value: Any, path: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ScenarioError.at(path, "choice", expected=", ".join(allowed), input=repr(value))
    return value


def _plain(x: Any) -> Any:
    """numpy and pandas scalars, arrays, times and sets as JSON's own types (``json.dumps(default=…)``)."""
    if isinstance(x, (np.integer, np.floating, np.bool_)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (datetime, date, pd.Timestamp)):
        return x.isoformat()
    if isinstance(x, (set, frozenset)):
        return sorted(x, key=str)
    if x is pd.NA or x is pd.NaT:
        return None
    raise TypeError(f"{type(x).__name__} is not JSON")


def _finite_or_none(x: Any) -> Any:
    """``x`` with every NaN and infinity (also inside lists and mappings) as None."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite_or_none(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite_or_none(v) for v in x]
    return x


def _json(value: Any, path: str, *, nan_as_null: bool = False) -> dict[str, Any]:
    """A mapping as plain JSON data (what the database will give back), or a ScenarioError naming ``path``."""
    if not isinstance(value, Mapping):
        raise ScenarioError.at(path, "type_mapping", input=type(value).__name__)
    try:
        data = json.loads(json.dumps(dict(value), ensure_ascii=False, default=_plain))
        if nan_as_null:
            data = _finite_or_none(data)
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ScenarioError.at(path, "ws_store_json", detail=str(err) or "NaN") from None
    return data


def _utc(when: datetime | None) -> datetime | None:
    """A time read back, in UTC (SQLite gives it back without a zone; it was written in UTC)."""
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------
# URLs and engines
# ---------------------------------------------------------------------------------------------
def _url(url: str | os.PathLike | None) -> URL:
    """A SQLAlchemy URL: a SQLite file (a path or ``sqlite:///…``) or PostgreSQL through psycopg 3."""
    text = str(url) if url is not None else default_url()
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return URL.create("sqlite", database=str(path))
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise ScenarioError.at("url", "ws_store_url", url=text) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed.set(drivername="sqlite")
    raise ScenarioError.at("url", "ws_store_url", url=parsed.render_as_string(hide_password=True))


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    if not memory:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, json_serializer=_dumps, connect_args={"timeout": BUSY_TIMEOUT_S,
                                                                       "check_same_thread": False},
                           **({"poolclass": StaticPool} if memory else {}))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None     # the driver begins nothing itself: _begin below does
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # a write takes the write lock at once, so two writers never both read the same latest version
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


def _postgres_engine(url: URL) -> Engine:
    try:
        import psycopg  # noqa: F401  (the driver SQLAlchemy will load)
    except ImportError:
        raise ScenarioError.at("url", "ws_store_driver", url=url.render_as_string(hide_password=True)) from None
    return create_engine(url, json_serializer=_dumps, pool_pre_ping=True, pool_size=2, max_overflow=4)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _retryable(err: DBAPIError) -> bool:
    if getattr(err.orig, "sqlstate", None) in _RETRY_SQLSTATES:
        return True
    text = str(err.orig).lower()
    return isinstance(err, (OperationalError, IntegrityError)) and any(s in text for s in _RETRY_SQLITE)


# ---------------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------------
class Store:
    """The workshops of one database (SQLite file by default, PostgreSQL by URL), upgraded when opened.

    Args:
        url: ``sqlite:///path``, a file path, ``postgresql://user:pw@host/db`` (psycopg 3), or None for
            :func:`default_url` (``$SDW_DB``, else ``~/.sales-drill/workshops.sqlite``; folders are made).

    Safe to share between threads; every process opens its own. Each method is one transaction.
    """

    def __init__(self, url: str | os.PathLike | None = None):
        self._url = _url(url)
        self.backend = self._url.get_backend_name()
        self.engine = _sqlite_engine(self._url) if self.backend == "sqlite" else _postgres_engine(self._url)
        self._writer = self.engine.execution_options(write=True)
        try:
            self._upgrade()
        except Exception:
            self.engine.dispose()
            raise

    @property
    def url(self) -> str:
        """The database's URL (with its password: another process opens the same store with it)."""
        return self._url.render_as_string(hide_password=False)

    def __repr__(self) -> str:
        return f"Store({self._url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def dispose(self) -> None:
        """Close the store's connections (a store used afterwards opens new ones)."""
        self.engine.dispose()

    # -- schema ----------------------------------------------------------------------------------
    def _upgrade(self) -> None:
        """Bring the database to the newest migration, once even when several processes open it at once."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(resources.files("simlib.workshop") / "migrations"))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        with self.engine.connect() as conn:
            if set(MigrationContext.configure(conn).get_current_heads()) == heads:
                return
        with self._writer.begin() as conn:
            if self.backend == "postgresql":     # one migrator at a time; the others wait, then find it done
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7290513)")
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def schema_version(self) -> str | None:
        """The migration the database is at (Alembic's revision), or None before the first."""
        from alembic.runtime.migration import MigrationContext
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # -- transactions ----------------------------------------------------------------------------
    def _write(self, action: Callable[[Connection], T]) -> T:
        """Run ``action`` in one write transaction, again in a new one when it collided with another writer."""
        for attempt in range(RETRIES):
            try:
                with self._writer.begin() as conn:
                    return action(conn)
            except DBAPIError as err:
                if attempt == RETRIES - 1 or not _retryable(err):
                    raise
                time.sleep(min(0.25, 0.002 * 2 ** attempt))
        raise AssertionError("unreachable")

    def _exists(self, conn: Connection, ws_id: Any) -> str:
        ws_id = _text(ws_id, "ws_id", 64)
        if conn.execute(select(WORKSHOPS.c.id).where(WORKSHOPS.c.id == ws_id)).first() is None:
            raise ScenarioError.at("ws_id", "ws_store_workshop", id=ws_id)
        return ws_id

    # -- workshops and teams ---------------------------------------------------------------------
    def create_workshop(self, config: dict, trainer_key_hash: str, teams: dict[str, str]) -> str:
        """A new workshop with its teams (in the order given); returns its id (random, URL-safe).

        Round 1 is open and current. ``config`` is the trainer's settings (any JSON mapping); the key and
        the codes are stored as the hashes given.
        """
        if not isinstance(teams, Mapping) or not teams:
            raise ScenarioError.at("teams", "too_short", min=1, max=None, actual=len(teams or ()))
        spec = validate_model(NewWorkshop, {"config": _json(config, "config"), "trainer_key_hash": trainer_key_hash,
                                            "teams": dict(teams)})
        if len(spec.teams) != len(teams):      # two names the same once stripped of spaces
            seen = [str(name).strip() for name in teams]
            raise ScenarioError.at("teams", "duplicate_name", name=next(n for n in seen if seen.count(n) > 1))
        now = _now()

        def create(conn: Connection) -> str:
            # the id names a workshop in links: unguessable, so a secret, never a draw of the seeded world
            ws_id = secrets.token_urlsafe(12)
            conn.execute(insert(WORKSHOPS).values(id=ws_id, config=spec.config, trainer_key_hash=spec.trainer_key_hash,
                                                  created_at=now, current_round=1, status="active"))
            conn.execute(insert(TEAMS), [{"workshop_id": ws_id, "name": name, "code_hash": code, "position": i}
                                         for i, (name, code) in enumerate(spec.teams.items())])
            conn.execute(insert(ROUNDS).values(workshop_id=ws_id, round=1, status="open"))
            return ws_id

        return self._write(create)

    def workshop(self, ws_id: str) -> dict | None:
        """``{id, config, trainer_key_hash, created_at, current_round, status}``, or None for an unknown id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(WORKSHOPS).where(WORKSHOPS.c.id == str(ws_id))).mappings().first()
        if row is None:
            return None
        return {**row, "created_at": _utc(row["created_at"])}

    def list_workshops(self) -> list[dict]:
        """Every workshop, newest first: ``{id, created_at, current_round, status, teams, config}`` (no hashes)."""
        n_teams = (select(TEAMS.c.workshop_id, func.count().label("teams")).group_by(TEAMS.c.workshop_id)
                   .subquery())
        query = (select(WORKSHOPS.c.id, WORKSHOPS.c.created_at, WORKSHOPS.c.current_round, WORKSHOPS.c.status,
                        func.coalesce(n_teams.c.teams, 0).label("teams"), WORKSHOPS.c.config)
                 .outerjoin(n_teams, n_teams.c.workshop_id == WORKSHOPS.c.id)
                 .order_by(WORKSHOPS.c.created_at.desc(), WORKSHOPS.c.id))
        with self.engine.connect() as conn:
            return [{**row, "created_at": _utc(row["created_at"])} for row in conn.execute(query).mappings()]

    def teams(self, ws_id: str) -> dict[str, str]:
        """``{team name: its code's hash}`` in the workshop's order (empty for an unknown workshop)."""
        query = select(TEAMS.c.name, TEAMS.c.code_hash).where(TEAMS.c.workshop_id == str(ws_id))
        with self.engine.connect() as conn:
            return dict(conn.execute(query.order_by(TEAMS.c.position)).all())

    def set_current_round(self, ws_id: str, n: int) -> None:
        """Make round ``n`` the one open for decisions (0: none yet)."""
        n = _count(n, "n", minimum=0)

        def set_it(conn: Connection) -> None:
            self._exists(conn, ws_id)
            conn.execute(update(WORKSHOPS).where(WORKSHOPS.c.id == ws_id).values(current_round=n))

        self._write(set_it)

    def set_status(self, ws_id: str, status: str) -> None:
        """The workshop's status: ``active`` or ``finished``."""
        status = _choice(status, "status", WORKSHOP_STATUSES)

        def set_it(conn: Connection) -> None:
            self._exists(conn, ws_id)
            conn.execute(update(WORKSHOPS).where(WORKSHOPS.c.id == ws_id).values(status=status))

        self._write(set_it)

    # -- submissions -----------------------------------------------------------------------------
    def submit(self, ws_id: str, team: str, round_no: int, decisions: dict, by: str = "") -> int:
        """Keep a new version of ``team``'s decisions for round ``round_no``; returns its number (1, 2, …).

        Returns once the version is committed: it survives the process or the server dying next.
        """
        round_no = _count(round_no, "round_no")
        team = _text(team, "team", NAME_LENGTH)
        by = _text(by, "by", WHO_LENGTH, empty=True)
        data = _json(decisions, "decisions")
        now = _now()

        def add(conn: Connection) -> int:
            self._exists(conn, ws_id)
            # the team's row is the lock of its versions (PostgreSQL; SQLite's BEGIN IMMEDIATE locks it all)
            owner = conn.execute(select(TEAMS.c.name).where(TEAMS.c.workshop_id == ws_id, TEAMS.c.name == team)
                                 .with_for_update()).first()
            if owner is None:
                names = conn.execute(select(TEAMS.c.name).where(TEAMS.c.workshop_id == ws_id)
                                     .order_by(TEAMS.c.position)).scalars()
                raise ScenarioError.at("team", "ws_store_team", team=team, valid=", ".join(names))
            last = conn.execute(select(func.max(SUBMISSIONS.c.version)).where(
                SUBMISSIONS.c.workshop_id == ws_id, SUBMISSIONS.c.team == team,
                SUBMISSIONS.c.round == round_no)).scalar()
            version = (last or 0) + 1
            conn.execute(insert(SUBMISSIONS).values(workshop_id=ws_id, team=team, round=round_no, version=version,
                                                    decisions=data, submitted_at=now, submitted_by=by))
            return version

        return self._write(add)

    @staticmethod
    def _team_order(conn: Connection, ws_id: str) -> dict[str, int]:
        query = select(TEAMS.c.name, TEAMS.c.position).where(TEAMS.c.workshop_id == ws_id)
        return dict(conn.execute(query).all())

    def latest(self, ws_id: str, round_no: int) -> dict[str, dict]:
        """``{team: its latest decisions}`` for round ``round_no``, teams that submitted only, in team order."""
        round_no = _count(round_no, "round_no")
        ws_id = str(ws_id)
        # one pass over the round's versions, whatever the planner's statistics (a join on max(version) can
        # turn quadratic on PostgreSQL before its first ANALYZE)
        rank = func.row_number().over(partition_by=SUBMISSIONS.c.team, order_by=SUBMISSIONS.c.version.desc())
        ranked = (select(SUBMISSIONS.c.team, SUBMISSIONS.c.decisions, rank.label("rank"))
                  .where(SUBMISSIONS.c.workshop_id == ws_id, SUBMISSIONS.c.round == round_no).subquery())
        with self.engine.connect() as conn:
            rows = conn.execute(select(ranked.c.team, ranked.c.decisions).where(ranked.c.rank == 1)).all()
            order = self._team_order(conn, ws_id)
        return dict(sorted(rows, key=lambda row: order.get(row[0], len(order))))

    def latest_of(self, ws_id: str, team: str, round_no: int) -> dict | None:
        """``team``'s latest decisions for round ``round_no``, or None before its first submission."""
        round_no = _count(round_no, "round_no")
        query = (select(SUBMISSIONS.c.decisions)
                 .where(SUBMISSIONS.c.workshop_id == str(ws_id), SUBMISSIONS.c.team == str(team),
                        SUBMISSIONS.c.round == round_no)
                 .order_by(SUBMISSIONS.c.version.desc()).limit(1))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def history(self, ws_id: str) -> pd.DataFrame:
        """Every version of every submission: one row each (``HISTORY_COLUMNS``), by round, team order, version."""
        ws_id = str(ws_id)
        query = select(*(SUBMISSIONS.c[c] for c in HISTORY_COLUMNS)).where(SUBMISSIONS.c.workshop_id == ws_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            order = self._team_order(conn, ws_id)
        rows.sort(key=lambda row: (row.round, order.get(row.team, len(order)), row.version))
        frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
        frame["submitted_at"] = pd.to_datetime([_utc(w) for w in frame["submitted_at"]], utc=True)
        return frame.astype({"team": object, "round": "int64", "version": "int64", "submitted_by": object})

    # -- rounds ----------------------------------------------------------------------------------
    def set_round(self, ws_id: str, round_no: int, status: str) -> None:
        """Round ``round_no``'s status: ``open`` (times cleared), ``closed`` or ``published`` (times stamped once)."""
        round_no = _count(round_no, "round_no")
        status = _choice(status, "status", ROUND_STATUSES)
        now = _now()

        def set_it(conn: Connection) -> None:
            self._exists(conn, ws_id)
            key = (ROUNDS.c.workshop_id == ws_id) & (ROUNDS.c.round == round_no)
            row = conn.execute(select(ROUNDS.c.closed_at, ROUNDS.c.published_at).where(key)).first()
            closed, published = (None, None) if row is None else (row.closed_at, row.published_at)
            if status == "open":
                closed = published = None
            else:
                closed = closed or now
                published = (published or now) if status == "published" else None
            values = {"status": status, "closed_at": closed, "published_at": published}
            if row is None:
                conn.execute(insert(ROUNDS).values(workshop_id=ws_id, round=round_no, **values))
            else:
                conn.execute(update(ROUNDS).where(key).values(**values))

        self._write(set_it)

    def round_status(self, ws_id: str, round_no: int) -> str | None:
        """``open``, ``closed``, ``published``, or None for a round never opened."""
        round_no = _count(round_no, "round_no")
        query = select(ROUNDS.c.status).where(ROUNDS.c.workshop_id == str(ws_id), ROUNDS.c.round == round_no)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def rounds(self, ws_id: str) -> pd.DataFrame:
        """Every round of the workshop: ``round``, ``status``, ``closed_at``, ``published_at``."""
        query = (select(ROUNDS.c.round, ROUNDS.c.status, ROUNDS.c.closed_at, ROUNDS.c.published_at)
                 .where(ROUNDS.c.workshop_id == str(ws_id)).order_by(ROUNDS.c.round))
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).all(),
                                 columns=["round", "status", "closed_at", "published_at"])
        for col in ("closed_at", "published_at"):
            frame[col] = pd.to_datetime([_utc(w) for w in frame[col]], utc=True)
        return frame

    # -- results ---------------------------------------------------------------------------------
    def save_results(self, ws_id: str, round_no: int, team_rows: list[dict], rep_rows: list[dict]) -> None:
        """Round ``round_no``'s results, replacing any saved before, in one transaction.

        Each row is a JSON mapping; its ``team`` entry (if any) is what :meth:`results` filters on.
        """
        round_no = _count(round_no, "round_no")
        records = []
        for kind, rows in (("team", team_rows), ("rep", rep_rows)):
            if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Sequence):
                raise ScenarioError.at(f"{kind}_rows", "type_list", input=type(rows).__name__)
            for i, row in enumerate(rows):
                payload = _json(row, f"{kind}_rows[{i}]", nan_as_null=True)
                team = payload.get("team")
                records.append({"workshop_id": ws_id, "round": round_no, "kind": kind, "position": i,
                                "team": team if isinstance(team, str) else None, "payload": payload})

        def replace(conn: Connection) -> None:
            self._exists(conn, ws_id)
            conn.execute(delete(RESULTS).where(RESULTS.c.workshop_id == ws_id, RESULTS.c.round == round_no))
            if records:
                conn.execute(insert(RESULTS), records)

        self._write(replace)

    def results(self, ws_id: str, round_no: int | None = None, team: str | None = None,
                kind: str = "team") -> list[dict]:
        """The saved rows (payloads as saved) of one kind — ``team`` or ``rep`` — by round, then in saved order;
        of one round and/or one team when given."""
        kind = _choice(kind, "kind", RESULT_KINDS)
        query = select(RESULTS.c.payload).where(RESULTS.c.workshop_id == str(ws_id), RESULTS.c.kind == kind)
        if round_no is not None:
            query = query.where(RESULTS.c.round == _count(round_no, "round_no"))
        if team is not None:
            query = query.where(RESULTS.c.team == str(team))
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(RESULTS.c.round, RESULTS.c.position)).scalars())

    # -- failed attempts -------------------------------------------------------------------------
    def note_failure(self, who: str) -> None:
        """Record that ``who`` (an address, a session…) just tried a wrong code; forget attempts over a day old."""
        who = _text(who, "who", WHO_LENGTH)
        now = _now()

        def note(conn: Connection) -> None:
            conn.execute(delete(FAILURES).where(FAILURES.c.at < now - FAILURES_KEPT))
            conn.execute(insert(FAILURES).values(who=who, at=now))

        self._write(note)

    def recent_failures(self, who: str, seconds: float) -> int:
        """How many wrong codes ``who`` tried in the last ``seconds``."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ScenarioError.at("seconds", "type_number", input=repr(seconds))
        since = _now() - timedelta(seconds=max(0.0, float(seconds)))
        query = select(func.count()).select_from(FAILURES).where(FAILURES.c.who == str(who), FAILURES.c.at >= since)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)
