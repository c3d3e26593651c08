"""The workshop store's first schema: workshops, teams, submissions, rounds, results, failures.

The tables of :mod:`simlib.workshop.tables` as they were first shipped; a later change of schema is a new
migration that revises this one, never an edit of it.

Revision ID: 0001
Revises:
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("trainer_key_hash", sa.String(256), nullable=False),
        _when("created_at"),
        sa.Column("current_round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.CheckConstraint("status IN ('active', 'finished')", name="ck_workshops_status"),
        sa.CheckConstraint("current_round >= 0", name="ck_workshops_current_round"),
        sa.PrimaryKeyConstraint("id", name="pk_workshops"),
    )
    op.create_table(
        "teams",
        sa.Column("workshop_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("code_hash", sa.String(256), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE",
                                name="fk_teams_workshop_id_workshops"),
        sa.PrimaryKeyConstraint("workshop_id", "name", name="pk_teams"),
        sa.UniqueConstraint("workshop_id", "position", name="uq_teams_workshop_id_position"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workshop_id", sa.String(32), nullable=False),
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        _when("submitted_at"),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id", "team"], ["teams.workshop_id", "teams.name"], ondelete="CASCADE",
                                name="fk_submissions_workshop_id_team_teams"),
        sa.UniqueConstraint("workshop_id", "team", "round", "version",
                            name="uq_submissions_workshop_id_team_round_version"),
        sa.CheckConstraint("round >= 1", name="ck_submissions_round"),
        sa.CheckConstraint("version >= 1", name="ck_submissions_version"),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
    )
    op.create_table(
        "rounds",
        sa.Column("workshop_id", sa.String(32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _when("closed_at", nullable=True),
        _when("published_at", nullable=True),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE",
                                name="fk_rounds_workshop_id_workshops"),
        sa.CheckConstraint("status IN ('open', 'closed', 'published')", name="ck_rounds_status"),
        sa.CheckConstraint("round >= 1", name="ck_rounds_round"),
        sa.PrimaryKeyConstraint("workshop_id", "round", name="pk_rounds"),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workshop_id", sa.String(32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("team", sa.String(80), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE",
                                name="fk_results_workshop_id_workshops"),
        sa.CheckConstraint("kind IN ('team', 'rep')", name="ck_results_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_results"),
    )
    op.create_index("ix_results_workshop_id_round_kind", "results", ["workshop_id", "round", "kind"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("id", name="pk_failures"),
    )
    op.create_index("ix_failures_who_at", "failures", ["who", "at"])


def downgrade() -> None:
    op.drop_index("ix_failures_who_at", table_name="failures")
    op.drop_table("failures")
    op.drop_index("ix_results_workshop_id_round_kind", table_name="results")
    op.drop_table("results")
    op.drop_table("rounds")
    op.drop_table("submissions")
    op.drop_table("teams")
    op.drop_table("workshops")
