"""Ambassadors API models."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ambassadors.models import Network, SubProgramKind

MAX_AUDIENCE = 100_000_000


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)


class ProgramRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    created_at: datetime


class SubProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: SubProgramKind = SubProgramKind.custom


class SubProgramRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    name: str
    kind: SubProgramKind
    created_at: datetime


class MembershipCreate(BaseModel):
    """Opt in to a sub-program with one of your own social profiles."""

    model_config = ConfigDict(extra="forbid")

    network: Network
    audience_size: int = Field(ge=0, le=MAX_AUDIENCE)


class MembershipRead(BaseModel):
    id: uuid.UUID
    sub_program_id: uuid.UUID
    ambassador_id: uuid.UUID
    network: Network
    audience_size: int
    joined_at: datetime


class FeedItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    kind: str
    title: str
    url: str | None
    created_at: datetime


class ShareCreate(BaseModel):
    """Share one item of your feed on one network."""

    model_config = ConfigDict(extra="forbid")

    content_id: uuid.UUID
    network: Network


class ShareRead(BaseModel):
    id: uuid.UUID
    content_id: uuid.UUID
    network: Network
    audience_size: int
    tracked_url: str
    share_intent_url: str | None = Field(
        description="Prefilled share dialog of the network; null where none exists (Instagram)."
    )
    created_at: datetime
