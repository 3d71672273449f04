"""Metrics facts: one row per observed share and click (idempotent by their event ids)."""

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class ShareFact(SQLModel, table=True):
    """A share as reported by the ambassadors service."""

    __tablename__ = "share_facts"
    __table_args__ = (Index("ix_share_facts_org_content", "org_id", "content_id"),)

    share_id: uuid.UUID = Field(primary_key=True)
    org_id: uuid.UUID
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    ambassador_id: uuid.UUID
    network: str = Field(max_length=32)
    audience_size: int
    created_at: datetime = Field(sa_column=utc_column())


class ClickFact(SQLModel, table=True):
    """A click on one of our tracked links: observed, never estimated."""

    __tablename__ = "click_facts"
    __table_args__ = (Index("ix_click_facts_org_content", "org_id", "content_id"),)

    click_id: uuid.UUID = Field(primary_key=True)
    org_id: uuid.UUID
    share_id: uuid.UUID
    content_id: uuid.UUID
    network: str = Field(max_length=32)
    clicked_at: datetime = Field(sa_column=utc_column())


class ErasedPerson(SQLModel, table=True):
    """A person whose identity was erased, as a digest: a late share of theirs is stored
    anonymous too, and the digest does not name them."""

    __tablename__ = "erased_people"

    org_id: uuid.UUID = Field(primary_key=True)
    ambassador_digest: str = Field(primary_key=True, max_length=64)
    erased_at: datetime = Field(sa_column=utc_column())
