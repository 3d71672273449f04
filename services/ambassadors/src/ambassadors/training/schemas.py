"""API models of training: modules, completions, a person's track and the staff's progress view."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, model_validator

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Link = Annotated[AnyHttpUrl, Field(max_length=2048)]
Position = Annotated[int, Field(ge=0, le=10_000, description="Order in its list (lowest first).")]
Minutes = Annotated[int, Field(ge=1, le=600)]


class ModuleUpdate(BaseModel):
    """A PATCH: only the fields sent change; a module keeps a body, a url, or both."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Markdown | None = None
    url: Link | None = None
    required: bool | None = None
    position: Position | None = None
    part_of_onboarding: bool | None = None
    estimated_minutes: Minutes | None = None


class ModuleCreate(BaseModel):
    """A module: a text to read (markdown), a link to follow, or both."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Markdown | None = None
    url: Link | None = None
    required: bool = Field(default=False, description="Required modules gate sharing.")
    position: Position = 0
    part_of_onboarding: bool = Field(
        default=False, description="Offered to new employees in their onboarding track."
    )
    estimated_minutes: Minutes | None = None

    @model_validator(mode="after")
    def _has_content(self) -> "ModuleCreate":
        if self.body is None and self.url is None:
            raise ValueError("a module needs a body, a url, or both")
        return self


class ModuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    title: str
    body: str | None
    url: str | None
    required: bool
    position: int
    part_of_onboarding: bool
    estimated_minutes: int | None
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    completed_at: datetime | None = Field(
        default=None, description="When I completed it (people only; None: not yet)."
    )


class CompletionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    module_id: uuid.UUID
    program_id: uuid.UUID
    required: bool
    completed_at: datetime


class MyProgramTraining(BaseModel):
    """My track in one program: its modules in order, with what I completed."""

    program_id: uuid.UUID
    program_name: str
    modules: list[ModuleRead]
    completed: int
    total: int
    required_completed: int
    required_total: int
    created_at: datetime = Field(description="The program's creation (the list's order).")


class PersonProgress(BaseModel):
    """One person's completion counts in a program (modules in circulation)."""

    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    completed: int
    total: int
    required_completed: int
    required_total: int
    last_completed_at: datetime | None
