"""Events published by the ambassadors service on the `ambassadors.events` topic."""

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from common.events.envelope import EventPayload

TOPIC = "ambassadors.events"


class ShareCreatedV1(EventPayload):
    """An ambassador shared a content item on one network, through a tracked link."""

    ce_type: ClassVar[str] = "ambassadors.share.created.v1"
    topic: ClassVar[str] = TOPIC

    share_id: uuid.UUID
    org_id: uuid.UUID
    ambassador_id: uuid.UUID
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    network: str
    audience_size: int
    tracked_link_code: str
    created_at: datetime


class LinkClickedV1(EventPayload):
    """Someone followed a tracked link (observed, never estimated). No visitor data kept."""

    ce_type: ClassVar[str] = "ambassadors.link.clicked.v1"
    topic: ClassVar[str] = TOPIC

    click_id: uuid.UUID
    org_id: uuid.UUID
    share_id: uuid.UUID
    content_id: uuid.UUID
    network: str
    clicked_at: datetime


# Who may see and do what elsewhere: other services keep local read models of these (ADR 0009).
# Keys: the program or sub-program id, so every change of one scope arrives in order.


class ProgramCreatedV1(EventPayload):
    """A program exists (key: program id)."""

    ce_type: ClassVar[str] = "ambassadors.program.created.v1"
    topic: ClassVar[str] = TOPIC

    program_id: uuid.UUID
    org_id: uuid.UUID
    name: str
    created_at: datetime


class SubProgramCreatedV1(EventPayload):
    """A sub-program exists inside a program (key: sub-program id)."""

    ce_type: ClassVar[str] = "ambassadors.sub_program.created.v1"
    topic: ClassVar[str] = TOPIC

    sub_program_id: uuid.UUID
    program_id: uuid.UUID
    org_id: uuid.UUID
    name: str
    kind: str
    created_at: datetime


class MembershipChangedV1(EventPayload):
    """A person joined or left a sub-program, by their own action (key: sub-program id)."""

    ce_type: ClassVar[str] = "ambassadors.membership.changed.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    sub_program_id: uuid.UUID
    user_id: uuid.UUID
    ambassador_id: uuid.UUID
    change: Literal["joined", "left"]
    changed_at: datetime


class StaffRoleChangedV1(EventPayload):
    """A program manager or reviewer was granted or lost a program or sub-program
    (key: the scope's id)."""

    ce_type: ClassVar[str] = "ambassadors.staff_role.changed.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    user_id: uuid.UUID
    role: Literal["program_manager", "reviewer"]
    scope_type: Literal["program", "sub_program"]
    scope_id: uuid.UUID
    change: Literal["granted", "revoked"]
    changed_at: datetime


CONTRACTS: tuple[type[EventPayload], ...] = (
    ShareCreatedV1,
    LinkClickedV1,
    ProgramCreatedV1,
    SubProgramCreatedV1,
    MembershipChangedV1,
    StaffRoleChangedV1,
)
