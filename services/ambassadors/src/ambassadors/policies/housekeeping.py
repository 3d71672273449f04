"""The worker's `policy_counters` loop: forgets day counters and spreading turns nobody can
meet again, so both tables stay the size of a few days. Plain DELETEs of past rows: safe with
any number of workers."""

from datetime import UTC, datetime, timedelta

from ambassadors.policies import repository
from common.db import Database
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings

# Under the probe's stall threshold (120 s); each tick is two indexed DELETEs.
TICK_SECONDS = 60.0
# Local days run from UTC-12 to UTC+14: a counter two UTC days old is no zone's today.
KEEP_DAYS = 2


async def tick(db: Database, *, now: datetime | None = None) -> dict[str, int]:
    """Delete what is past; the counts deleted."""
    moment = now or datetime.now(UTC)
    async with db.transaction() as session:
        counts, spreads = await repository.prune(
            session, before_day=(moment - timedelta(days=KEEP_DAYS)).date(), before=moment
        )
    return {"day_counters": counts, "spreading_turns": spreads}


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Prune every TICK_SECONDS, forever."""
    await every(
        TICK_SECONDS,
        name="policy_counters",
        tick=lambda: tick(db),
        heartbeats=heartbeats,
        progress="policy counters pruned",
    )
