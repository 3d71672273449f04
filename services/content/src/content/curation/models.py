"""Curation tables: the feeds an organisation follows and the queue of entries found in them."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class SourceStatus(StrEnum):
    ok = "ok"
    failing = "failing"  # the last poll failed (last_error says why); retried with back-off
    paused = "paused"  # not polled until resumed


class EntryStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"  # a draft content item was made of it (content_id)
    discarded = "discarded"


class CurationSource(SQLModel, table=True):
    """An RSS/Atom feed polled on a schedule; its default targets go to accepted entries."""

    __tablename__ = "curation_sources"
    __table_args__ = (
        Index("ix_curation_sources_org_recent", "org_id", "created_at", "id"),
        # One source per feed URL in an organisation (two would queue the same entries).
        UniqueConstraint("org_id", "url", name="uq_curation_sources_org_url"),
        # The poller's "what is due" scan.
        Index("ix_curation_sources_due", "status", "next_poll_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    name: str = Field(max_length=200)
    url: str = Field(max_length=2048)
    # Default targets of accepted entries: {"sub_program_ids": [...], "program_ids": [...]}.
    targeting: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="en", max_length=35)
    poll_interval_minutes: int = 60
    status: str = Field(default=SourceStatus.ok, max_length=16)
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    next_poll_at: datetime = Field(sa_column=utc_column())
    last_polled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str | None = Field(default=None, max_length=500)
    last_error_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    consecutive_failures: int = 0
    entries_found: int = 0  # new entries this feed brought into the queue, all polls together
    # Conditional GET: the validators of the last good answer.
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)


class CurationEntry(SQLModel, table=True):
    """One article found in a feed, waiting for comms to accept (a draft) or discard it."""

    __tablename__ = "curation_entries"
    __table_args__ = (
        # Deduplication: one entry per normalised link in an organisation, whatever the feed.
        UniqueConstraint("org_id", "link_key", name="uq_curation_entries_org_link"),
        Index("ix_curation_entries_org_recent", "org_id", "created_at", "id"),
        Index("ix_curation_entries_org_status_recent", "org_id", "status", "created_at", "id"),
        Index("ix_curation_entries_source_recent", "org_id", "source_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    # No foreign key: deleting a source keeps what was already accepted or discarded from it.
    source_id: uuid.UUID
    title: str = Field(max_length=300)
    link: str = Field(max_length=2048)
    link_key: str = Field(max_length=2048)  # the normalised link (content.curation.links)
    summary: str | None = Field(default=None, max_length=2000)
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    status: str = Field(default=EntryStatus.pending, max_length=16)
    content_id: uuid.UUID | None = None
    decided_by: uuid.UUID | None = None
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())


class CurationSourceTarget(SQLModel, table=True):
    """One sub-program a source's defaults aim at (resolved when saved): who sees the source."""

    __tablename__ = "curation_source_targets"
    __table_args__ = (
        Index("ix_curation_source_targets_sub_program", "org_id", "sub_program_id", "source_id"),
    )

    source_id: uuid.UUID = Field(primary_key=True, foreign_key="curation_sources.id")
    sub_program_id: uuid.UUID = Field(primary_key=True)
    program_id: uuid.UUID
    org_id: uuid.UUID
