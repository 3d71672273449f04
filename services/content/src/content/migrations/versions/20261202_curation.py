"""curation: feed sources, their targets, and the queue of entries deduplicated by link

Revision ID: c5d3a4f5b6c7
Revises: cd13280de274
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "c5d3a4f5b6c7"
down_revision: str | None = "cd13280de274"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at() -> common.db.UTCDateTime:
    return common.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    _create_sources()
    _create_source_targets()
    _create_entries()


def downgrade() -> None:
    op.drop_table("curation_entries")
    op.drop_table("curation_source_targets")
    op.drop_table("curation_sources")


def _create_sources() -> None:
    op.create_table(
        "curation_sources",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("url", _text(2048), nullable=False),
        sa.Column("targeting", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("language", _text(35), nullable=False),
        sa.Column("poll_interval_minutes", sa.Integer(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column("next_poll_at", _at(), nullable=False),
        sa.Column("last_polled_at", _at(), nullable=True),
        sa.Column("last_error", _text(500), nullable=True),
        sa.Column("last_error_at", _at(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("entries_found", sa.Integer(), nullable=False),
        sa.Column("etag", _text(500), nullable=True),
        sa.Column("last_modified", _text(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_sources")),
        sa.UniqueConstraint("org_id", "url", name="uq_curation_sources_org_url"),
    )
    op.create_index(
        "ix_curation_sources_org_recent", "curation_sources", ["org_id", "created_at", "id"]
    )
    op.create_index("ix_curation_sources_due", "curation_sources", ["status", "next_poll_at"])


def _create_source_targets() -> None:
    op.create_table(
        "curation_source_targets",
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["curation_sources.id"],
            name=op.f("fk_curation_source_targets_source_id_curation_sources"),
        ),
        sa.PrimaryKeyConstraint(
            "source_id", "sub_program_id", name=op.f("pk_curation_source_targets")
        ),
    )
    op.create_index(
        "ix_curation_source_targets_sub_program",
        "curation_source_targets",
        ["org_id", "sub_program_id", "source_id"],
    )


def _create_entries() -> None:
    op.create_table(
        "curation_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("title", _text(300), nullable=False),
        sa.Column("link", _text(2048), nullable=False),
        sa.Column("link_key", _text(2048), nullable=False),
        sa.Column("summary", _text(2000), nullable=True),
        sa.Column("published_at", _at(), nullable=True),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("content_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", _at(), nullable=True),
        sa.Column("created_at", _at(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_entries")),
        sa.UniqueConstraint("org_id", "link_key", name="uq_curation_entries_org_link"),
    )
    for name, columns in (
        ("ix_curation_entries_org_recent", ["org_id", "created_at", "id"]),
        ("ix_curation_entries_org_status_recent", ["org_id", "status", "created_at", "id"]),
        ("ix_curation_entries_source_recent", ["org_id", "source_id", "created_at", "id"]),
    ):
        op.create_index(name, "curation_entries", columns)
