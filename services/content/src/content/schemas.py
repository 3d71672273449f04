"""Content API models."""

import uuid
from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from content.models import ContentKind, ContentStatus


class ContentCreate(BaseModel):
    """A draft content item; it reaches feeds only once approved."""

    model_config = ConfigDict(extra="forbid")

    sub_program_id: uuid.UUID
    kind: ContentKind = ContentKind.article
    title: str = Field(min_length=1, max_length=300)
    url: AnyHttpUrl | None = Field(default=None, max_length=2048)
    body: str | None = Field(default=None, max_length=10_000)


class ContentRead(BaseModel):
    """A content item as the console sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sub_program_id: uuid.UUID
    kind: ContentKind
    title: str
    url: str | None
    body: str | None
    status: ContentStatus
    created_by: uuid.UUID
    approved_by: uuid.UUID | None
    created_at: datetime
    published_at: datetime | None
