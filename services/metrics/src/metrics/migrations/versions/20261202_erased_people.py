"""erased people, by digest

Revision ID: 3c9e5a7b1d42
Revises: 6f18a7787094
Create Date: 2026-12-02 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "3c9e5a7b1d42"
down_revision: str | None = "6f18a7787094"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erased_people",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("ambassador_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("erased_at", common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "ambassador_digest", name=op.f("pk_erased_people")),
    )


def downgrade() -> None:
    op.drop_table("erased_people")
