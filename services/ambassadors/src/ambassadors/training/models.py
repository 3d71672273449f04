"""Training modules of a program, who completed which, and the program's communication kit."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class TrainingModule(SQLModel, table=True):
    """One module: a text to read or a link to follow; required ones gate sharing."""

    __tablename__ = "training_modules"
    __table_args__ = (
        Index("ix_training_modules_org_recent", "org_id", "created_at", "id"),
        Index("ix_training_modules_program", "program_id", "position"),
        # Concurrent PATCHes cannot leave a module empty between them.
        CheckConstraint("body IS NOT NULL OR url IS NOT NULL", name="has_content"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    title: str = Field(max_length=200)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    url: str | None = Field(default=None, max_length=2048)
    required: bool = False
    position: int = 0
    part_of_onboarding: bool = False
    estimated_minutes: int | None = None
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    # Out of circulation: kept because someone completed it (their record stays true).
    archived_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class TrainingCompletion(SQLModel, table=True):
    """A person completed a module, once."""

    __tablename__ = "training_completions"
    __table_args__ = (
        UniqueConstraint(
            "module_id", "ambassador_id", name="uq_training_completions_module_ambassador"
        ),
        Index("ix_training_completions_ambassador", "ambassador_id", "program_id"),
        Index("ix_training_completions_org_user", "org_id", "user_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    module_id: uuid.UUID = Field(foreign_key="training_modules.id")
    program_id: uuid.UUID
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    user_id: uuid.UUID
    # Whether the module was required when the person completed it.
    required: bool
    completed_at: datetime = Field(sa_column=utc_column())


class KitResource(SQLModel, table=True):
    """One piece of a program's communication kit."""

    __tablename__ = "kit_resources"
    __table_args__ = (
        Index("ix_kit_resources_org_recent", "org_id", "created_at", "id"),
        Index("ix_kit_resources_program", "program_id", "position"),
        CheckConstraint("body IS NOT NULL OR url IS NOT NULL", name="has_content"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    # follow_company_page | relay_vs_comment | internal_information | visual_assets | other
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    url: str | None = Field(default=None, max_length=2048)
    position: int = 0
    created_by: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
