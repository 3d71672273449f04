"""The charters table (one row per version, draft until published) and acceptances."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from common.db import utc_column

# The one version in force for a scope (program or sub-program).
CURRENT = text("status = 'published'")


class Charter(SQLModel, table=True):
    """One version of a program's or a sub-program's charter."""

    __tablename__ = "charters"
    __table_args__ = (
        UniqueConstraint("scope_id", "version", name="uq_charters_scope_version"),
        # One current version per scope, decided by the database whatever the timing.
        Index(
            "uq_charters_scope_current",
            "scope_id",
            unique=True,
            postgresql_where=CURRENT,
            sqlite_where=CURRENT,
        ),
        Index("ix_charters_org_recent", "org_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    # Set for a sub-program's own charter, which applies on top of its program's.
    sub_program_id: uuid.UUID | None = Field(default=None, foreign_key="sub_programs.id")
    scope_type: str = Field(max_length=16)  # program | sub_program
    scope_id: uuid.UUID
    status: str = Field(max_length=16)  # draft | published | superseded
    # Numbered when published: 1, 2, ... per scope.
    version: int | None = None
    # The version in force when the draft was written: publishing it must replace that one.
    based_on_version: int = 0
    terms: str = Field(sa_column=Column(Text, nullable=False))
    tone: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    visual_identity: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    disclosure: str | None = Field(default=None, max_length=300)
    required_hashtags: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    banned_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    published_by: uuid.UUID | None = None
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    superseded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class CharterAcceptance(SQLModel, table=True):
    """A person's acceptance of one published version, once."""

    __tablename__ = "charter_acceptances"
    __table_args__ = (
        UniqueConstraint(
            "charter_id", "ambassador_id", name="uq_charter_acceptances_charter_ambassador"
        ),
        Index("ix_charter_acceptances_ambassador_recent", "ambassador_id", "accepted_at", "id"),
        Index("ix_charter_acceptances_org_user", "org_id", "user_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    charter_id: uuid.UUID = Field(foreign_key="charters.id")
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    user_id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None = None
    scope_id: uuid.UUID
    version: int
    accepted_at: datetime = Field(sa_column=utc_column())
