"""Tables of the editorial calendar: campaigns (dated moments) and the sub-programs they are for."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class CampaignKind(StrEnum):
    launch = "launch"
    fair = "fair"
    results = "results"  # semester or yearly results shared with the whole company
    event = "event"
    other = "other"


class CampaignStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class Campaign(SQLModel, table=True):
    """A dated moment (a launch, a fair, results) that groups content items and ideas."""

    __tablename__ = "campaigns"
    __table_args__ = (
        Index("ix_campaigns_org_recent", "org_id", "created_at", "id"),
        # The calendar's window scans: what starts before the window's end.
        Index("ix_campaigns_org_starts", "org_id", "starts_at", "id"),
        # The same moment twice is a duplicate: decided by this constraint, not by a prior read.
        UniqueConstraint("org_id", "name", "starts_at", name="uq_campaigns_moment"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=5_000)
    kind: str = Field(max_length=16)
    status: str = Field(default=CampaignStatus.scheduled, max_length=16)
    starts_at: datetime = Field(sa_column=utc_column())
    ends_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    cancelled_by: uuid.UUID | None = None
    cancelled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class CampaignTarget(SQLModel, table=True):
    """One sub-program a campaign is for (its program copied from the access read model)."""

    __tablename__ = "campaign_targets"
    __table_args__ = (
        # Visibility and the sub_program_id / program_id filters read these indexes only.
        Index("ix_campaign_targets_sub_program", "org_id", "sub_program_id", "campaign_id"),
        Index("ix_campaign_targets_program", "org_id", "program_id", "campaign_id"),
    )

    campaign_id: uuid.UUID = Field(primary_key=True, foreign_key="campaigns.id")
    sub_program_id: uuid.UUID = Field(primary_key=True)
    program_id: uuid.UUID
    org_id: uuid.UUID
