"""The policy a member is held to: the sub-program's own settings over its program's, over the
defaults. Pure, so the rule is tested apart from the database."""

import uuid
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from ambassadors.models import Network
from ambassadors.policies.hours import DEFAULT_TIME_ZONE, SharingHours
from ambassadors.policies.models import ProgramPolicy

Source = Literal["sub_program", "program", "default"]
FIELDS = (
    "allowed_networks",
    "daily_share_cap",
    "sharing_hours",
    "time_zone",
    "gamification",
    "spread_minutes",
    "sharing_paused",
)
ALL_NETWORKS: tuple[str, ...] = tuple(n.value for n in Network)
# Facebook's platform policy: apps must not reward people for posting to Facebook.
NEVER_REWARDED = frozenset({Network.facebook.value})
DEFAULTS: dict[str, object] = {
    "allowed_networks": list(ALL_NETWORKS),
    "daily_share_cap": None,
    "sharing_hours": None,
    "time_zone": DEFAULT_TIME_ZONE,
    # PRODUCT.md: gamification is off unless a program turns it on.
    "gamification": False,
    "spread_minutes": None,
    "sharing_paused": False,
}


@dataclass(frozen=True)
class Effective:
    """Merged settings, where each came from, and the scope whose policy set the cap."""

    values: dict[str, object]
    sources: dict[str, Source]
    program_id: uuid.UUID
    sub_program_id: uuid.UUID | None
    # The program's own zone (or the default): the days of a cap the program set.
    program_time_zone: str = DEFAULT_TIME_ZONE

    @property
    def allowed_networks(self) -> list[str]:
        networks = self.values["allowed_networks"]
        assert isinstance(networks, list)
        return [str(network) for network in networks]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(str(self.values["time_zone"]))

    @property
    def hours(self) -> SharingHours | None:
        stored = self.values["sharing_hours"]
        return SharingHours.parse(stored) if isinstance(stored, dict) else None

    @property
    def cap(self) -> int | None:
        cap = self.values["daily_share_cap"]
        return cap if isinstance(cap, int) else None

    @property
    def spread_minutes(self) -> int | None:
        spread = self.values["spread_minutes"]
        return spread if isinstance(spread, int) else None

    @property
    def rewarded_networks(self) -> list[str]:
        """Networks whose shares may earn points: none with gamification off, never Facebook."""
        if not self.values["gamification"]:
            return []
        return [n for n in self.allowed_networks if n not in NEVER_REWARDED]

    def cap_scope(self) -> tuple[uuid.UUID, ZoneInfo]:
        """Whose counter a share counts on, and the zone of its days: the scope that set the cap
        (a program's cap spans the sub-programs inheriting it), in that scope's time zone."""
        if self.sources["daily_share_cap"] == "sub_program" and self.sub_program_id is not None:
            return self.sub_program_id, self.zone
        return self.program_id, ZoneInfo(self.program_time_zone)


def merge(
    *,
    program_id: uuid.UUID,
    program: ProgramPolicy | None,
    sub_program_id: uuid.UUID | None = None,
    sub: ProgramPolicy | None = None,
) -> Effective:
    """The sub-program's setting where it has one, else the program's, else the default."""
    values: dict[str, object] = {}
    sources: dict[str, Source] = {}
    for name in FIELDS:
        own = getattr(sub, name) if sub is not None else None
        inherited = getattr(program, name) if program is not None else None
        if own is not None:
            values[name], sources[name] = own, "sub_program"
        elif inherited is not None:
            values[name], sources[name] = inherited, "program"
        else:
            values[name], sources[name] = DEFAULTS[name], "default"
    return Effective(
        values=values,
        sources=sources,
        program_id=program_id,
        sub_program_id=sub_program_id,
        program_time_zone=(program.time_zone if program else None) or DEFAULT_TIME_ZONE,
    )
