"""What SCIM needs beyond the employee record: whether its client named the external id, the
enterprise employee number, and whether the client deleted the user (RFC 7644 §3.6)."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Uuid
from sqlmodel import Field, SQLModel

from common.db import utc_column


class ScimUser(SQLModel, table=True):
    """An employee's SCIM-only state; an employee without a row is a plain, visible user."""

    __tablename__ = "scim_users"

    employee_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid(),
            ForeignKey("employees.id", ondelete="CASCADE", name="fk_scim_users_employee_id"),
            primary_key=True,
        )
    )
    org_id: uuid.UUID
    # The client sent no externalId: the HR key was taken from userName and is not shown.
    external_id_hidden: bool = False
    employee_number: str | None = Field(default=None, max_length=200)
    # Counts changes of this row; the ETag is the employee's version and this one.
    version: int = 1
    # Deleted through SCIM: the person left, and the user answers 404 to SCIM from then on.
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(sa_column=utc_column())
