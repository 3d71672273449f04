"""Sharing hours and local days at explicit instants: non-UTC zones, windows past midnight,
daylight-saving changes (Europe/Paris: 2027-03-28 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ambassadors.policies.hours import (
    SharingHours,
    is_time_zone,
    local_day,
    next_midnight,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def hours(start: str, end: str, days: list[str] | None = None) -> SharingHours:
    return SharingHours.parse({"start": start, "end": end, "days": days or []})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 12, 7, 6, 59), False),  # Monday 07:59 in Paris (UTC+1)
        (utc(2026, 12, 7, 7, 0), True),  # 08:00: opens
        (utc(2026, 12, 7, 16, 59), True),  # 17:59
        (utc(2026, 12, 7, 17, 0), False),  # 18:00: closed (end excluded)
        (utc(2026, 12, 12, 10, 0), False),  # Saturday
        (utc(2026, 12, 11, 23, 30), False),  # Saturday 00:30 in Paris, still Friday in UTC
    ],
)
def test_a_weekday_window_follows_the_local_clock(at: datetime, expected: bool) -> None:
    assert hours("08:00", "18:00", WEEKDAYS).is_open(at, PARIS) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 12, 11, 20, 59), False),  # Friday 21:59 in Paris
        (utc(2026, 12, 11, 21, 0), True),  # Friday 22:00
        (utc(2026, 12, 12, 0, 59), True),  # Saturday 01:59: Friday's window runs on
        (utc(2026, 12, 12, 1, 0), False),  # Saturday 02:00
        (utc(2026, 12, 12, 21, 30), False),  # Saturday 22:30: Saturday is not a window day
        (utc(2026, 12, 6, 23, 30), False),  # Monday 00:30: Sunday opened nothing
    ],
)
def test_a_window_past_midnight_belongs_to_the_day_it_opens(at: datetime, expected: bool) -> None:
    assert hours("22:00", "02:00", WEEKDAYS).is_open(at, PARIS) is expected


def test_equal_start_and_end_is_the_whole_day_of_listed_days() -> None:
    all_day = hours("00:00", "00:00", ["sun"])
    assert all_day.is_open(utc(2026, 12, 13, 23, 0), KOLKATA) is False  # Monday 04:30 there
    assert all_day.is_open(utc(2026, 12, 13, 18, 29), KOLKATA) is True  # Sunday 23:59
    assert all_day.is_open(utc(2026, 12, 12, 18, 30), KOLKATA) is True  # Sunday 00:00


def test_next_opening_skips_closed_days_and_is_told_in_utc() -> None:
    window = hours("08:00", "18:00", WEEKDAYS)
    friday_evening = utc(2026, 12, 11, 19, 0)  # 20:00 in Paris
    opens = window.next_opening(friday_evening, PARIS)
    assert opens == utc(2026, 12, 14, 7, 0)  # Monday 08:00 in Paris
    assert opens.astimezone(PARIS).time() == time(8, 0)
    # Before today's opening: today.
    assert window.next_opening(utc(2026, 12, 14, 5, 0), PARIS) == utc(2026, 12, 14, 7, 0)


def test_a_window_across_the_spring_forward_gap_opens_when_the_clock_resumes() -> None:
    # 2027-03-28 in Paris: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 never happens.
    window = hours("02:30", "04:00", ["sun"])
    assert window.is_open(utc(2027, 3, 28, 0, 59), PARIS) is False  # 01:59 CET
    assert window.is_open(utc(2027, 3, 28, 1, 0), PARIS) is True  # 03:00 CEST
    assert window.is_open(utc(2027, 3, 28, 2, 0), PARIS) is False  # 04:00 CEST
    assert window.next_opening(utc(2027, 3, 28, 0, 0), PARIS) == utc(2027, 3, 28, 1, 0)


def test_the_repeated_autumn_hour_is_inside_the_window_both_times() -> None:
    # 2026-10-25 in Paris: 03:00 CEST goes back to 02:00 CET; 02:15 happens twice.
    window = hours("02:00", "03:00", ["sun"])
    assert window.is_open(utc(2026, 10, 25, 0, 15), PARIS) is True  # 02:15 CEST
    assert window.is_open(utc(2026, 10, 25, 1, 15), PARIS) is True  # 02:15 CET
    assert window.is_open(utc(2026, 10, 25, 2, 0), PARIS) is False  # 03:00 CET
    # The first time it happens is when it opens.
    assert window.next_opening(utc(2026, 10, 24, 23, 0), PARIS) == utc(2026, 10, 25, 0, 0)


def test_a_local_day_is_the_zones_calendar_day() -> None:
    late = utc(2026, 12, 8, 4, 30)  # 23:30 on the 7th in New York, the 8th in UTC
    assert local_day(late, NEW_YORK) == date(2026, 12, 7)
    assert local_day(late, KOLKATA) == date(2026, 12, 8)
    assert next_midnight(late, NEW_YORK) == utc(2026, 12, 8, 5, 0)


def test_a_short_day_ends_at_its_own_midnight() -> None:
    # New York springs forward on 2027-03-14: that local day lasts 23 hours.
    assert next_midnight(utc(2027, 3, 14, 12, 0), NEW_YORK) == utc(2027, 3, 15, 4, 0)
    assert next_midnight(utc(2027, 3, 13, 12, 0), NEW_YORK) == utc(2027, 3, 14, 5, 0)


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("Europe/Paris", True),
        ("America/Argentina/Buenos_Aires", True),
        ("UTC", True),
        ("Mars/Olympus_Mons", False),
        ("../../etc/passwd", False),
        ("/usr/share/zoneinfo/UTC", False),
        ("europe/paris", False),
        ("", False),
    ],
)
def test_only_iana_names_are_time_zones(name: str, known: bool) -> None:
    assert is_time_zone(name) is known
