"""Review and publication API models."""

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from content.lifecycle.models import ReviewEntryKind


class Approval(BaseModel):
    """Approve: publish at once (default), at `publish_at`, or hold as approved (`hold`)."""

    model_config = ConfigDict(extra="forbid")

    publish_at: AwareDatetime | None = None
    hold: bool = False
    comment: str | None = Field(default=None, max_length=5_000)


class Decision(BaseModel):
    """Request changes or reject: the author is told why."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=5_000)


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    publish_at: AwareDatetime


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=5_000)


class ReviewEntryRead(BaseModel):
    """One comment or decision in an item's review trail."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    content_id: uuid.UUID
    author_id: uuid.UUID
    kind: ReviewEntryKind
    body: str | None
    created_at: datetime
