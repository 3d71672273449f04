"""The access read model: projections of the ambassadors service's events, never read remotely.

Rows are keyed by what the events change, so replaying an event leaves them as they are. A
membership or grant that ended stays as a tombstone (is_member / is_granted false) with the time
of that change: an older event told again later (a replayed dead letter, a republish) finds a
newer time and changes nothing (content.access.projection).
"""

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from common.db import utc_column


class AccessSubProgram(SQLModel, table=True):
    """Which program a sub-program belongs to: a grant on a program covers its sub-programs."""

    __tablename__ = "access_sub_programs"
    __table_args__ = (Index("ix_access_sub_programs_program", "program_id"),)

    sub_program_id: uuid.UUID = Field(primary_key=True)
    program_id: uuid.UUID
    org_id: uuid.UUID


class AccessMembership(SQLModel, table=True):
    """Whether a person is a member of a sub-program, as of their last change (joined or left)."""

    __tablename__ = "access_memberships"

    # The person first: every visibility query looks memberships up by the caller.
    user_id: uuid.UUID = Field(primary_key=True)
    sub_program_id: uuid.UUID = Field(primary_key=True)
    org_id: uuid.UUID
    is_member: bool  # false: they left (a tombstone, kept for its changed_at)
    changed_at: datetime = Field(sa_column=utc_column())  # of the event that set is_member


class AccessStaffGrant(SQLModel, table=True):
    """A program manager or reviewer role on a program or a sub-program, granted or revoked."""

    __tablename__ = "access_staff_grants"

    # One grant per (person, scope, role), as in the ambassadors service; the person first.
    user_id: uuid.UUID = Field(primary_key=True)
    scope_id: uuid.UUID = Field(primary_key=True)
    role: str = Field(primary_key=True, max_length=32)  # program_manager | reviewer
    scope_type: str = Field(max_length=16)  # program | sub_program
    org_id: uuid.UUID
    is_granted: bool  # false: revoked (a tombstone, kept for its changed_at)
    changed_at: datetime = Field(sa_column=utc_column())  # of the event that set is_granted
