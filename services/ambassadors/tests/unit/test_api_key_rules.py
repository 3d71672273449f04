"""API key format and lifetime rules, without a database."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ambassadors.api_keys import tokens
from ambassadors.api_keys.service import expiry
from common.errors import InvalidInput

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_a_new_key_names_its_row_and_matches_only_its_own_digest() -> None:
    key_id = uuid.uuid4()
    key, other = tokens.new_key(key_id), tokens.new_key(key_id)

    assert tokens.key_id_of(key) == key_id
    assert len(key) >= len("adv_") + 32 + 1 + 43
    assert tokens.matches(key, tokens.digest(key))
    assert not tokens.matches(other, tokens.digest(key))
    assert key not in tokens.digest(key)


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "adv_",
        f"adv_{uuid.uuid4().hex}_short",
        f"adv_{uuid.uuid4().hex.upper()}_{'a' * 43}",
        f"adv_{uuid.uuid4()}_{'a' * 43}",  # dashed UUID
        f"adv_{uuid.uuid4().hex}_{'a' * 42}!",
        f"adv_{uuid.uuid4().hex}_{'a' * 129}",
        f"ADV_{uuid.uuid4().hex}_{'a' * 43}",
        f" adv_{uuid.uuid4().hex}_{'a' * 43}",
    ],
)
def test_anything_not_in_the_format_names_no_row(presented: str) -> None:
    assert tokens.key_id_of(presented) is None


def test_expiry_defaults_to_90_days() -> None:
    assert expiry(None, now=NOW) == NOW + timedelta(days=90)


@pytest.mark.parametrize(
    "ahead",
    [timedelta(0), timedelta(seconds=59), timedelta(days=-1), timedelta(days=365, seconds=1)],
)
def test_expiry_outside_a_minute_to_a_year_names_the_field(ahead: timedelta) -> None:
    with pytest.raises(InvalidInput) as refused:
        expiry(NOW + ahead, now=NOW)

    assert refused.value.field == "expires_at"


def test_expiry_inside_the_window_is_kept_in_utc() -> None:
    paris = datetime(2027, 1, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))

    kept = expiry(paris, now=NOW)

    assert kept == paris
    assert (kept.tzinfo, kept.hour) == (UTC, 9)
