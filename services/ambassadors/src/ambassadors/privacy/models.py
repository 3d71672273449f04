"""The erasure receipts: one row per person and organisation, with their latest erasure."""

import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from common.db import utc_column


class Erasure(SQLModel, table=True):
    """Proof that a person's data was erased, and what decides that a repeated ask does nothing.

    Holds only pseudonymous ids and dates: it is what lets us honour the erasure (and show it in
    the person's export), not a copy of what was erased.
    """

    __tablename__ = "privacy_erasures"
    __table_args__ = (UniqueConstraint("org_id", "user_id", name="uq_privacy_erasures_person"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    user_id: uuid.UUID
    reason: str = Field(max_length=16)  # requested
    erasures: int = 1
    first_erased_at: datetime = Field(sa_column=utc_column())
    erased_at: datetime = Field(sa_column=utc_column())
