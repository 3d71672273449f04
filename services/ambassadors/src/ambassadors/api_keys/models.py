"""The api_keys table: only a hash of each secret is kept."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class ApiKey(SQLModel, table=True):
    """One integration's credential; the secret itself is shown once and never stored."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_org_recent", "org_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    name: str = Field(max_length=200)
    scopes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    # SHA-256 of the high-entropy secret (hex): a slow hash buys nothing for 256 random bits.
    secret_hash: str = Field(max_length=64)
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
