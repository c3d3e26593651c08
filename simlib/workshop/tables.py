"""The tables of a workshop's database (SQLAlchemy Core): what :mod:`simlib.workshop.store` reads and writes.

Alembic's migrations (``simlib/workshop/migrations/versions/``) build these tables; the store upgrades a
database to the newest migration when it opens it, and ``tests/test_workshop_store.py`` checks that the
migrations and :data:`METADATA` describe the same schema (Alembic's autogenerate finds no difference), on
SQLite and on PostgreSQL. A change of schema is therefore two edits: this module and a new migration.

- ``workshops`` — one per workshop: its random id, the trainer's settings (``config``), the trainer key's
  hash, the round open for decisions and the workshop's status;
- ``teams`` — each team's name, the hash of its join code and its place in the workshop's order;
- ``submissions`` — every version of every team's decisions for every round, never overwritten (the audit
  trail); a team's latest version is its decisions;
- ``rounds`` — a round's status (open, closed, published) and when it was closed and published;
- ``results`` — a round's rows per team and per rep, replaced as a whole when the round is (re)run;
- ``failures`` — when a wrong code was tried, per caller, so that repeated guesses can be slowed.

JSON columns are :class:`sqlalchemy.JSON`: text in SQLite and PostgreSQL's ``json`` (kept as written, so
a float comes back as the same float and keys keep their order — ``jsonb`` would rewrite numbers such as
``1e+16`` as integers). Times are stored in UTC.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

__all__ = ["FAILURES", "METADATA", "RESULTS", "RESULT_KINDS", "ROUNDS", "ROUND_STATUSES", "SUBMISSIONS", "TEAMS",
           "WORKSHOPS", "WORKSHOP_STATUSES"]

#: the states of a round: decisions are taken while it is open; closing runs it; publishing shows results
ROUND_STATUSES: tuple[str, ...] = ("open", "closed", "published")
#: the states of a workshop (the workbook's choice: the decks run a workshop in a day and never archive one)
WORKSHOP_STATUSES: tuple[str, ...] = ("active", "finished")
#: a result row is a team's or a rep's
RESULT_KINDS: tuple[str, ...] = ("team", "rep")

#: constraint names spelled the same on every database, so migrations and this module compare equal
METADATA = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID_LENGTH = 32     # a workshop id: secrets.token_urlsafe(12) is 16 characters
NAME_LENGTH = 80   # a team's name
HASH_LENGTH = 256  # a hashed code or key, in whatever scheme the caller uses
WHO_LENGTH = 200   # who tried a code: an address, a session, a team

WORKSHOPS = Table(
    "workshops", METADATA,
    Column("id", String(ID_LENGTH), primary_key=True),
    Column("config", JSON, nullable=False),
    Column("trainer_key_hash", String(HASH_LENGTH), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("current_round", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    CheckConstraint("status IN ('active', 'finished')", name="status"),
    CheckConstraint("current_round >= 0", name="current_round"),
)

TEAMS = Table(
    "teams", METADATA,
    Column("workshop_id", String(ID_LENGTH), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(NAME_LENGTH), primary_key=True),
    Column("code_hash", String(HASH_LENGTH), nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("workshop_id", "position"),
)

SUBMISSIONS = Table(
    "submissions", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", String(ID_LENGTH), nullable=False),
    Column("team", String(NAME_LENGTH), nullable=False),
    Column("round", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("decisions", JSON, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("submitted_by", String(WHO_LENGTH), nullable=False),
    ForeignKeyConstraint(["workshop_id", "team"], ["teams.workshop_id", "teams.name"], ondelete="CASCADE"),
    UniqueConstraint("workshop_id", "team", "round", "version"),
    CheckConstraint("round >= 1", name="round"),
    CheckConstraint("version >= 1", name="version"),
)

ROUNDS = Table(
    "rounds", METADATA,
    Column("workshop_id", String(ID_LENGTH), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("status IN ('open', 'closed', 'published')", name="status"),
    CheckConstraint("round >= 1", name="round"),
)

RESULTS = Table(
    "results", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", String(ID_LENGTH), ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("team", String(NAME_LENGTH), nullable=True),
    Column("position", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    Index(None, "workshop_id", "round", "kind"),
    CheckConstraint("kind IN ('team', 'rep')", name="kind"),
)

FAILURES = Table(
    "failures", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("who", String(WHO_LENGTH), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index(None, "who", "at"),
)
