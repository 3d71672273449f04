"""ideas: briefs and their targets, ambassadors' submissions, production help requests

Revision ID: c4c2f3e4a5b6
Revises: cd13280de274
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "c4c2f3e4a5b6"
down_revision: str | None = "cd13280de274"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at() -> common.db.UTCDateTime:
    return common.db.UTCDateTime(timezone=True)


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    _create_ideas()
    _create_idea_targets()
    _create_submissions()
    _create_help_requests()


def downgrade() -> None:
    op.drop_table("content_help_requests")
    op.drop_table("content_submissions")
    op.drop_table("content_idea_targets")
    op.drop_table("content_ideas")


def _create_ideas() -> None:
    op.create_table(
        "content_ideas",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("title", _text(300), nullable=False),
        sa.Column("angle", _text(5_000), nullable=False),
        sa.Column("format", _text(16), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("deadline", _at(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column("published_at", _at(), nullable=True),
        sa.Column("closed_at", _at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_ideas")),
    )
    op.create_index("ix_content_ideas_org_recent", "content_ideas", ["org_id", "created_at", "id"])
    op.create_index(
        "ix_content_ideas_org_status_recent",
        "content_ideas",
        ["org_id", "status", "created_at", "id"],
    )
    op.create_index("ix_content_ideas_org_campaign", "content_ideas", ["org_id", "campaign_id"])


def _create_idea_targets() -> None:
    op.create_table(
        "content_idea_targets",
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        _fk("content_idea_targets", "idea_id", "content_ideas"),
        sa.PrimaryKeyConstraint("idea_id", "sub_program_id", name=op.f("pk_content_idea_targets")),
    )
    op.create_index(
        "ix_content_idea_targets_sub_program",
        "content_idea_targets",
        ["org_id", "sub_program_id", "idea_id"],
    )


def _create_submissions() -> None:
    op.create_table(
        "content_submissions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=True),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("network", _text(16), nullable=True),
        sa.Column("title", _text(300), nullable=False),
        sa.Column("text", _text(10_000), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("language", _text(35), nullable=False),
        sa.Column("status", _text(24), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("reason", _text(2_000), nullable=True),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("content_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column("reviewed_at", _at(), nullable=True),
        _fk("content_submissions", "idea_id", "content_ideas"),
        _fk("content_submissions", "content_id", "content_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_submissions")),
    )
    table = "content_submissions"
    op.create_index(f"ix_{table}_org_recent", table, ["org_id", "created_at", "id"])
    op.create_index(f"ix_{table}_author", table, ["org_id", "author_id", "created_at", "id"])
    op.create_index(f"ix_{table}_sub_program", table, ["org_id", "sub_program_id", "created_at"])
    op.create_index(f"ix_{table}_idea", table, ["org_id", "idea_id"])


def _create_help_requests() -> None:
    table = "content_help_requests"
    op.create_table(
        table,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _text(16), nullable=False),
        sa.Column("message", _text(2_000), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=True),
        sa.Column("submission_id", sa.Uuid(), nullable=True),
        sa.Column("content_id", sa.Uuid(), nullable=True),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("resolution", _text(2_000), nullable=True),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column("assigned_at", _at(), nullable=True),
        sa.Column("closed_at", _at(), nullable=True),
        _fk(table, "idea_id", "content_ideas"),
        _fk(table, "submission_id", "content_submissions"),
        _fk(table, "content_id", "content_items"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(f"ix_{table}_org_recent", table, ["org_id", "created_at", "id"])
    op.create_index(f"ix_{table}_requester", table, ["org_id", "requested_by", "created_at"])
    op.create_index(f"ix_{table}_sub_program", table, ["org_id", "sub_program_id", "created_at"])
