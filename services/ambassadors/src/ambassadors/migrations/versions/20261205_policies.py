"""program and sub-program policies, day counters and spreading turns

Revision ID: 4cbec8e82c41
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "4cbec8e82c41"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "program_policies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("scope_type", _text(16), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("allowed_networks", sa.JSON(), nullable=True),
        sa.Column("daily_share_cap", sa.Integer(), nullable=True),
        sa.Column("sharing_hours", sa.JSON(), nullable=True),
        sa.Column("time_zone", _text(64), nullable=True),
        sa.Column("gamification", sa.Boolean(), nullable=True),
        sa.Column("spread_minutes", sa.Integer(), nullable=True),
        sa.Column("sharing_paused", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
        sa.CheckConstraint(
            "daily_share_cap BETWEEN 1 AND 100",
            name=op.f("ck_program_policies_daily_share_cap_range"),
        ),
        sa.CheckConstraint(
            "spread_minutes BETWEEN 1 AND 1440",
            name=op.f("ck_program_policies_spread_minutes_range"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_policies_program_id_programs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_policies")),
        sa.UniqueConstraint("scope_id", name="uq_program_policies_scope_id"),
    )
    op.create_index("ix_program_policies_program", "program_policies", ["program_id"])
    op.create_table(
        "policy_share_counts",
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _moment("updated_at"),
        sa.PrimaryKeyConstraint(
            "ambassador_id", "scope_id", "day", name=op.f("pk_policy_share_counts")
        ),
    )
    op.create_index("ix_policy_share_counts_day", "policy_share_counts", ["day"])
    op.create_table(
        "policy_share_spreads",
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("network", _text(32), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        _moment("next_share_at"),
        sa.PrimaryKeyConstraint(
            "sub_program_id", "content_id", "network", name=op.f("pk_policy_share_spreads")
        ),
    )
    op.create_index("ix_policy_share_spreads_next", "policy_share_spreads", ["next_share_at"])
    # The roll-up counts one sub-program's shares in a window.
    op.create_index("ix_shares_sub_program_recent", "shares", ["sub_program_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_shares_sub_program_recent", table_name="shares")
    op.drop_index("ix_policy_share_spreads_next", table_name="policy_share_spreads")
    op.drop_table("policy_share_spreads")
    op.drop_index("ix_policy_share_counts_day", table_name="policy_share_counts")
    op.drop_table("policy_share_counts")
    op.drop_index("ix_program_policies_program", table_name="program_policies")
    op.drop_table("program_policies")
