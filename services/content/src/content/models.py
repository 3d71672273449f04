"""The content item and its targeting: the core every room of the service builds on.

Rooms (items/, lifecycle/, captions/, calendar/, ideas/, curation/, similarity/, search/) keep
their own tables in their own models.py; these three are shared by all of them.
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class ContentKind(StrEnum):
    article = "article"  # a link to read and relay
    post = "post"  # a text post
    media = "media"  # images or videos (references with alt text)
    talking_points = "talking_points"  # questions people really ask at an event, with answers
    event = "event"  # an event announcement
    crisis_message = "crisis_message"


class ContentStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"
    scheduled = "scheduled"
    published = "published"
    expired = "expired"
    archived = "archived"


class ContentSource(StrEnum):
    console = "console"  # written by comms in the console
    submission = "submission"  # an ambassador's approved submission
    curation = "curation"  # accepted from a curation feed


class ContentItem(SQLModel, table=True):
    """Something ambassadors can relay or adapt, targeted at sub-programs (content_targets)."""

    __tablename__ = "content_items"
    __table_args__ = (
        Index("ix_content_items_org_recent", "org_id", "created_at", "id"),
        Index("ix_content_items_org_status_recent", "org_id", "status", "created_at", "id"),
        # The scheduler's "what is due" scans (content.lifecycle.scheduler).
        Index("ix_content_items_due_publish", "status", "publish_at"),
        Index("ix_content_items_due_expire", "status", "expire_at"),
        # Translations of one item share its group; one version per language.
        UniqueConstraint("translation_group_id", "language", name="uq_content_items_translation"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    kind: str = Field(max_length=32)
    title: str = Field(max_length=300)
    url: str | None = Field(default=None, max_length=2048)
    body: str | None = Field(default=None, max_length=10_000)
    language: str = Field(default="en", max_length=35)  # BCP 47 tag
    # The first version's id; a translation carries its original's (linked, not copied).
    translation_group_id: uuid.UUID
    campaign_id: uuid.UUID | None = None
    # Kind-specific details (media references with alt text, talking points, event facts).
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=ContentStatus.draft, max_length=24)
    source: str = Field(default=ContentSource.console, max_length=16)
    created_by: uuid.UUID  # who owns it in the console
    author_id: uuid.UUID  # who is credited (an ambassador, for an approved submission)
    approved_by: uuid.UUID | None = None
    revision: int = 1  # +1 for each edit after publication
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    approved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    publish_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    expire_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    expired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ContentTarget(SQLModel, table=True):
    """One sub-program an item is for (its program copied from the access read model)."""

    __tablename__ = "content_targets"
    __table_args__ = (
        # "Items of this sub-program" (visibility, feeds, filters) reads this index only.
        Index("ix_content_targets_sub_program", "org_id", "sub_program_id", "content_id"),
        Index("ix_content_targets_program", "org_id", "program_id", "content_id"),
    )

    content_id: uuid.UUID = Field(primary_key=True, foreign_key="content_items.id")
    sub_program_id: uuid.UUID = Field(primary_key=True)
    program_id: uuid.UUID | None = None  # None only for items made before targets had programs
    org_id: uuid.UUID


class TagDimension(StrEnum):
    topic = "topic"
    network = "network"  # targeted networks (none: every network)
    department = "department"  # targeted departments (none: every department)


class ContentTag(SQLModel, table=True):
    """A multi-valued attribute of an item (topic, targeted network or department), filterable."""

    __tablename__ = "content_tags"
    __table_args__ = (
        Index("ix_content_tags_lookup", "org_id", "dimension", "value", "content_id"),
    )

    content_id: uuid.UUID = Field(primary_key=True, foreign_key="content_items.id")
    dimension: str = Field(primary_key=True, max_length=16)
    value: str = Field(primary_key=True, max_length=64)
    org_id: uuid.UUID
