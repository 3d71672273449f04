"""API models of the communication kit."""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ambassadors.training.schemas import Link, Markdown, Position, Title


class ResourceKind(StrEnum):
    follow_company_page = "follow_company_page"
    relay_vs_comment = "relay_vs_comment"
    internal_information = "internal_information"
    visual_assets = "visual_assets"
    other = "other"


class ResourceUpdate(BaseModel):
    """A PATCH: only the fields sent change; a resource keeps a body, a url, or both."""

    model_config = ConfigDict(extra="forbid")

    kind: ResourceKind | None = None
    title: Title | None = None
    body: Markdown | None = None
    url: Link | None = None
    position: Position | None = None


class ResourceCreate(BaseModel):
    """A piece of the kit: a text (markdown), a link, or both."""

    model_config = ConfigDict(extra="forbid")

    kind: ResourceKind
    title: Title
    body: Markdown | None = None
    url: Link | None = None
    position: Position = 0

    @model_validator(mode="after")
    def _has_content(self) -> "ResourceCreate":
        if self.body is None and self.url is None:
            raise ValueError("a kit resource needs a body, a url, or both")
        return self


class ResourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    kind: ResourceKind
    title: str
    body: str | None
    url: str | None
    position: int = Field(description="Order in the program's kit (lowest first).")
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
