"""Idea API models."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from content.ideas.briefs.models import IdeaFormat, IdeaStatus
from content.items.schemas import Network

Example = Annotated[str, StringConstraints(min_length=1, max_length=1_000, strip_whitespace=True)]


class IdeaTargeting(BaseModel):
    """The sub-programs an idea is for (directly or by program), optionally some networks."""

    model_config = ConfigDict(extra="forbid")

    sub_program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    networks: list[Network] = Field(default_factory=list, max_length=5)  # none: every network


class IdeaCreate(BaseModel):
    """A draft idea; ambassadors see it once published."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    angle: str = Field(min_length=1, max_length=5_000)
    format: IdeaFormat
    examples: list[Example] = Field(default_factory=list, max_length=20)
    deadline: AwareDatetime | None = None
    campaign_id: uuid.UUID | None = None
    targeting: IdeaTargeting


class IdeaUpdate(BaseModel):
    """A PATCH of a draft: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    angle: str | None = Field(default=None, min_length=1, max_length=5_000)
    format: IdeaFormat | None = None
    examples: list[Example] | None = Field(default=None, max_length=20)
    deadline: AwareDatetime | None = None
    campaign_id: uuid.UUID | None = None
    targeting: IdeaTargeting | None = None


class IdeaRead(BaseModel):
    """An idea as the console and ambassadors see it."""

    id: uuid.UUID
    title: str
    angle: str
    format: IdeaFormat
    examples: list[str]
    deadline: datetime | None
    campaign_id: uuid.UUID | None
    status: IdeaStatus
    sub_program_ids: list[uuid.UUID]
    program_ids: list[uuid.UUID]
    networks: list[str]
    created_by: uuid.UUID
    published_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    closed_at: datetime | None


class IdeaFilters(BaseModel):
    """GET /v1/ideas filters."""

    status: IdeaStatus | None = None
    sub_program_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
