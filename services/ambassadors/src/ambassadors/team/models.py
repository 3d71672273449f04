"""Spotlights (a person's success, shown with their consent) and the moments read model."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from common.db import utc_column

# A share is spotlighted once per sub-program while the spotlight is pending or shown.
OPEN = text("share_id IS NOT NULL AND status IN ('awaiting_consent', 'published')")


class SpotlightStatus(StrEnum):
    awaiting_consent = "awaiting_consent"
    published = "published"
    declined = "declined"
    withdrawn = "withdrawn"


class Spotlight(SQLModel, table=True):
    """Staff highlight one member's share or success in a sub-program; shown once they consent."""

    __tablename__ = "spotlights"
    __table_args__ = (
        Index(
            "uq_spotlights_open_share",
            "sub_program_id",
            "share_id",
            unique=True,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        ),
        Index("ix_spotlights_org_recent", "org_id", "created_at", "id"),
        Index("ix_spotlights_person_recent", "org_id", "user_id", "created_at", "id"),
        # The sub-program page: its latest published spotlights.
        Index("ix_spotlights_sub_program_published", "sub_program_id", "status", "published_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID = Field(foreign_key="sub_programs.id")
    # The person highlighted: their advocacy identity and their sign-in id.
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    # None once the author's own data was erased: the spotlight stays the person's.
    author_id: uuid.UUID | None = None
    share_id: uuid.UUID | None = None
    content_id: uuid.UUID | None = None
    message: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    withdrawn_by: uuid.UUID | None = None


class Moment(SQLModel, table=True):
    """An upcoming moment of a sub-program, as content's calendar told it (one row per target)."""

    __tablename__ = "moments"
    __table_args__ = (
        UniqueConstraint(
            "org_id", "sub_program_id", "source", "source_id", name="uq_moments_sub_program_source"
        ),
        Index("ix_moments_sub_program_start", "org_id", "sub_program_id", "starts_at", "id"),
        Index("ix_moments_source", "org_id", "source", "source_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    sub_program_id: uuid.UUID
    program_id: uuid.UUID | None = None
    source: str = Field(max_length=16)  # campaign
    source_id: uuid.UUID
    title: str = Field(max_length=200)
    kind: str | None = Field(default=None, max_length=32)
    starts_at: datetime = Field(sa_column=utc_column())
    ends_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # scheduled | removed (a later announcement no longer targets this sub-program)
    status: str = Field(max_length=16)
    # When content told what this row holds (ce_time): an older record never overwrites it.
    told_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
