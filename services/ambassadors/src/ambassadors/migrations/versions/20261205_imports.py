"""CSV import jobs of employees, their files while they run, and their per-row errors

Revision ID: d16fdf8e5b19
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "d16fdf8e5b19"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=nullable)


def _job_id(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["import_id"],
        ["csv_imports.id"],
        name=f"fk_{table}_import_id_csv_imports",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "csv_imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("file_name", _text(255), nullable=True),
        sa.Column("file_bytes", sa.Integer(), nullable=False),
        sa.Column("file_sha256", _text(64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_failed", sa.Integer(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("lease_token", sa.Uuid(), nullable=True),
        _moment("lease_until", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _moment("created_at", nullable=False),
        _moment("started_at", nullable=True),
        _moment("finished_at", nullable=True),
        _moment("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_imports")),
    )
    op.create_index("ix_csv_imports_org_recent", "csv_imports", ["org_id", "created_at", "id"])
    op.create_index("ix_csv_imports_unfinished", "csv_imports", ["status", "created_at"])
    op.create_table(
        "csv_import_files",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _job_id("csv_import_files"),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_csv_import_files")),
    )
    op.create_table(
        "csv_import_errors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("external_id", _text(200), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        _moment("created_at", nullable=False),
        _job_id("csv_import_errors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_import_errors")),
        sa.UniqueConstraint("import_id", "row_number", name=op.f("uq_csv_import_errors_import_id")),
    )


def downgrade() -> None:
    op.drop_table("csv_import_errors")
    op.drop_table("csv_import_files")
    op.drop_index("ix_csv_imports_unfinished", table_name="csv_imports")
    op.drop_index("ix_csv_imports_org_recent", table_name="csv_imports")
    op.drop_table("csv_imports")
