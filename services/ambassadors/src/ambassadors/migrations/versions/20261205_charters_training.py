"""charters (versions per program or sub-program, acceptances), training modules and their
completions, the communication kit

Revision ID: 5b3355063510
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "5b3355063510"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("status = 'published'")
HAS_CONTENT = "body IS NOT NULL OR url IS NOT NULL"


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "charters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=True),
        sa.Column("scope_type", _text(16), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("based_on_version", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("tone", sa.Text(), nullable=True),
        sa.Column("visual_identity", sa.Text(), nullable=True),
        sa.Column("disclosure", _text(300), nullable=True),
        sa.Column("required_hashtags", sa.JSON(), nullable=False),
        sa.Column("banned_terms", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        _moment("created_at", nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        _moment("published_at", nullable=True),
        _moment("superseded_at", nullable=True),
        _fk("charters", "program_id", "programs"),
        _fk("charters", "sub_program_id", "sub_programs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charters")),
        sa.UniqueConstraint("scope_id", "version", name="uq_charters_scope_version"),
    )
    op.create_index(
        "uq_charters_scope_current",
        "charters",
        ["scope_id"],
        unique=True,
        postgresql_where=CURRENT,
        sqlite_where=CURRENT,
    )
    op.create_index("ix_charters_org_recent", "charters", ["org_id", "created_at", "id"])
    op.create_table(
        "charter_acceptances",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("charter_id", sa.Uuid(), nullable=False),
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=True),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _moment("accepted_at", nullable=False),
        _fk("charter_acceptances", "charter_id", "charters"),
        _fk("charter_acceptances", "ambassador_id", "ambassadors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_acceptances")),
        sa.UniqueConstraint(
            "charter_id", "ambassador_id", name="uq_charter_acceptances_charter_ambassador"
        ),
    )
    op.create_index(
        "ix_charter_acceptances_ambassador_recent",
        "charter_acceptances",
        ["ambassador_id", "accepted_at", "id"],
    )
    op.create_index("ix_charter_acceptances_org_user", "charter_acceptances", ["org_id", "user_id"])
    op.create_table(
        "training_modules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("title", _text(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("url", _text(2048), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part_of_onboarding", sa.Boolean(), nullable=False),
        sa.Column("estimated_minutes", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
        _moment("archived_at", nullable=True),
        sa.CheckConstraint(HAS_CONTENT, name=op.f("ck_training_modules_has_content")),
        _fk("training_modules", "program_id", "programs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_modules")),
    )
    op.create_index(
        "ix_training_modules_org_recent", "training_modules", ["org_id", "created_at", "id"]
    )
    op.create_index("ix_training_modules_program", "training_modules", ["program_id", "position"])
    op.create_table(
        "training_completions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        _moment("completed_at", nullable=False),
        _fk("training_completions", "module_id", "training_modules"),
        _fk("training_completions", "ambassador_id", "ambassadors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_completions")),
        sa.UniqueConstraint(
            "module_id", "ambassador_id", name="uq_training_completions_module_ambassador"
        ),
    )
    op.create_index(
        "ix_training_completions_ambassador",
        "training_completions",
        ["ambassador_id", "program_id"],
    )
    op.create_index(
        "ix_training_completions_org_user", "training_completions", ["org_id", "user_id"]
    )
    op.create_table(
        "kit_resources",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _text(32), nullable=False),
        sa.Column("title", _text(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("url", _text(2048), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
        sa.CheckConstraint(HAS_CONTENT, name=op.f("ck_kit_resources_has_content")),
        _fk("kit_resources", "program_id", "programs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kit_resources")),
    )
    op.create_index("ix_kit_resources_org_recent", "kit_resources", ["org_id", "created_at", "id"])
    op.create_index("ix_kit_resources_program", "kit_resources", ["program_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_kit_resources_program", table_name="kit_resources")
    op.drop_index("ix_kit_resources_org_recent", table_name="kit_resources")
    op.drop_table("kit_resources")
    op.drop_index("ix_training_completions_org_user", table_name="training_completions")
    op.drop_index("ix_training_completions_ambassador", table_name="training_completions")
    op.drop_table("training_completions")
    op.drop_index("ix_training_modules_program", table_name="training_modules")
    op.drop_index("ix_training_modules_org_recent", table_name="training_modules")
    op.drop_table("training_modules")
    op.drop_index("ix_charter_acceptances_org_user", table_name="charter_acceptances")
    op.drop_index("ix_charter_acceptances_ambassador_recent", table_name="charter_acceptances")
    op.drop_table("charter_acceptances")
    op.drop_index("ix_charters_org_recent", table_name="charters")
    op.drop_index("uq_charters_scope_current", table_name="charters")
    op.drop_table("charters")
