"""Content item API models: what comms writes, and what the console and feeds read."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from content.models import ContentKind, ContentSource, ContentStatus

Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
Language = Annotated[
    str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$", max_length=35)
]
NETWORKS = ("linkedin", "x", "facebook", "instagram", "custom")
Network = Annotated[str, StringConstraints(pattern=r"^(linkedin|x|facebook|instagram|custom)$")]


class Targeting(BaseModel):
    """Whom an item is for: sub-programs (directly or by program), optionally narrowed."""

    model_config = ConfigDict(extra="forbid")

    sub_program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    networks: list[Network] = Field(default_factory=list, max_length=5)  # none: every network
    departments: list[Tag] = Field(default_factory=list, max_length=50)  # none: every one


class ItemFields(BaseModel):
    """The editable fields of an item (create and PATCH share their rules)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=10_000)
    url: AnyHttpUrl | None = Field(default=None, max_length=2048)
    language: Language = "en"
    topics: list[Tag] = Field(default_factory=list, max_length=20)
    campaign_id: uuid.UUID | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    expire_at: AwareDatetime | None = None


class ContentCreate(ItemFields, Targeting):
    """A draft content item; it reaches feeds only once approved and published.

    `sub_program_id` (one target) is the first version of this API, still accepted.
    """

    kind: ContentKind = ContentKind.article
    sub_program_id: uuid.UUID | None = None
    translation_of: uuid.UUID | None = None  # the item this one translates (linked version)

    @model_validator(mode="after")
    def _merge_first_version_target(self) -> "ContentCreate":
        if self.sub_program_id is not None and self.sub_program_id not in self.sub_program_ids:
            self.sub_program_ids = [self.sub_program_id, *self.sub_program_ids]
        return self


class ContentUpdate(BaseModel):
    """A PATCH: only the fields sent change; a published item gains a revision."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=10_000)
    url: AnyHttpUrl | None = Field(default=None, max_length=2048)
    topics: list[Tag] | None = Field(default=None, max_length=20)
    campaign_id: uuid.UUID | None = None
    details: dict[str, Any] | None = None
    expire_at: AwareDatetime | None = None
    targeting: Targeting | None = None


class ContentRead(BaseModel):
    """A content item as the console sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: ContentKind
    title: str
    url: str | None
    body: str | None
    language: str
    translation_group_id: uuid.UUID
    status: ContentStatus
    source: ContentSource
    sub_program_id: uuid.UUID | None  # the first target (the first version of this API)
    sub_program_ids: list[uuid.UUID]
    program_ids: list[uuid.UUID]
    networks: list[str]
    departments: list[str]
    topics: list[str]
    campaign_id: uuid.UUID | None
    details: dict[str, Any]
    created_by: uuid.UUID
    author_id: uuid.UUID
    approved_by: uuid.UUID | None
    revision: int
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    publish_at: datetime | None
    expire_at: datetime | None
    published_at: datetime | None
    expired_at: datetime | None


class TranslationRead(BaseModel):
    """One language version of an item."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    language: str
    title: str
    status: ContentStatus
