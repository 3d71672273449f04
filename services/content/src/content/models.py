"""Content service tables."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class ContentKind(StrEnum):
    article = "article"
    post = "post"
    media = "media"
    talking_points = "talking_points"
    event = "event"
    crisis_message = "crisis_message"


class ContentStatus(StrEnum):
    draft = "draft"
    published = "published"


class ContentItem(SQLModel, table=True):
    """Something ambassadors can relay, targeted at one sub-program."""

    __tablename__ = "content_items"
    __table_args__ = (Index("ix_content_items_org_recent", "org_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    sub_program_id: uuid.UUID
    kind: str = Field(max_length=32)
    title: str = Field(max_length=300)
    url: str | None = Field(default=None, max_length=2048)
    body: str | None = Field(default=None, max_length=10_000)
    status: str = Field(default=ContentStatus.draft, max_length=16)
    created_by: uuid.UUID
    approved_by: uuid.UUID | None = None
    created_at: datetime = Field(sa_column=utc_column())
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
