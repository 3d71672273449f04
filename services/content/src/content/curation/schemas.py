"""Curation API models: sources comms sets up, and the entries of its queue."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from content.curation.models import EntryStatus, SourceStatus
from content.items.schemas import Language, Tag
from content.models import ContentKind

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
FeedUrl = Annotated[AnyHttpUrl, Field(max_length=2048)]
Interval = Annotated[int, Field(ge=5, le=1440)]


class SourceTargeting(BaseModel):
    """Default targets of the drafts made from this feed's entries."""

    model_config = ConfigDict(extra="forbid")

    sub_program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class SourceCreate(BaseModel):
    """A feed to follow; it is fetched once before it is saved."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    url: FeedUrl
    targeting: SourceTargeting
    poll_interval_minutes: Interval = 60
    language: Language = "en"
    topics: list[Tag] = Field(default_factory=list, max_length=20)


class SourceUpdate(BaseModel):
    """A PATCH: only the fields sent change; a new URL is fetched once before it is saved."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    url: FeedUrl | None = None
    targeting: SourceTargeting | None = None
    poll_interval_minutes: Interval | None = None
    language: Language | None = None
    topics: list[Tag] | None = Field(default=None, max_length=20)
    paused: bool | None = None  # true: not polled; false: polled again from now


class SourceRead(BaseModel):
    """A source with how its polling goes."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    url: str
    targeting: SourceTargeting
    poll_interval_minutes: int
    language: str
    topics: list[str]
    status: SourceStatus
    last_polled_at: datetime | None
    next_poll_at: datetime
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    entries_found: int
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime


class EntryRead(BaseModel):
    """An entry of the queue."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source_id: uuid.UUID
    title: str
    link: str
    summary: str | None
    published_at: datetime | None
    status: EntryStatus
    content_id: uuid.UUID | None
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    created_at: datetime


class EntryAccept(BaseModel):
    """Accepting an entry makes a draft of it; every field here overrides the entry's own."""

    model_config = ConfigDict(extra="forbid")

    kind: ContentKind = ContentKind.article
    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=10_000)
    sub_program_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
    program_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)
    topics: list[Tag] | None = Field(default=None, max_length=20)


class EntryFilters(BaseModel):
    """?status= and ?source_id= of the queue."""

    status: EntryStatus | None = None
    source_id: uuid.UUID | None = None


def entry_filters(
    status: Annotated[EntryStatus | None, Query()] = None,
    source_id: Annotated[uuid.UUID | None, Query()] = None,
) -> EntryFilters:
    """FastAPI dependency for the queue's filters."""
    return EntryFilters(status=status, source_id=source_id)
