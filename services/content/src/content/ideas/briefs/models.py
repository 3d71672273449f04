"""Ideas and the sub-programs each is for."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class IdeaFormat(StrEnum):
    video = "video"
    text = "text"
    photo = "photo"
    article = "article"
    event = "event"
    other = "other"


class IdeaStatus(StrEnum):
    draft = "draft"
    published = "published"  # ambassadors of its sub-programs see it and may respond
    closed = "closed"  # no longer open for submissions


class Idea(SQLModel, table=True):
    """A brief: what comms would like ambassadors to make (angle, format, examples, deadline)."""

    __tablename__ = "content_ideas"
    __table_args__ = (
        Index("ix_content_ideas_org_recent", "org_id", "created_at", "id"),
        Index("ix_content_ideas_org_status_recent", "org_id", "status", "created_at", "id"),
        Index("ix_content_ideas_org_campaign", "org_id", "campaign_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    title: str = Field(max_length=300)
    angle: str = Field(max_length=5_000)
    format: str = Field(max_length=16)
    examples: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    networks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    deadline: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    campaign_id: uuid.UUID | None = None
    status: str = Field(default=IdeaStatus.draft, max_length=16)
    created_by: uuid.UUID
    published_by: uuid.UUID | None = None
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class IdeaTarget(SQLModel, table=True):
    """One sub-program an idea is for (its program copied from the access read model)."""

    __tablename__ = "content_idea_targets"
    __table_args__ = (
        # "Ideas of these sub-programs" (visibility, the sub_program_id filter) reads this index.
        Index("ix_content_idea_targets_sub_program", "org_id", "sub_program_id", "idea_id"),
    )

    idea_id: uuid.UUID = Field(primary_key=True, foreign_key="content_ideas.id")
    sub_program_id: uuid.UUID = Field(primary_key=True)
    program_id: uuid.UUID
    org_id: uuid.UUID
