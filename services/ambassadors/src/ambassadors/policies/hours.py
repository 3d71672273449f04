"""Sharing hours and local days, as pure functions of an explicit instant (tested without a clock).

A window is wall-clock time in the policy's time zone: `start` to `end` on each of `days`.
`end` before `start` runs past midnight and belongs to the day it opens on (Friday 22:00-02:00
is open until Saturday 02:00). `start` equal to `end` is the whole day. Across a daylight-saving
change the wall clock decides: a window opening inside a skipped hour opens when the clock
resumes, and a repeated hour is inside or outside the window both times it happens.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIME_ZONE = "UTC"


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """True for an IANA time zone name tzdata knows (never a file path)."""
    return name in _known_zones()


@dataclass(frozen=True)
class SharingHours:
    """Local opening hours on some days of the week."""

    start: time
    end: time
    days: frozenset[int]  # 0 = Monday, as date.weekday()

    @classmethod
    def parse(cls, stored: dict[str, object]) -> "SharingHours":
        """From the stored (and validated) JSON form."""
        days = stored.get("days") or DAYS
        assert isinstance(days, list | tuple)
        return cls(
            start=time.fromisoformat(str(stored["start"])),
            end=time.fromisoformat(str(stored["end"])),
            days=frozenset(DAYS.index(str(day)) for day in days),
        )

    def day_names(self) -> list[str]:
        """The days, Monday first, as the API names them."""
        return [DAYS[day] for day in sorted(self.days)]

    def as_json(self) -> dict[str, object]:
        """The API's (and the stored) form."""
        return {
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "days": self.day_names(),
        }

    def _spans(self, day: date) -> tuple[datetime, datetime]:
        """The naive local [opening, closing) of the window that opens on `day`."""
        opens = datetime.combine(day, self.start)
        closes = datetime.combine(day, self.end)
        if closes <= opens:
            closes += timedelta(days=1)
        return opens, closes

    def is_open(self, at: datetime, zone: ZoneInfo) -> bool:
        """True when `at` (aware) falls inside a window, by the local wall clock."""
        local = at.astimezone(zone).replace(tzinfo=None)
        # Yesterday's window may run past midnight into today.
        for day in (local.date() - timedelta(days=1), local.date()):
            if day.weekday() in self.days:
                opens, closes = self._spans(day)
                if opens <= local < closes:
                    return True
        return False

    def next_opening(self, at: datetime, zone: ZoneInfo) -> datetime:
        """The next instant (UTC) a window opens after `at`; a week ahead at most."""
        local = at.astimezone(zone).replace(tzinfo=None)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            opens, _ = self._spans(day)
            if opens > local:
                return _instant(opens, zone)
        raise ValueError("a window with no day never opens")  # validation forbids it


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant a local wall-clock time happens; a time the clock skips happens when the
    clock resumes (the first instant whose wall clock is at or past it)."""
    later = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(later, zone) == wall:
        return later
    # In a gap: fold=1 maps before the jump, fold=0 after it; find the jump's second between.
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(later.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), zone) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def local_day(at: datetime, zone: ZoneInfo) -> date:
    """The local calendar day `at` falls on."""
    return at.astimezone(zone).date()


def next_midnight(at: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant the local day after `at` begins."""
    tomorrow = datetime.combine(local_day(at, zone) + timedelta(days=1), time(0))
    return _instant(tomorrow, zone)
