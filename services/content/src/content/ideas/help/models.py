"""Production help requests."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class HelpKind(StrEnum):
    designer = "designer"
    writer = "writer"
    video = "video"
    photo = "photo"
    other = "other"


class HelpStatus(StrEnum):
    open = "open"
    assigned = "assigned"
    closed = "closed"


class HelpRequest(SQLModel, table=True):
    """An ambassador's request for help with an idea, a submission or a content item."""

    __tablename__ = "content_help_requests"
    __table_args__ = (
        Index("ix_content_help_requests_org_recent", "org_id", "created_at", "id"),
        Index("ix_content_help_requests_requester", "org_id", "requested_by", "created_at"),
        Index("ix_content_help_requests_sub_program", "org_id", "sub_program_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    kind: str = Field(max_length=16)
    message: str = Field(max_length=2_000)
    idea_id: uuid.UUID | None = Field(default=None, foreign_key="content_ideas.id")
    submission_id: uuid.UUID | None = Field(default=None, foreign_key="content_submissions.id")
    content_id: uuid.UUID | None = Field(default=None, foreign_key="content_items.id")
    # Whose staff handle it: the sub-program of what it is about (the requester's one there).
    sub_program_id: uuid.UUID
    program_id: uuid.UUID
    requested_by: uuid.UUID
    status: str = Field(default=HelpStatus.open, max_length=16)
    assignee_id: uuid.UUID | None = None
    resolution: str | None = Field(default=None, max_length=2_000)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    assigned_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
