"""Policy and roll-up API models."""

import uuid
from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ambassadors.models import Network
from ambassadors.policies.effective import Source
from ambassadors.policies.hours import DAYS, is_time_zone
from common.pagination import Page

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEK: tuple[Weekday, ...] = get_args(Weekday)
LocalTime = Annotated[
    str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local time, HH:MM (24 h).")
]


class SharingHours(BaseModel):
    """Local opening hours: `end` before `start` runs past midnight; equal means all day."""

    model_config = ConfigDict(extra="forbid")

    start: LocalTime
    end: LocalTime
    days: list[Weekday] = Field(default_factory=lambda: list(WEEK), min_length=1, max_length=7)

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError("each day at most once")
        return sorted(days, key=DAYS.index)


class PolicyFields(BaseModel):
    """One level's settings; on a sub-program, null means "as the program says"."""

    allowed_networks: list[Network] | None = Field(
        default=None, min_length=1, max_length=len(Network)
    )
    daily_share_cap: int | None = Field(
        default=None, ge=1, le=100, description="Shares per person per local day."
    )
    sharing_hours: SharingHours | None = None
    time_zone: str | None = Field(default=None, max_length=64, description="IANA name.")
    gamification: bool | None = None
    spread_minutes: int | None = Field(
        default=None,
        ge=1,
        le=1440,
        description="Minimum minutes between two colleagues' shares of one item on one network.",
    )
    sharing_paused: bool | None = None


class PolicyWrite(PolicyFields):
    """The whole policy of this level (absent fields are null) and the version it replaces."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(
        ge=0, le=2_147_483_647, description="The version read (0: none set yet); 409 if stale."
    )

    @field_validator("allowed_networks")
    @classmethod
    def _distinct_networks(cls, networks: list[Network] | None) -> list[Network] | None:
        if networks is not None and len(set(networks)) != len(networks):
            raise ValueError("each network at most once")
        return networks

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name is not None and not is_time_zone(name):
            raise ValueError(f"unknown IANA time zone {name!r} (e.g. Europe/Paris)")
        return name


class EffectivePolicy(BaseModel):
    """What a member is held to, each setting's source, and where the caption rules live."""

    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None
    allowed_networks: list[Network]
    daily_share_cap: int | None
    sharing_hours: SharingHours | None
    time_zone: str
    gamification: bool
    rewarded_networks: list[Network] = Field(
        description="Networks whose shares may earn points: none when off, never Facebook."
    )
    spread_minutes: int | None
    sharing_paused: bool
    sources: dict[str, Source]
    caption_rules: str = Field(
        description="The signature, hashtags and banned terms of this level (content service)."
    )


class PolicyRead(PolicyFields):
    """One level's own settings (version 0 and no dates: none set yet) and what is in force."""

    scope_type: Literal["program", "sub_program"]
    scope_id: uuid.UUID
    program_id: uuid.UUID
    version: int
    updated_by: uuid.UUID | None
    updated_at: datetime | None
    effective: EffectivePolicy


class Figure(BaseModel):
    """One number and how we know it."""

    value: int | float
    basis: Literal["observed", "estimated"]
    method: str


class RollupFigures(BaseModel):
    members: Figure
    shares: Figure
    potential_reach: Figure
    active_ambassadors: Figure
    active_rate: Figure


class SubProgramRollup(RollupFigures):
    sub_program_id: uuid.UUID
    name: str
    kind: str
    created_at: datetime


class ProgramRollup(BaseModel):
    """Program-wide figures over the window, and a page of its sub-programs' figures."""

    program_id: uuid.UUID
    since: datetime
    until: datetime
    program: RollupFigures
    sub_programs: Page[SubProgramRollup]
