"""SCIM provisioning: each employee's SCIM-only state

Revision ID: fa48b747185e
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "fa48b747185e"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scim_users",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("external_id_hidden", sa.Boolean(), nullable=False),
        sa.Column("employee_number", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name="fk_scim_users_employee_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_scim_users")),
    )


def downgrade() -> None:
    op.drop_table("scim_users")
