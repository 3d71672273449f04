"""The review trail: what reviewers and authors said about an item, and each decision."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class ReviewEntryKind(StrEnum):
    comment = "comment"
    submitted = "submitted"
    approved = "approved"
    changes_requested = "changes_requested"
    rejected = "rejected"


class ReviewEntry(SQLModel, table=True):
    """One comment or decision on an item, in the order they were made."""

    __tablename__ = "content_review_entries"
    __table_args__ = (
        Index("ix_content_review_entries_item", "org_id", "content_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    content_id: uuid.UUID = Field(foreign_key="content_items.id")
    author_id: uuid.UUID
    kind: str = Field(max_length=24)
    body: str | None = Field(default=None, max_length=5_000)
    created_at: datetime = Field(sa_column=utc_column())
