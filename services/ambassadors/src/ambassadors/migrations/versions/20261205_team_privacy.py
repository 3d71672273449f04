"""spotlights, the moments read model and erasure receipts

Revision ID: 26f3b932e479
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "26f3b932e479"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("share_id IS NOT NULL AND status IN ('awaiting_consent', 'published')")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "spotlights",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("share_id", sa.Uuid(), nullable=True),
        sa.Column("content_id", sa.Uuid(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        _moment("created_at"),
        _moment("decided_at", nullable=True),
        _moment("published_at", nullable=True),
        _moment("withdrawn_at", nullable=True),
        sa.Column("withdrawn_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sub_program_id"],
            ["sub_programs.id"],
            name=op.f("fk_spotlights_sub_program_id_sub_programs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotlights")),
    )
    op.create_index(
        "uq_spotlights_open_share",
        "spotlights",
        ["sub_program_id", "share_id"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_spotlights_org_recent", "spotlights", ["org_id", "created_at", "id"])
    op.create_index(
        "ix_spotlights_person_recent", "spotlights", ["org_id", "user_id", "created_at", "id"]
    )
    op.create_index(
        "ix_spotlights_sub_program_published",
        "spotlights",
        ["sub_program_id", "status", "published_at"],
    )
    op.create_table(
        "moments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("source", _text(16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("title", _text(200), nullable=False),
        sa.Column("kind", _text(32), nullable=True),
        _moment("starts_at"),
        _moment("ends_at", nullable=True),
        sa.Column("status", _text(16), nullable=False),
        _moment("told_at"),
        _moment("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moments")),
        sa.UniqueConstraint(
            "org_id", "sub_program_id", "source", "source_id", name="uq_moments_sub_program_source"
        ),
    )
    op.create_index(
        "ix_moments_sub_program_start", "moments", ["org_id", "sub_program_id", "starts_at", "id"]
    )
    op.create_index("ix_moments_source", "moments", ["org_id", "source", "source_id"])
    op.create_table(
        "privacy_erasures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("reason", _text(16), nullable=False),
        sa.Column("erasures", sa.Integer(), nullable=False),
        _moment("first_erased_at"),
        _moment("erased_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_erasures")),
        sa.UniqueConstraint("org_id", "user_id", name="uq_privacy_erasures_person"),
    )


def downgrade() -> None:
    op.drop_table("privacy_erasures")
    op.drop_index("ix_moments_source", table_name="moments")
    op.drop_index("ix_moments_sub_program_start", table_name="moments")
    op.drop_table("moments")
    op.drop_index("ix_spotlights_sub_program_published", table_name="spotlights")
    op.drop_index("ix_spotlights_person_recent", table_name="spotlights")
    op.drop_index("ix_spotlights_org_recent", table_name="spotlights")
    op.drop_index("uq_spotlights_open_share", table_name="spotlights")
    op.drop_table("spotlights")
