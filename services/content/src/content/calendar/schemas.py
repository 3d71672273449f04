"""Calendar API models: what comms writes about a campaign, and what the calendar reads."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from content.calendar.models import CampaignKind, CampaignStatus

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class CampaignTargeting(BaseModel):
    """Whom a campaign is for: sub-programs, directly or through their program."""

    model_config = ConfigDict(extra="forbid")

    sub_program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class CampaignCreate(BaseModel):
    """A new campaign; `ends_at` absent means a moment (it ends when it starts)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    description: str = Field(default="", max_length=5_000)
    kind: CampaignKind
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    targeting: CampaignTargeting


class CampaignUpdate(BaseModel):
    """A PATCH: only the fields sent change (`ends_at: null` makes it a moment again)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: str | None = Field(default=None, max_length=5_000)
    kind: CampaignKind | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    targeting: CampaignTargeting | None = None


class CampaignRead(BaseModel):
    """A campaign as the console and the ambassador app see it."""

    id: uuid.UUID
    name: str
    description: str
    kind: CampaignKind
    status: CampaignStatus
    starts_at: datetime
    ends_at: datetime | None
    sub_program_ids: list[uuid.UUID]
    program_ids: list[uuid.UUID]
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    cancelled_by: uuid.UUID | None
    cancelled_at: datetime | None


class EntryType(StrEnum):
    campaign = "campaign"
    scheduled_content = "scheduled_content"  # an item due to be published in the window
    event = "event"  # a content item of kind "event" (its details.starts_at)


class CalendarEntry(BaseModel):
    """One upcoming moment; `campaign_id` is the campaign it belongs to (its own for one)."""

    type: EntryType
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime | None
    campaign_id: uuid.UUID | None
