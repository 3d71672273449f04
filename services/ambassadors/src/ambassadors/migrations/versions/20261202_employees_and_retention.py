"""employees from HR and each organisation's retention policy

Revision ID: 7a1d3c5e8f20
Revises: 5f0c2a7e9b41
Create Date: 2026-12-02 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "7a1d3c5e8f20"
down_revision: str | None = "5f0c2a7e9b41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "employees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", _text(200), nullable=False),
        sa.Column("user_name", _text(320), nullable=False),
        sa.Column("email", _text(320), nullable=True),
        sa.Column("display_name", _text(200), nullable=True),
        sa.Column("department", _text(200), nullable=True),
        sa.Column("location", _text(200), nullable=True),
        sa.Column("manager_external_id", _text(200), nullable=True),
        sa.Column("job_title", _text(200), nullable=True),
        sa.Column("is_executive", sa.Boolean(), nullable=False),
        sa.Column("employment_status", _text(16), nullable=False),
        sa.Column("hire_date", sa.Date(), nullable=True),
        sa.Column("active_networks", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("fingerprint", _text(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", _text(16), nullable=False),
        _moment("left_at", nullable=True),
        _moment("erase_after", nullable=True),
        _moment("erased_at", nullable=True),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employees")),
        sa.UniqueConstraint("org_id", "external_id", name="uq_employees_org_external_id"),
        sa.UniqueConstraint("org_id", "user_name", name="uq_employees_org_user_name"),
    )
    op.create_index("ix_employees_org_user", "employees", ["org_id", "user_id"])
    op.create_index("ix_employees_org_recent", "employees", ["org_id", "created_at", "id"])
    op.create_index("ix_employees_erase_due", "employees", ["erase_after"])
    op.create_table(
        "retention_policies",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("erase_after_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        _moment("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_retention_policies")),
    )


def downgrade() -> None:
    op.drop_table("retention_policies")
    op.drop_index("ix_employees_erase_due", table_name="employees")
    op.drop_index("ix_employees_org_recent", table_name="employees")
    op.drop_index("ix_employees_org_user", table_name="employees")
    op.drop_table("employees")
