"""Submission API models."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from content.ideas.submissions.models import SubmissionStatus
from content.items.details import MediaReference
from content.items.schemas import Language, Network


class SubmissionCreate(BaseModel):
    """An ambassador's post for review; `sub_program_id` may be left out when the idea it
    answers has exactly one target."""

    model_config = ConfigDict(extra="forbid")

    idea_id: uuid.UUID | None = None
    sub_program_id: uuid.UUID | None = None
    network: Network | None = None
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=10_000)
    media: list[MediaReference] = Field(default_factory=list, max_length=20)
    language: Language = "en"


class SubmissionUpdate(BaseModel):
    """The author's edit: only the fields sent change; it goes back to review (submitted)."""

    model_config = ConfigDict(extra="forbid")

    network: Network | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    text: str | None = Field(default=None, min_length=1, max_length=10_000)
    media: list[MediaReference] | None = Field(default=None, max_length=20)
    language: Language | None = None


class Reason(BaseModel):
    """Why changes are requested, or why it is rejected (the author reads it)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2_000)


class SubmissionRead(BaseModel):
    """A submission as its author and its reviewers see it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    idea_id: uuid.UUID | None
    sub_program_id: uuid.UUID
    program_id: uuid.UUID
    network: str | None
    title: str
    text: str
    media: list[dict[str, Any]]
    language: str
    status: SubmissionStatus
    author_id: uuid.UUID
    reason: str | None
    reviewed_by: uuid.UUID | None
    reviewed_at: datetime | None
    content_id: uuid.UUID | None  # the published item an approval made
    created_at: datetime
    updated_at: datetime


class SubmissionFilters(BaseModel):
    """GET /v1/submissions filters."""

    status: SubmissionStatus | None = None
    idea_id: uuid.UUID | None = None
    sub_program_id: uuid.UUID | None = None
