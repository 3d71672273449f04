"""Token buckets: bursts, refill, the reported standing, and bounded memory."""

from gateway.ratelimit import Buckets


def spend(buckets: Buckets, key: bytes, now: float, times: int) -> None:
    for _ in range(times):
        assert buckets.standing(key, now).allowed
        buckets.spend(key, now)


def test_bucket_allows_a_burst_of_its_size_then_refuses() -> None:
    buckets = Buckets(per_minute=5, max_keys=10)
    spend(buckets, b"k", 0.0, 5)

    standing = buckets.standing(b"k", 0.0)

    assert not standing.allowed
    assert standing.retry_after_seconds == 12  # one token every 60/5 s
    assert (standing.limit, int(standing.remaining), standing.reset_seconds) == (5, 0, 60)


def test_bucket_refills_at_its_rate() -> None:
    buckets = Buckets(per_minute=60, max_keys=10)
    spend(buckets, b"k", 0.0, 60)

    assert not buckets.standing(b"k", 0.5).allowed
    assert buckets.standing(b"k", 1.0).allowed
    assert int(buckets.standing(b"k", 30.0).remaining) == 30
    assert buckets.standing(b"k", 1000.0).remaining == 60  # never above the burst size


def test_spend_reports_what_is_left() -> None:
    buckets = Buckets(per_minute=10, max_keys=10)

    first = buckets.spend(b"k", 0.0)

    assert (first.limit, first.remaining, first.reset_seconds, first.allowed) == (10, 9, 6, True)


def test_keys_are_independent() -> None:
    buckets = Buckets(per_minute=1, max_keys=10)
    spend(buckets, b"a", 0.0, 1)

    assert not buckets.standing(b"a", 0.0).allowed
    assert buckets.standing(b"b", 0.0).allowed


def test_memory_is_bounded_by_max_keys_least_recent_first() -> None:
    buckets = Buckets(per_minute=10, max_keys=3)
    for key in (b"a", b"b", b"c"):
        buckets.spend(key, 0.0)
    buckets.spend(b"a", 0.0)  # a is now the most recently used

    buckets.spend(b"d", 0.0)

    assert len(buckets) == 3
    assert buckets.standing(b"b", 0.0).remaining == 10  # forgotten: back to a full bucket
    assert buckets.standing(b"a", 0.0).remaining == 8


def test_refilled_buckets_are_dropped() -> None:
    buckets = Buckets(per_minute=60, max_keys=1000)
    for i in range(100):
        buckets.spend(str(i).encode(), 0.0)

    buckets.spend(b"late", 61.0)

    assert len(buckets) == 1
