"""Ambassadors' submissions."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class SubmissionStatus(StrEnum):
    submitted = "submitted"
    changes_requested = "changes_requested"  # back to its author, who edits and resubmits
    approved = "approved"  # it became a published content item (content_id)
    rejected = "rejected"


class Submission(SQLModel, table=True):
    """A post an ambassador wrote for one sub-program, in response to an idea or not."""

    __tablename__ = "content_submissions"
    __table_args__ = (
        Index("ix_content_submissions_org_recent", "org_id", "created_at", "id"),
        Index("ix_content_submissions_author", "org_id", "author_id", "created_at", "id"),
        Index("ix_content_submissions_sub_program", "org_id", "sub_program_id", "created_at"),
        Index("ix_content_submissions_idea", "org_id", "idea_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    idea_id: uuid.UUID | None = Field(default=None, foreign_key="content_ideas.id")
    sub_program_id: uuid.UUID
    program_id: uuid.UUID
    network: str | None = Field(default=None, max_length=16)
    title: str = Field(max_length=300)
    text: str = Field(max_length=10_000)
    # References (type, url, alt_text), never the files: media live where the author put them.
    media: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    language: str = Field(default="en", max_length=35)
    status: str = Field(default=SubmissionStatus.submitted, max_length=24)
    author_id: uuid.UUID
    reason: str | None = Field(default=None, max_length=2_000)  # of the last decision against
    reviewed_by: uuid.UUID | None = None
    content_id: uuid.UUID | None = Field(default=None, foreign_key="content_items.id")
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    reviewed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
