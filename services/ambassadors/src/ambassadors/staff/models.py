"""The staff_grants table: who manages or reviews which program or sub-program."""

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class StaffGrant(SQLModel, table=True):
    """A program manager or reviewer role on one program or sub-program of the organisation."""

    __tablename__ = "staff_grants"
    __table_args__ = (
        UniqueConstraint("scope_id", "user_id", "role"),
        Index("ix_staff_grants_user", "org_id", "user_id"),
        Index("ix_staff_grants_scope_recent", "scope_id", "granted_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    user_id: uuid.UUID
    role: str = Field(max_length=32)  # program_manager | reviewer
    scope_type: str = Field(max_length=16)  # program | sub_program
    scope_id: uuid.UUID
    granted_by: uuid.UUID
    granted_at: datetime = Field(sa_column=utc_column())
