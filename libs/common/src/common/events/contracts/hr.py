"""Events a customer's HR system publishes on `hr.events` for the ambassadors service to consume.

We publish this contract; the HR side (an iPaaS flow, a Workday/BambooHR connector) produces it.
Key: the employee's HR external id, so one person's hire, changes and departure stay in order.
Anyone who can write to this topic speaks for HR: grant its ACL to the HR connector only.
"""

import uuid
from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from common.events.envelope import EventPayload

TOPIC = "hr.events"


class _EmployeeRecord(EventPayload):
    org_id: uuid.UUID
    external_id: str = Field(min_length=1, max_length=200)
    user_name: str = Field(min_length=1, max_length=320)
    email: str | None = Field(default=None, max_length=320)
    display_name: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    manager_external_id: str | None = Field(default=None, max_length=200)
    job_title: str | None = Field(default=None, max_length=200)
    is_executive: bool = False
    hire_date: date | None = None
    # Networks the person is known to be active on (HR or a directory), for discovery.
    active_networks: list[str] = Field(default_factory=list, max_length=8)
    occurred_at: datetime


class EmployeeHiredV1(_EmployeeRecord):
    """A new employee (offered the onboarding track: an invitation, not an enrolment)."""

    ce_type: ClassVar[str] = "hr.employee.hired.v1"
    topic: ClassVar[str] = TOPIC


class EmployeeUpdatedV1(_EmployeeRecord):
    """An employee's record changed (department, manager, title...)."""

    ce_type: ClassVar[str] = "hr.employee.updated.v1"
    topic: ClassVar[str] = TOPIC


class EmployeeLeftHRV1(EventPayload):
    """An employee left the company: deactivated at once, data erased per retention policy."""

    ce_type: ClassVar[str] = "hr.employee.left.v1"
    topic: ClassVar[str] = TOPIC

    org_id: uuid.UUID
    external_id: str = Field(min_length=1, max_length=200)
    occurred_at: datetime


CONTRACTS: tuple[type[EventPayload], ...] = (EmployeeHiredV1, EmployeeUpdatedV1, EmployeeLeftHRV1)
