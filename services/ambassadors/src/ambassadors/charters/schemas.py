"""API models of charters: a new version, a version as read, acceptances."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ambassadors.staff.access import ScopeType

CharterStatus = Literal["draft", "published", "superseded"]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4_000)]
Disclosure = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# The same shapes content's caption rules accept, so the event's rules apply there as written.
Hashtag = Annotated[str, StringConstraints(pattern=r"^#?\w{1,100}$")]
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class CharterWrite(BaseModel):
    """A new version of the charter, kept as a draft until it is published."""

    model_config = ConfigDict(extra="forbid")

    terms: Markdown = Field(description="The charter itself (markdown).")
    tone: LongText | None = Field(default=None, description="How to speak: tone and spelling.")
    visual_identity: LongText | None = Field(
        default=None, description="Logos, colours, templates: text and links."
    )
    disclosure: Disclosure | None = Field(
        default=None, description="The sentence ambassadors include to disclose their employer."
    )
    required_hashtags: list[Hashtag] = Field(default_factory=list, max_length=20)
    banned_terms: list[Term] = Field(default_factory=list, max_length=100)


class CharterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None
    scope_type: ScopeType
    scope_id: uuid.UUID
    status: CharterStatus
    version: int | None = Field(description="Its number in its scope once published.")
    based_on_version: int = Field(description="The version in force when it was drafted (0: none).")
    terms: str
    tone: str | None
    visual_identity: str | None
    disclosure: str | None
    required_hashtags: list[str]
    banned_terms: list[str]
    created_by: uuid.UUID
    created_at: datetime
    published_by: uuid.UUID | None
    published_at: datetime | None
    superseded_at: datetime | None


class AcceptanceCreate(BaseModel):
    """The version the person read and accepts: it must be the current one."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=1_000_000)


class AcceptanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    charter_id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None
    version: int
    accepted_at: datetime


class MyCharterRead(BaseModel):
    """A charter in force where I take part, and where I stand with it."""

    charter: CharterRead
    accepted_at: datetime | None = Field(description="When I accepted this version (None: to do).")
    last_accepted_version: int | None = Field(
        description="The latest version of this scope I accepted, if any."
    )
