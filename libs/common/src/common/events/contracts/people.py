"""People events of the ambassadors service (on `ambassadors.events`): employees, invitations,
program membership, charters, training, social accounts, spotlights and erasure.

Keys: the employee's id for everything about one person (synced, left, erased, invited, joined,
left the program, accepted, completed, account updated/expiring), so one person's story stays in
order on one partition; a charter's program for its publication; a spotlight's sub-program.
Headers: ce_orgid always; ce_programid, ce_subprogramid, ce_network, ce_department when the event
is about one of them. Identities (user_id, ambassador_id) are pseudonymous ids, never names or
e-mail addresses: consumers can honour an erasure by forgetting the ids.
"""

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from common.events.contracts.ambassadors import TOPIC
from common.events.envelope import EventPayload

EmploymentStatus = Literal["active", "on_leave", "left"]


class EmployeeSyncedV1(EventPayload):
    """HR created or changed an employee record (only a real change is told)."""

    ce_type: ClassVar[str] = "ambassadors.employee.synced.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    employee_id: uuid.UUID
    user_id: uuid.UUID | None = None
    change: Literal["created", "updated"]
    department: str | None = None
    location: str | None = None
    is_executive: bool = False
    employment_status: EmploymentStatus
    version: int
    synced_at: datetime


class EmployeeLeftV1(EventPayload):
    """An employee left the company: deactivated at once everywhere (key: employee id)."""

    ce_type: ClassVar[str] = "ambassadors.employee.left.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    employee_id: uuid.UUID
    user_id: uuid.UUID | None = None
    ambassador_id: uuid.UUID | None = None
    left_at: datetime
    # When personal data will be erased (the org's retention policy); None: already erased.
    erase_after: datetime | None = None


class AmbassadorInvitedV1(EventPayload):
    """An employee was invited to a program or sub-program: a proposal, never a membership."""

    ce_type: ClassVar[str] = "ambassadors.ambassador.invited.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    invitation_id: uuid.UUID
    employee_id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None = None
    reason: Literal["manual", "eligibility", "discovery", "onboarding"]
    invited_by: uuid.UUID | None = None
    invited_at: datetime


class AmbassadorJoinedV1(EventPayload):
    """A person opted in to a program, by their own action."""

    ce_type: ClassVar[str] = "ambassadors.ambassador.joined.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    is_executive: bool = False
    joined_at: datetime


class AmbassadorLeftV1(EventPayload):
    """A person left a program: their own opt-out, leaving the company, or erasure."""

    ce_type: ClassVar[str] = "ambassadors.ambassador.left.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    reason: Literal["opted_out", "employee_left", "erased"]
    left_at: datetime


class CharterPublishedV1(EventPayload):
    """A new version of a program's charter: members accept it again before their next share."""

    ce_type: ClassVar[str] = "ambassadors.charter.published.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    charter_id: uuid.UUID
    version: int
    # The charter's caption rules, for content's caption checks (None: no such rule).
    disclosure: str | None = None
    required_hashtags: list[str] = []
    banned_terms: list[str] = []
    published_at: datetime
    # Set when the charter is a sub-program's own, on top of its program's (None: the program's).
    sub_program_id: uuid.UUID | None = None


class CharterAcceptedV1(EventPayload):
    """A person accepted one version of a program's charter."""

    ce_type: ClassVar[str] = "ambassadors.charter.accepted.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    charter_id: uuid.UUID
    version: int
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    accepted_at: datetime
    # Set when the charter accepted is a sub-program's own (None: the program's).
    sub_program_id: uuid.UUID | None = None


class TrainingCompletedV1(EventPayload):
    """A person completed a training module of a program."""

    ce_type: ClassVar[str] = "ambassadors.training.completed.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    module_id: uuid.UUID
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    required: bool
    completed_at: datetime


class SocialAccountUpdatedV1(EventPayload):
    """A person's social account was declared, changed, connected or disconnected."""

    ce_type: ClassVar[str] = "ambassadors.social_account.updated.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    account_id: uuid.UUID
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    network: str
    audience_size: int
    connection_status: Literal["not_connected", "connected", "expired", "revoked"]
    updated_at: datetime
    # What happened ("removed": the person deleted the account; None from older producers).
    change: (
        Literal["declared", "updated", "connected", "disconnected", "expired", "removed"] | None
    ) = None


class SocialAccountExpiringV1(EventPayload):
    """A reminder: an API connection or the consent to automated posting lapses soon."""

    ce_type: ClassVar[str] = "ambassadors.social_account.expiring.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    account_id: uuid.UUID
    ambassador_id: uuid.UUID
    user_id: uuid.UUID
    network: str
    what: Literal["connection", "posting_consent"]
    expires_at: datetime


class SpotlightPublishedV1(EventPayload):
    """A manager highlighted a person's post or success, with that person's consent."""

    ce_type: ClassVar[str] = "ambassadors.spotlight.published.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    sub_program_id: uuid.UUID
    spotlight_id: uuid.UUID
    ambassador_id: uuid.UUID
    share_id: uuid.UUID | None = None
    content_id: uuid.UUID | None = None
    published_at: datetime


class AmbassadorErasedV1(EventPayload):
    """A person's data was erased: forget these ids (aggregates survive, identities do not)."""

    ce_type: ClassVar[str] = "ambassadors.ambassador.erased.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    user_id: uuid.UUID | None = None
    ambassador_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    reason: Literal["requested", "retention"]
    erased_at: datetime


class PolicyChangedV1(EventPayload):
    """A program's or sub-program's policy was written: its own settings, null where a
    sub-program inherits its program's (key: the program id)."""

    ce_type: ClassVar[str] = "ambassadors.policy.changed.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    program_id: uuid.UUID
    scope_type: Literal["program", "sub_program"]
    scope_id: uuid.UUID
    version: int
    allowed_networks: list[str] | None = None
    daily_share_cap: int | None = None
    sharing_start: str | None = None
    sharing_end: str | None = None
    sharing_days: list[str] | None = None
    time_zone: str | None = None
    gamification: bool | None = None
    spread_minutes: int | None = None
    sharing_paused: bool | None = None
    changed_by: uuid.UUID | None = None
    changed_at: datetime


CONTRACTS: tuple[type[EventPayload], ...] = (
    EmployeeSyncedV1,
    EmployeeLeftV1,
    AmbassadorInvitedV1,
    AmbassadorJoinedV1,
    AmbassadorLeftV1,
    CharterPublishedV1,
    CharterAcceptedV1,
    TrainingCompletedV1,
    SocialAccountUpdatedV1,
    SocialAccountExpiringV1,
    SpotlightPublishedV1,
    AmbassadorErasedV1,
    PolicyChangedV1,
)
