"""Ambassadors service tables: programs, people who opted in, their feeds and shares."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class SubProgramKind(StrEnum):
    network = "network"
    topic = "topic"
    department = "department"
    custom = "custom"


class Network(StrEnum):
    linkedin = "linkedin"
    x = "x"
    facebook = "facebook"
    instagram = "instagram"


class Program(SQLModel, table=True):
    """A company-wide advocacy program."""

    __tablename__ = "programs"
    __table_args__ = (Index("ix_programs_org_recent", "org_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    name: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=utc_column())


class SubProgram(SQLModel, table=True):
    """A homogeneous group inside a program (by network, topic, department...)."""

    __tablename__ = "sub_programs"
    __table_args__ = (Index("ix_sub_programs_program_recent", "program_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID = Field(index=True)
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=utc_column())


class Ambassador(SQLModel, table=True):
    """An employee who opted in (voluntarily; opting out is always possible)."""

    __tablename__ = "ambassadors"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())


def _now() -> datetime:
    return datetime.now(UTC)


class SocialProfile(SQLModel, table=True):
    """The ambassador's own account on one network: its declared handle and audience, and the
    state of its API connection where one exists (ambassadors.accounts)."""

    __tablename__ = "social_profiles"
    __table_args__ = (
        UniqueConstraint("ambassador_id", "network"),
        # The reminder loop scans connected accounts by expiry.
        Index("ix_social_profiles_connection_expiry", "connection_status", "connection_expires_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    network: str = Field(max_length=32)
    audience_size: int
    updated_at: datetime = Field(sa_column=utc_column())
    handle: str | None = Field(default=None, max_length=100)
    profile_url: str | None = Field(default=None, max_length=2048)
    connection_status: str = Field(default="not_connected", max_length=16)
    connected_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    connection_expires_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True)
    )
    # The expiry a reminder was sent for: one reminder per (account, expiry), whatever the workers.
    connection_reminded_for: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True)
    )
    created_at: datetime = Field(default_factory=_now, sa_column=utc_column())


class Membership(SQLModel, table=True):
    """An ambassador's membership of a sub-program."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("sub_program_id", "ambassador_id"),
        # Staff list a sub-program's members newest first (ambassadors.membership.roster).
        Index("ix_memberships_sub_program_recent", "sub_program_id", "joined_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    sub_program_id: uuid.UUID = Field(foreign_key="sub_programs.id")
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    joined_at: datetime = Field(sa_column=utc_column())


class FeedItem(SQLModel, table=True):
    """Published content offered to one ambassador (copied from the content event)."""

    __tablename__ = "feed_items"
    __table_args__ = (
        UniqueConstraint("ambassador_id", "content_id"),
        Index("ix_feed_items_ambassador_recent", "ambassador_id", "created_at", "id"),
        # Revisions and withdrawals find an item's rows across every feed of its org.
        Index("ix_feed_items_org_content", "org_id", "content_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    kind: str = Field(max_length=32)
    title: str = Field(max_length=300)
    url: str | None = Field(default=None, max_length=2048)
    # The content revision the title and url come from: an older replayed one never wins.
    revision: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(sa_column=utc_column())


class FeedWithdrawal(SQLModel, table=True):
    """A tombstone: content that left circulation for a sub-program (ambassadors.feed_updates)."""

    __tablename__ = "feed_withdrawals"
    __table_args__ = (UniqueConstraint("org_id", "content_id", "sub_program_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    reason: str = Field(max_length=16)
    withdrawn_at: datetime = Field(sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column())


class Share(SQLModel, table=True):
    """One ambassador, one content item, one network, one tracked link."""

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("ambassador_id", "content_id", "network"),
        Index("ix_shares_ambassador_recent", "ambassador_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    network: str = Field(max_length=32)
    audience_size: int
    tracked_code: str = Field(max_length=32, unique=True)
    target_url: str = Field(max_length=2048)
    created_at: datetime = Field(sa_column=utc_column())
