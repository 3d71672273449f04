"""API models of program membership, invitations, eligibility rules, discovery, onboarding."""

import uuid
from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ambassadors.models import Network
from ambassadors.people.schemas import HrText
from ambassadors.schemas import MAX_AUDIENCE, MembershipRead

MAX_INVITEES = 500
MAX_RULES = 20
InvitationStatus = Literal["open", "accepted", "declined", "revoked"]
InvitationReason = Literal["manual", "eligibility", "discovery", "onboarding"]
ScopeType = Literal["program", "sub_program"]


class ProgramMemberRead(BaseModel):
    """My membership of a whole program."""

    model_config = ConfigDict(from_attributes=True)

    program_id: uuid.UUID
    ambassador_id: uuid.UUID
    joined_at: datetime


class MemberRead(BaseModel):
    """A member as staff see them: pseudonymous ids, networks, and HR's executive flag."""

    ambassador_id: uuid.UUID
    employee_id: uuid.UUID | None = Field(description="Their HR record, once linked.")
    joined_at: datetime
    networks: list[str] = Field(description="Networks of the profiles they declared.")
    is_executive: bool = Field(description="From HR: executive ambassadors are flagged.")


class InvitationCreate(BaseModel):
    """Invite employees (HR record ids) to this program or sub-program."""

    model_config = ConfigDict(extra="forbid")

    employee_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_INVITEES)
    reason: Literal["manual", "discovery"] = Field(
        default="manual", description="`discovery`: the people came from the suggestions."
    )


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None
    scope_type: ScopeType
    reason: InvitationReason
    status: InvitationStatus
    invited_by: uuid.UUID | None
    created_at: datetime
    decided_at: datetime | None


class InvitationsCreated(BaseModel):
    """The invitations made; people who already had an open one are named, not invited twice."""

    items: list[InvitationRead]
    already_invited: list[uuid.UUID]


class InvitationAccept(BaseModel):
    """My opt-in; a sub-program invitation needs the profile the sub-program join takes."""

    model_config = ConfigDict(extra="forbid")

    network: Network | None = None
    audience_size: int | None = Field(default=None, ge=0, le=MAX_AUDIENCE)


class InvitationAccepted(BaseModel):
    invitation: InvitationRead
    program_membership: ProgramMemberRead
    sub_program_membership: MembershipRead | None


class EligibilityRule(BaseModel):
    """People matching every condition given (text compared case-insensitively)."""

    model_config = ConfigDict(extra="forbid")

    department: HrText | None = None
    location: HrText | None = None
    job_title: HrText | None = None
    is_executive: bool | None = None
    active_network: Network | None = Field(
        default=None, description="A network HR declares the person active on."
    )

    @model_validator(mode="after")
    def _some_condition(self) -> Self:
        if not self.model_dump(exclude_none=True):
            raise ValueError("a rule needs at least one condition")
        return self


class EligibilityWrite(BaseModel):
    """The scope's whole rule set (replaces the previous one; [] removes every rule)."""

    model_config = ConfigDict(extra="forbid")

    rules: list[EligibilityRule] = Field(max_length=MAX_RULES)


class EligibilityRead(BaseModel):
    scope_type: ScopeType
    scope_id: uuid.UUID
    rules: list[EligibilityRule]
    pending: bool = Field(description="More matching people are being invited by the worker.")
    updated_by: uuid.UUID | None
    updated_at: datetime | None


class EligibilityApplied(EligibilityRead):
    invited: int = Field(description="Invitations this change made right away.")


class SuggestionRead(BaseModel):
    """An active employee known to be active on a network: someone to invite, nothing more."""

    employee_id: uuid.UUID
    display_name: str | None
    department: str | None
    job_title: str | None
    is_executive: bool
    hr_networks: list[str] = Field(description="Networks HR declares them active on.")
    self_declared_networks: list[str] = Field(description="Networks of their own profiles.")


class OnboardingWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_to_new_hires: bool


class OnboardingRead(BaseModel):
    program_id: uuid.UUID
    offer_to_new_hires: bool
    updated_by: uuid.UUID | None
    updated_at: datetime | None
