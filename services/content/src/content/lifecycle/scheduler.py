"""The worker's clock: publishes scheduled items at `publish_at` and expires them at `expire_at`.

State lives in the database, so a restart loses nothing: whatever came due while no worker ran is
published at the next tick. Each tick is one transaction per direction — a conditional UPDATE
picks the due rows and the events are staged beside it — so every item is published (and
expired) exactly once, whatever the number of workers ticking at the same time.
"""

from datetime import UTC, datetime

from common.db import Database
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings
from content.lifecycle import repository
from content.lifecycle.service import stage_expired, stage_published
from content.models import ContentStatus

TICK_SECONDS = 0.5  # publication lands within this (+ the relay's few ms) of publish_at
BATCH = 500


async def tick(db: Database, *, now: datetime | None = None) -> tuple[int, int]:
    """Publish and expire what is due; (published, expired) counts."""
    moment = now or datetime.now(UTC)
    async with db.transaction() as session:
        published = await repository.due(
            session,
            from_status=ContentStatus.scheduled,
            to_status=ContentStatus.published,
            moment="publish_at",
            now=moment,
            limit=BATCH,
            published_at=moment,
            updated_at=moment,
        )
        for item in published:
            await stage_published(session, item)
    async with db.transaction() as session:
        expired = await repository.due(
            session,
            from_status=ContentStatus.published,
            to_status=ContentStatus.expired,
            moment="expire_at",
            now=moment,
            limit=BATCH,
            expired_at=moment,
            updated_at=moment,
        )
        for item in expired:
            await stage_expired(session, item, reason="expired")
    return len(published), len(expired)


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Apply the schedule every TICK_SECONDS, forever."""

    async def step() -> dict[str, int]:
        published, expired = await tick(db)
        return {"published": published, "expired": expired}

    await every(
        TICK_SECONDS,
        name="scheduler",
        tick=step,
        heartbeats=heartbeats,
        progress="schedule applied",
    )
