"""API models of social accounts, their audience history, connections and posting consent."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ambassadors.models import Network
from ambassadors.schemas import MAX_AUDIENCE

ConnectionStatus = Literal["not_connected", "connected", "expired", "revoked"]
AudienceSource = Literal["self_declared", "api", "import"]
ConsentStatus = Literal["none", "active", "expired", "withdrawn"]


class SocialAccountWrite(BaseModel):
    """My account on the path's network, as I declare it (replaces what was declared)."""

    model_config = ConfigDict(extra="forbid")

    handle: str = Field(
        min_length=1,
        max_length=120,
        description="Username on the network (LinkedIn: the part after linkedin.com/in/).",
    )
    profile_url: str | None = Field(
        default=None,
        max_length=2048,
        description="https URL on the network's domain; derived from the handle when omitted.",
    )
    audience_size: int = Field(
        ge=0, le=MAX_AUDIENCE, description="Followers or connections, as I count them today."
    )


class SocialAccountRead(BaseModel):
    id: uuid.UUID
    network: Network
    handle: str | None = Field(description="Null for an account declared only by opting in.")
    profile_url: str | None
    audience_size: int = Field(description="What a share made now records as its reach.")
    connection_status: ConnectionStatus
    connected_at: datetime | None
    connection_expires_at: datetime | None
    api_posting: bool = Field(
        description="Whether the network lets an app post for this account (consent possible)."
    )
    created_at: datetime
    updated_at: datetime


class AudienceRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    audience_size: int
    source: AudienceSource
    recorded_at: datetime


class ConnectionStarted(BaseModel):
    authorization_url: str = Field(description="Send the person's browser here.")
    expires_at: datetime = Field(description="The authorization must be completed before this.")


class ConnectionCallback(BaseModel):
    """What the network's redirect carried, relayed by the frontend."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=2000)
    state: str = Field(min_length=1, max_length=200)


class PostingConsentGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wording_version: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Version of the consent text the person was shown and accepted.",
    )


class PostingConsentRead(BaseModel):
    status: ConsentStatus
    wording_version: str | None = None
    granted_at: datetime | None = None
    expires_at: datetime | None = None
    withdrawn_at: datetime | None = None
