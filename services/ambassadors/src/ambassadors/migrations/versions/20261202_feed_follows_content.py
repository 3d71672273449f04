"""feeds follow content: feed rows carry their revision, withdrawals leave tombstones

Revision ID: 5f0c2a7e9b41
Revises: 16225243509c
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "5f0c2a7e9b41"
down_revision: str | None = "16225243509c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already in feeds came from first publications: revision 1.
    with op.batch_alter_table("feed_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index("ix_feed_items_org_content", ["org_id", "content_id"], unique=False)
    op.create_table(
        "feed_withdrawals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("withdrawn_at", common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_withdrawals")),
        sa.UniqueConstraint(
            "org_id",
            "content_id",
            "sub_program_id",
            name=op.f("uq_feed_withdrawals_org_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("feed_withdrawals")
    with op.batch_alter_table("feed_items", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_items_org_content")
        batch_op.drop_column("revision")
