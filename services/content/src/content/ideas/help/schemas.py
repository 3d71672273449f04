"""Help request API models."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from content.ideas.help.models import HelpKind, HelpStatus


class HelpRequestCreate(BaseModel):
    """What help is needed, and on what (at least one of idea_id, submission_id, content_id)."""

    model_config = ConfigDict(extra="forbid")

    kind: HelpKind
    message: str = Field(min_length=1, max_length=2_000)
    idea_id: uuid.UUID | None = None
    submission_id: uuid.UUID | None = None
    content_id: uuid.UUID | None = None


class Assignment(BaseModel):
    """Who takes the request on (a person of the organisation, not checked: see docs)."""

    model_config = ConfigDict(extra="forbid")

    assignee_id: uuid.UUID


class Closing(BaseModel):
    """How the request ended (delivered, declined, ...)."""

    model_config = ConfigDict(extra="forbid")

    resolution: str = Field(min_length=1, max_length=2_000)


class HelpRequestRead(BaseModel):
    """A help request as its requester and the staff handling it see it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: HelpKind
    message: str
    idea_id: uuid.UUID | None
    submission_id: uuid.UUID | None
    content_id: uuid.UUID | None
    sub_program_id: uuid.UUID
    program_id: uuid.UUID
    requested_by: uuid.UUID
    status: HelpStatus
    assignee_id: uuid.UUID | None
    resolution: str | None
    created_at: datetime
    updated_at: datetime
    assigned_at: datetime | None
    closed_at: datetime | None
