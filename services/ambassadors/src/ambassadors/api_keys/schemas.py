"""API models of API keys; no read model carries the secret or its hash."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from common.auth import SCOPES, Scope

KeyStatus = Literal["active", "expired", "revoked"]


class ApiKeyCreate(BaseModel):
    """A key for one integration, with the scopes it needs and no more."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Who uses it, e.g. 'Workday'.")
    scopes: list[Scope] = Field(min_length=1, max_length=len(SCOPES))
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="Between 60 seconds and 365 days from now; 90 days when omitted.",
    )


class ApiKeyRead(BaseModel):
    id: uuid.UUID
    name: str
    scopes: list[str]
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(
        description="When the key was last accepted, to the minute (not rewritten more often)."
    )
    status: KeyStatus


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The secret. Shown in this response only: store it now.")


class IntrospectionRequest(BaseModel):
    """The gateway's question; the key's length is checked by the format, the body by the app."""

    key: str


class Introspection(BaseModel):
    """RFC 7662 in spirit: an inactive key says nothing else about itself."""

    active: bool
    key_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    scopes: list[str] | None = None
