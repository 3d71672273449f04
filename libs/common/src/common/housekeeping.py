"""Periodic clean-up a worker does for its service's database: bounded tables, nothing lost.

- Idempotency keys are kept 24 h (docs/idempotency.md).
- Inbox rows are kept as long as an event can come back: the longer of the topics' and the
  dead-letter topics' retention (a replay from a DLT is deduplicated by them), plus a day.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col

from common import idempotency
from common.db import Database
from common.inbox import InboxMessage
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
EVERY = timedelta(minutes=10)


def inbox_retention(settings: ServiceSettings) -> timedelta:
    """How long an event id must be remembered to recognise its redelivery."""
    longest_ms = max(settings.topic_retention_ms, settings.dlt_retention_ms)
    return timedelta(milliseconds=longest_ms) + timedelta(days=1)


async def sweep(db: Database, settings: ServiceSettings) -> tuple[int, int]:
    """One clean-up; returns (idempotency keys, inbox rows) removed."""
    cutoff = datetime.now(UTC) - inbox_retention(settings)
    async with db.transaction() as session:
        keys = await idempotency.purge_expired(session)
        result = await session.execute(
            delete(InboxMessage).where(col(InboxMessage.processed_at) < cutoff)
        )
    return keys, int(getattr(result, "rowcount", 0) or 0)


async def run(db: Database, settings: ServiceSettings) -> None:
    """Sweep now and every ten minutes, until cancelled; the database may be away meanwhile."""
    while True:
        try:
            keys, inbox = await sweep(db, settings)
            if keys or inbox:
                log.info("housekeeping", extra={"idempotency_keys": keys, "inbox_rows": inbox})
        except Exception as exc:  # noqa: BLE001 - next time, then
            log.warning("housekeeping failed", extra={"error": repr(exc)})
        await asyncio.sleep(EVERY.total_seconds())
