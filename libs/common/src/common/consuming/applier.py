"""Applies a batch of deliveries: one transaction, a multi-row inbox claim, set-based handlers.

A batch that fails because of our infrastructure (database down, restarting, deadlock...) is
retried whole, without limit: the events are fine. A batch that fails for any other reason is
split in halves until the failing record is alone; it is then retried a bounded number of times
and dead-lettered, while every other record is applied exactly once.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from itertools import groupby

from common import correlation, failures, inbox
from common.consuming.handlers import Delivery, Handlers
from common.db import Database
from common.heartbeat import Heartbeats
from common.metrics import CONSUMER_WAITS, EVENTS_CONSUMED
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
MAX_WAIT_SECONDS = 5.0
DeadLetter = Callable[[Delivery, BaseException], Awaitable[None]]


class BatchApplier:
    """Applies deliveries for one consumer (its inbox name) with its handlers."""

    def __init__(
        self,
        *,
        name: str,
        handlers: Handlers,
        db: Database,
        settings: ServiceSettings,
        dead_letter: DeadLetter,
        heartbeats: Heartbeats,
    ) -> None:
        self.name = name
        self.handlers = handlers
        self.db = db
        self.settings = settings
        self.dead_letter = dead_letter
        self.heartbeats = heartbeats

    async def apply(self, deliveries: Sequence[Delivery]) -> None:
        """Apply every delivery or dead-letter it; returns only when each is settled."""
        if deliveries:
            await self._apply(self._first_of_each_event(deliveries), attempt=1)

    async def _apply(self, deliveries: Sequence[Delivery], *, attempt: int) -> None:
        wait = 0.2
        while True:
            try:
                await self._apply_once(deliveries)
                return
            except Exception as exc:  # noqa: BLE001 - classified below, never lost
                if failures.is_infrastructure(exc):
                    CONSUMER_WAITS.labels(self.name).inc()
                    log.warning(
                        "infrastructure unavailable, batch waits",
                        extra={
                            "consumer": self.name,
                            "events": len(deliveries),
                            "error": repr(exc),
                        },
                    )
                    self.heartbeats.beat(f"consumer:{self.name}")  # waiting on purpose is alive
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, MAX_WAIT_SECONDS)
                    continue
                await self._isolate(deliveries, exc, attempt=attempt)
                return

    async def _isolate(
        self, deliveries: Sequence[Delivery], exc: Exception, *, attempt: int
    ) -> None:
        if len(deliveries) > 1:
            middle = len(deliveries) // 2
            await self._apply(deliveries[:middle], attempt=attempt)
            await self._apply(deliveries[middle:], attempt=attempt)
            return
        [delivery] = deliveries
        correlation.set_id(delivery.envelope.extensions.get("correlationid"))
        log.warning(
            "handler failed",
            extra={
                "consumer": self.name,
                "event_type": delivery.envelope.type,
                "event_id": delivery.envelope.id,
                "attempt": attempt,
                "error": repr(exc),
            },
        )
        correlation.set_id(None)
        if attempt >= self.settings.consumer_max_attempts:
            await self.dead_letter(delivery, exc)
            return
        await asyncio.sleep(self.settings.consumer_backoff_seconds * 2 ** (attempt - 1))
        await self._apply(deliveries, attempt=attempt + 1)

    async def _apply_once(self, deliveries: Sequence[Delivery]) -> None:
        async with self.db.transaction() as session:
            fresh_ids = await inbox.claim_many(
                session,
                consumer=self.name,
                events=[(d.envelope.id, d.envelope.type) for d in deliveries],
            )
            fresh = [d for d in deliveries if d.envelope.id in fresh_ids]
            # Consecutive runs of one type keep the order between types (a click after its share).
            for event_type, run in groupby(fresh, key=lambda d: d.envelope.type):
                await self.handlers.by_type[event_type](session, list(run))
        outcomes = Counter(
            (d.envelope.type, "handled" if d.envelope.id in fresh_ids else "duplicate")
            for d in deliveries
        )
        for (event_type, outcome), count in outcomes.items():
            EVENTS_CONSUMED.labels(self.name, event_type, outcome).inc(count)

    def _first_of_each_event(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        # A batch may hold one event twice (a producer retry): the inbox claim sees it once.
        seen: set[str] = set()
        unique = []
        for delivery in deliveries:
            if delivery.envelope.id in seen:
                EVENTS_CONSUMED.labels(self.name, delivery.envelope.type, "duplicate").inc()
            else:
                seen.add(delivery.envelope.id)
                unique.append(delivery)
        return unique
