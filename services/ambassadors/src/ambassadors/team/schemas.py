"""API models of the team room: spotlights and a sub-program's page of moments."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ambassadors.schemas import SubProgramRead
from ambassadors.team.models import SpotlightStatus

Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class SpotlightCreate(BaseModel):
    """Highlight a member's share or success in this sub-program (shown once they consent)."""

    model_config = ConfigDict(extra="forbid")

    ambassador_id: uuid.UUID = Field(description="A member of this sub-program.")
    share_id: uuid.UUID | None = Field(
        default=None, description="One of that member's shares in this sub-program (optional)."
    )
    message: Message = Field(description="What the team should know (1-1000 characters).")


class SpotlightRead(BaseModel):
    id: uuid.UUID
    sub_program_id: uuid.UUID
    program_id: uuid.UUID
    ambassador_id: uuid.UUID
    person_name: str | None = Field(
        description="The person's name as HR states it (null when HR has none)."
    )
    share_id: uuid.UUID | None
    content_id: uuid.UUID | None
    message: str
    status: SpotlightStatus
    author_id: uuid.UUID | None = Field(description="Who proposed it (null once they erased it).")
    created_at: datetime
    decided_at: datetime | None
    published_at: datetime | None
    withdrawn_at: datetime | None


class MomentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source: str = Field(description="Where the moment comes from: `campaign`.")
    source_id: uuid.UUID = Field(description="The campaign's id in the content service.")
    title: str
    kind: str | None
    starts_at: datetime
    ends_at: datetime | None


class SubProgramPage(BaseModel):
    """One screen of a sub-program: its upcoming moments and its latest spotlights."""

    sub_program: SubProgramRead
    window_from: datetime
    window_to: datetime
    items: list[MomentRead] = Field(description="Moments overlapping the window, earliest first.")
    next_cursor: str | None
    spotlights: list[SpotlightRead] = Field(
        description="The latest published spotlights (at most 10; all: GET /v1/spotlights)."
    )
