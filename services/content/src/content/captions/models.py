"""Tables of the captions room: variants per network and language, caption rules, posts checked."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column

MAX_TEXT = 63_206  # Facebook's limit, the longest of the networks'


class RuleScope(StrEnum):
    program = "program"
    sub_program = "sub_program"


class CaptionVariant(SQLModel, table=True):
    """One suggested caption of an item for one network and language."""

    __tablename__ = "caption_variants"
    __table_args__ = (
        Index("ix_caption_variants_item_recent", "org_id", "content_id", "created_at", "id"),
        # A variant holds one of MAX_VARIANTS slots: the bound is decided by this constraint.
        UniqueConstraint(
            "content_id", "network", "language", "slot", name="uq_caption_variants_slot"
        ),
        # The same text twice in one (item, network, language) would defeat the variants' point.
        UniqueConstraint(
            "content_id", "network", "language", "digest", name="uq_caption_variants_digest"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    content_id: uuid.UUID = Field(foreign_key="content_items.id")
    network: str = Field(max_length=16)
    language: str = Field(max_length=35)
    slot: int
    text: str = Field(max_length=MAX_TEXT)
    digest: str = Field(max_length=64)  # sha256 of the normalised text
    label: str | None = Field(default=None, max_length=100)
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class CaptionRuleSet(SQLModel, table=True):
    """The caption rules of a program or a sub-program (the content side of its charter)."""

    __tablename__ = "caption_rule_sets"

    org_id: uuid.UUID = Field(primary_key=True)
    scope_type: str = Field(primary_key=True, max_length=16)
    scope_id: uuid.UUID = Field(primary_key=True)
    banned_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    required_hashtags: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    signature: str | None = Field(default=None, max_length=200)
    signature_at_end: bool = True
    disclosures: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    max_hashtags: int | None = None
    max_length: int | None = None
    version: int = 1
    updated_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class CaptionPost(SQLModel, table=True):
    """What one person posted (or will post) of an item on a network, kept for anti-parrot."""

    __tablename__ = "caption_posts"
    __table_args__ = (
        UniqueConstraint("content_id", "user_id", "network", name="uq_caption_posts_person"),
        Index("ix_caption_posts_item_recent", "org_id", "content_id", "network", "updated_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    content_id: uuid.UUID = Field(foreign_key="content_items.id")
    user_id: uuid.UUID
    network: str = Field(max_length=16)
    text: str = Field(max_length=MAX_TEXT)
    score: float  # similarity to the closest text when recorded
    verdict: str = Field(max_length=16)  # verbatim | close | personalised, when recorded
    closest_source: str | None = Field(default=None, max_length=16)
    closest_id: uuid.UUID | None = None
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
