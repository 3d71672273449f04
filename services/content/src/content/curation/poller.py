"""The worker's feed poller: polls due sources into the queue, never crashing on a bad feed.

Each tick claims the due sources with one conditional UPDATE that moves their next poll forward
(a lease), so two workers never poll one source at once; a worker that dies mid-poll only delays
that source by the lease. Fetching happens outside any transaction; the outcome is written in
one transaction per source. A feed that fails (HTTP error, timeout, HTML, garbage, too large)
marks its source `failing` with the reason and backs off (the interval doubled per failure, up
to 24 h); the next good poll clears it. A database that is away is waited out.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, case
from sqlmodel import col

from common.db import Database
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings
from content.config import Settings
from content.curation import repository
from content.curation.feed import NotAFeed
from content.curation.fetch import FetchFailed, Limits
from content.curation.models import CurationSource, SourceStatus
from content.curation.service import limits_of, read_feed

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # longer than any fetch: a claim outlives its poll
MAX_BACKOFF = timedelta(hours=24)
MAX_ERROR = 500


async def tick(
    db: Database, *, limits: Limits, batch: int = 10, now: datetime | None = None
) -> int:
    """Poll every source due now (at most `batch`); how many were polled."""
    moment = now or datetime.now(UTC)
    async with db.transaction() as session:
        claimed = await repository.claim_due(
            session, now=moment, lease_until=moment + LEASE, limit=batch
        )
    await asyncio.gather(*(poll(db, source, limits=limits) for source in claimed))
    return len(claimed)


async def poll(db: Database, source: CurationSource, *, limits: Limits) -> None:
    """Fetch one source and record the outcome on it (entries queued, or the error)."""
    try:
        fetched, found = await read_feed(
            source.url, limits=limits, etag=source.etag, last_modified=source.last_modified
        )
    except (FetchFailed, NotAFeed) as exc:
        await _record_failure(db, source, reason=str(exc))
        return
    except Exception as exc:  # a feed must never take the poller down, whatever it serves
        log.exception("feed could not be read", extra={"source_id": str(source.id)})
        await _record_failure(
            db, source, reason=f"the feed could not be read ({type(exc).__name__})"
        )
        return
    now = datetime.now(UTC)
    async with db.transaction() as session:
        recorded = await repository.change_source(
            session,
            source_id=source.id,
            only_if=col(CurationSource.org_id) == source.org_id,
            status=_unless_paused(SourceStatus.ok),
            last_polled_at=now,
            next_poll_at=now + timedelta(minutes=source.poll_interval_minutes),
            last_error=None,
            consecutive_failures=0,
            etag=fetched.etag or source.etag,
            last_modified=fetched.last_modified or source.last_modified,
        )
        if recorded is None:  # deleted while we fetched: nothing to queue for it
            return
        new = await repository.add_entries(session, source=recorded, entries=found, now=now)
        if new:
            await repository.change_source(
                session, source_id=source.id, entries_found=recorded.entries_found + new
            )


async def _record_failure(db: Database, source: CurationSource, *, reason: str) -> None:
    now = datetime.now(UTC)
    failures = source.consecutive_failures + 1
    wait = min(
        timedelta(minutes=source.poll_interval_minutes) * 2 ** min(failures, 10), MAX_BACKOFF
    )
    async with db.transaction() as session:
        await repository.change_source(
            session,
            source_id=source.id,
            status=_unless_paused(SourceStatus.failing),
            last_polled_at=now,
            last_error=reason[:MAX_ERROR],
            last_error_at=now,
            consecutive_failures=failures,
            next_poll_at=now + wait,
        )
    log.info("feed failed", extra={"source_id": str(source.id), "error": reason})


def _unless_paused(status: SourceStatus) -> ColumnElement[str]:
    # Paused while the fetch ran: the pause wins (a poll never resumes a source).
    return case(
        (col(CurationSource.status) == SourceStatus.paused, SourceStatus.paused.value),
        else_=status.value,
    )


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Poll due feeds every tick, forever."""
    limits = limits_of(settings)
    tick_seconds = settings.curation_tick_seconds if isinstance(settings, Settings) else 5.0
    batch = settings.curation_batch if isinstance(settings, Settings) else 10

    async def step() -> dict[str, int]:
        return {"polled": await tick(db, limits=limits, batch=batch)}

    await every(
        tick_seconds, name="curation", tick=step, heartbeats=heartbeats, progress="feeds polled"
    )
