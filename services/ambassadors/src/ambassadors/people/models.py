"""The employees table (HR's view of a person) and each organisation's retention policy."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class Employee(SQLModel, table=True):
    """One person of the company as HR states them; never an ambassador by itself."""

    __tablename__ = "employees"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id", name="uq_employees_org_external_id"),
        # SCIM userName is unique per organisation; it links a sign-in to this record.
        UniqueConstraint("org_id", "user_name", name="uq_employees_org_user_name"),
        Index("ix_employees_org_user", "org_id", "user_id"),
        Index("ix_employees_org_recent", "org_id", "created_at", "id"),
        Index("ix_employees_erase_due", "erase_after"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    external_id: str = Field(max_length=200)
    user_name: str = Field(max_length=320)
    email: str | None = Field(default=None, max_length=320)
    display_name: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    manager_external_id: str | None = Field(default=None, max_length=200)
    job_title: str | None = Field(default=None, max_length=200)
    is_executive: bool = False
    employment_status: str = Field(max_length=16)  # active | on_leave | left
    hire_date: date | None = None
    active_networks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The person's id at sign-in, set the first time they are seen (by user_name) or by HR.
    user_id: uuid.UUID | None = None
    # A digest of the HR fields: an upsert that changes nothing writes nothing.
    fingerprint: str = Field(max_length=64)
    version: int = 1
    source: str = Field(max_length=16)  # api | scim | csv | event
    left_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    erase_after: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    erased_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class RetentionPolicy(SQLModel, table=True):
    """How long a departed employee's personal data is kept (0: erased at departure)."""

    __tablename__ = "retention_policies"

    org_id: uuid.UUID = Field(primary_key=True)
    erase_after_days: int = 30
    updated_by: uuid.UUID
    updated_at: datetime = Field(sa_column=utc_column())
