"""Tables of the social accounts room; the account itself is `ambassadors.models.SocialProfile`."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, Uuid, text
from sqlmodel import Field, SQLModel

from common.db import utc_column

ACTIVE = text("ended_at IS NULL")


def account_key(*, primary_key: bool = False) -> Column[uuid.UUID]:
    """A reference to the account that goes with it, whoever deletes the account."""
    return Column(
        Uuid(),
        ForeignKey("social_profiles.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


class AudienceRecord(SQLModel, table=True):
    """One audience size an account had from a moment on (shares copy the size at share time)."""

    __tablename__ = "social_audience_history"
    __table_args__ = (
        Index("ix_social_audience_history_account", "account_id", "recorded_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    account_id: uuid.UUID = Field(sa_column=account_key())
    ambassador_id: uuid.UUID
    audience_size: int
    source: str = Field(max_length=16)  # self_declared | api | import
    recorded_at: datetime = Field(sa_column=utc_column())


class SocialToken(SQLModel, table=True):
    """An account's API credentials, encrypted (accounts.secrets); never returned or logged."""

    __tablename__ = "social_tokens"

    account_id: uuid.UUID = Field(sa_column=account_key(primary_key=True))
    org_id: uuid.UUID
    access_token: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    refresh_token: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    refresh_expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    scope: str = Field(default="", max_length=500)
    # The access-token expiry a refresh already failed for: tried once per expiry, not per tick.
    refresh_failed_for: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(sa_column=utc_column())


class TokenRevocation(SQLModel, table=True):
    """A token to revoke at the network (disconnect, departure), kept only until that is done."""

    __tablename__ = "social_token_revocations"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    # Not a foreign key: the account may be gone (forgotten) before the network is told.
    account_id: uuid.UUID
    network: str = Field(max_length=32)
    token: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    attempts: int = 0
    created_at: datetime = Field(sa_column=utc_column())


class OAuthState(SQLModel, table=True):
    """An authorization in progress: the `state` sent to the network, bound to one person."""

    __tablename__ = "social_oauth_states"
    __table_args__ = (Index("ix_social_oauth_states_expiry", "expires_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    user_id: uuid.UUID
    account_id: uuid.UUID = Field(sa_column=account_key())
    network: str = Field(max_length=32)
    # SHA-256 of the random state: a database reader cannot complete someone's authorization.
    state_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())


class PostingConsent(SQLModel, table=True):
    """A person's explicit consent to automated posting on one account, for 365 days."""

    __tablename__ = "social_posting_consents"
    __table_args__ = (
        # At most one consent in force per account; renewals end the previous one.
        Index(
            "uq_social_posting_consents_active",
            "account_id",
            unique=True,
            postgresql_where=ACTIVE,
            sqlite_where=ACTIVE,
        ),
        Index("ix_social_posting_consents_account", "account_id", "granted_at", "id"),
        Index("ix_social_posting_consents_expiry", "expires_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    account_id: uuid.UUID = Field(sa_column=account_key())
    ambassador_id: uuid.UUID
    network: str = Field(max_length=32)
    wording_version: str = Field(max_length=40)
    granted_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    end_reason: str | None = Field(default=None, max_length=16)  # renewed | withdrawn | revoked
    reminded_for: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
