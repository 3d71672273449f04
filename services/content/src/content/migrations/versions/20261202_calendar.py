"""calendar: campaigns (dated moments) and the sub-programs they are for

Revision ID: c3b1e2d3f4a5
Revises: cd13280de274
Create Date: 2026-12-02 14:00:00

content_items.campaign_id (added by the content library) names a campaign without a foreign
key: the rooms that set it check it with content.calendar.service.require_campaign.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "c3b1e2d3f4a5"
down_revision: str | None = "cd13280de274"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    moment = common.db.UTCDateTime(timezone=True)
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", text(length=200), nullable=False),
        sa.Column("description", text(length=5000), nullable=False),
        sa.Column("kind", text(length=16), nullable=False),
        sa.Column("status", text(length=16), nullable=False),
        sa.Column("starts_at", moment, nullable=False),
        sa.Column("ends_at", moment, nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("cancelled_by", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", moment, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("org_id", "name", "starts_at", name="uq_campaigns_moment"),
    )
    op.create_index("ix_campaigns_org_recent", "campaigns", ["org_id", "created_at", "id"])
    op.create_index("ix_campaigns_org_starts", "campaigns", ["org_id", "starts_at", "id"])
    op.create_table(
        "campaign_targets",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_targets_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "sub_program_id", name=op.f("pk_campaign_targets")),
    )
    op.create_index(
        "ix_campaign_targets_sub_program",
        "campaign_targets",
        ["org_id", "sub_program_id", "campaign_id"],
    )
    op.create_index(
        "ix_campaign_targets_program", "campaign_targets", ["org_id", "program_id", "campaign_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_campaign_targets_program", table_name="campaign_targets")
    op.drop_index("ix_campaign_targets_sub_program", table_name="campaign_targets")
    op.drop_table("campaign_targets")
    op.drop_index("ix_campaigns_org_starts", table_name="campaigns")
    op.drop_index("ix_campaigns_org_recent", table_name="campaigns")
    op.drop_table("campaigns")
