"""API models of employees: what HR sends, what the console reads, the retention policy."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ambassadors.models import Network

EmploymentStatus = Literal["active", "on_leave", "left"]
HrText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^\S+$")
]


def _lower(value: str) -> str:
    return value.lower()


# A sign-in name (SCIM userName): matched case-insensitively, so stored lower-cased.
UserName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=320, pattern=r"^\S+$"),
    AfterValidator(_lower),
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]


class EmployeeFields(BaseModel):
    """An employee as HR states them (every field but the HR external id)."""

    model_config = ConfigDict(extra="forbid")

    user_name: UserName = Field(description="Sign-in name (e-mail or UPN), unique in the org.")
    email: Email | None = None
    display_name: HrText | None = None
    department: HrText | None = None
    location: HrText | None = None
    manager_external_id: ExternalId | None = None
    job_title: HrText | None = None
    is_executive: bool = False
    employment_status: EmploymentStatus = "active"
    hire_date: date | None = None
    active_networks: list[Network] = Field(
        default_factory=list,
        max_length=8,
        description="Networks the person is known to be active on (for discovery).",
    )


class EmployeeRecord(EmployeeFields):
    """An employee with their HR external id (CSV rows, events, SCIM)."""

    external_id: ExternalId


class EmployeeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    external_id: str
    user_name: str
    email: str | None
    display_name: str | None
    department: str | None
    location: str | None
    manager_external_id: str | None
    job_title: str | None
    is_executive: bool
    employment_status: EmploymentStatus
    hire_date: date | None
    active_networks: list[str]
    linked: bool = Field(description="True once the person signed in (or HR named their id).")
    source: str
    version: int
    left_at: datetime | None
    erase_after: datetime | None
    erased_at: datetime | None
    created_at: datetime
    updated_at: datetime


class RetentionPolicyWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    erase_after_days: int = Field(
        ge=0, le=3650, description="Days a departed employee's data is kept; 0 erases at once."
    )


class RetentionPolicyRead(BaseModel):
    erase_after_days: int
    updated_at: datetime | None
