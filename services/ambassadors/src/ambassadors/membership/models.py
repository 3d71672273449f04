"""Program memberships, invitations, eligibility policies and onboarding offers."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from common.db import utc_column

OPEN = text("status = 'open'")


class ProgramMember(SQLModel, table=True):
    """A person's membership of a whole program, by their own opt-in. Leaving keeps the row
    with `left_at`, so rules and suggestions never propose the program to them again."""

    __tablename__ = "program_members"
    __table_args__ = (
        UniqueConstraint(
            "program_id", "ambassador_id", name="uq_program_members_program_ambassador"
        ),
        Index("ix_program_members_program_recent", "program_id", "joined_at", "id"),
        Index("ix_program_members_ambassador", "ambassador_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    ambassador_id: uuid.UUID = Field(foreign_key="ambassadors.id")
    joined_at: datetime = Field(sa_column=utc_column())
    left_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Invitation(SQLModel, table=True):
    """A proposal to one employee record to join a program or sub-program; never a membership."""

    __tablename__ = "invitations"
    __table_args__ = (
        # One open invitation per person and scope; answered ones stay as the history.
        Index(
            "uq_invitations_open_scope_employee",
            "scope_id",
            "employee_id",
            unique=True,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        ),
        Index("ix_invitations_employee_scope", "employee_id", "scope_id"),
        Index("ix_invitations_org_recent", "org_id", "created_at", "id"),
        Index("ix_invitations_program_recent", "program_id", "created_at", "id"),
        Index("ix_invitations_scope_recent", "scope_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    employee_id: uuid.UUID = Field(foreign_key="employees.id")
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    sub_program_id: uuid.UUID | None = Field(default=None, foreign_key="sub_programs.id")
    # The sub-program when there is one, else the program: what "one open per scope" is about.
    scope_id: uuid.UUID
    reason: str = Field(max_length=16)  # manual | eligibility | discovery | onboarding
    status: str = Field(max_length=16)  # open | accepted | declined | revoked
    invited_by: uuid.UUID | None = None
    created_at: datetime = Field(sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Who accepted, declined or revoked it (None: the system, at a departure).
    decided_by: uuid.UUID | None = None


class EligibilityPolicy(SQLModel, table=True):
    """The eligibility rules of one program or sub-program (rules are ORed, conditions ANDed)."""

    __tablename__ = "eligibility_policies"
    __table_args__ = (
        Index("ix_eligibility_policies_org", "org_id"),
        Index("ix_eligibility_policies_pending", "pending"),
    )

    scope_id: uuid.UUID = Field(primary_key=True)
    org_id: uuid.UUID
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    sub_program_id: uuid.UUID | None = Field(default=None, foreign_key="sub_programs.id")
    rules: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # More matching people may remain to be invited (the worker's eligibility loop goes on).
    pending: bool = False
    updated_by: uuid.UUID
    updated_at: datetime = Field(sa_column=utc_column())


class OnboardingOffer(SQLModel, table=True):
    """Whether a program is offered to new hires (an invitation when HR records a hire)."""

    __tablename__ = "onboarding_offers"
    __table_args__ = (Index("ix_onboarding_offers_org", "org_id"),)

    program_id: uuid.UUID = Field(primary_key=True, foreign_key="programs.id")
    org_id: uuid.UUID
    offer_to_new_hires: bool = False
    updated_by: uuid.UUID
    updated_at: datetime = Field(sa_column=utc_column())
