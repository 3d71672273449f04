"""Policy tables: one policy per program or sub-program, and the counters share gates decide on."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ambassadors.models import Share
from common.db import utc_column


class ProgramPolicy(SQLModel, table=True):
    """The policy of one program or sub-program; on a sub-program, None means "the program's"."""

    __tablename__ = "program_policies"
    __table_args__ = (
        UniqueConstraint("scope_id", name="uq_program_policies_scope_id"),
        Index("ix_program_policies_program", "program_id"),
        CheckConstraint("daily_share_cap BETWEEN 1 AND 100", name="daily_share_cap_range"),
        CheckConstraint("spread_minutes BETWEEN 1 AND 1440", name="spread_minutes_range"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    # The program itself, or the program that contains the sub-program.
    program_id: uuid.UUID = Field(foreign_key="programs.id")
    scope_type: str = Field(max_length=16)  # program | sub_program
    scope_id: uuid.UUID
    allowed_networks: list[str] | None = Field(default=None, sa_column=Column(JSON))
    daily_share_cap: int | None = None
    # {"start": "08:00", "end": "18:00", "days": ["mon", ...]}: inherited as a whole.
    sharing_hours: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    time_zone: str | None = Field(default=None, max_length=64)
    gamification: bool | None = None
    spread_minutes: int | None = None
    sharing_paused: bool | None = None
    version: int = 1
    updated_by: uuid.UUID | None = None
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class DailyShareCount(SQLModel, table=True):
    """How many shares one person made on one local day under the policy that set their cap."""

    __tablename__ = "policy_share_counts"
    __table_args__ = (Index("ix_policy_share_counts_day", "day"),)

    ambassador_id: uuid.UUID = Field(primary_key=True)
    # The program or sub-program whose policy set the cap (a program's cap spans its sub-programs).
    scope_id: uuid.UUID = Field(primary_key=True)
    day: date = Field(primary_key=True)
    org_id: uuid.UUID
    count: int
    updated_at: datetime = Field(sa_column=utc_column())


class ShareSpread(SQLModel, table=True):
    """When the next colleague may share an item on a network in a sub-program."""

    __tablename__ = "policy_share_spreads"
    __table_args__ = (Index("ix_policy_share_spreads_next", "next_share_at"),)

    sub_program_id: uuid.UUID = Field(primary_key=True)
    content_id: uuid.UUID = Field(primary_key=True)
    network: str = Field(primary_key=True, max_length=32)
    org_id: uuid.UUID
    next_share_at: datetime = Field(sa_column=utc_column())


# The roll-up counts a sub-program's shares in a window; the shares table only had per-person
# indexes. Declared here, beside the query that needs it (the shares table itself is not ours).
SHARES_BY_SUB_PROGRAM = Index(
    "ix_shares_sub_program_recent",
    Share.__table__.c.sub_program_id,  # type: ignore[attr-defined]
    Share.__table__.c.created_at,  # type: ignore[attr-defined]
)
