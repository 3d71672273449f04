"""Outbox relay: publishes committed outbox rows with the idempotent producer, then marks them."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import delete, func, update
from sqlmodel import col, select

from common.db import Database, is_sqlite
from common.metrics import OUTBOX_BACKLOG, OUTBOX_ERRORS, OUTBOX_PUBLISHED
from common.outbox import OutboxMessage
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 5.0
KEEP_PUBLISHED = timedelta(days=1)


def make_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    """Idempotent producer: acks=all and broker-side dedupe of retried batches."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=0,  # a batch is queued whole before we await acks; waiting adds only latency
        request_timeout_ms=10_000,
        client_id=f"{settings.service_name}-relay",
    )


class OutboxRelay:
    """Background task: rows wait in the outbox while Kafka is away, then go in order."""

    def __init__(self, *, db: Database, settings: ServiceSettings) -> None:
        self.db = db
        self.settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._last_sweep = datetime.min.replace(tzinfo=UTC)

    async def run(self) -> None:
        """Publish forever; reconnect with capped backoff when Kafka is unreachable."""
        backoff = 0.2
        while True:
            # Cleared before the scan: a commit landing after it wakes the next wait at once.
            self.db.outbox_written.clear()
            try:
                published = await self.publish_batch()
                backoff = 0.2
                if published == 0:
                    await self._idle()
            except Exception as exc:  # noqa: BLE001 - Kafka or the database away: rows wait
                OUTBOX_ERRORS.inc()
                log.warning("relay cannot publish, rows wait", extra={"error": repr(exc)})
                await self._close_producer()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows were published."""
        producer = await self._ensure_producer()
        async with self.db.transaction() as session:
            query = (
                select(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
                .order_by(col(OutboxMessage.id))
                .limit(self.settings.relay_batch_size)
            )
            if not is_sqlite(self.db.url):
                # Several replicas may relay at once; each takes rows nobody else holds.
                query = query.with_for_update(skip_locked=True)
            rows = (await session.execute(query)).scalars().all()
            if not rows:
                return 0
            acks = [
                await producer.send(
                    self.settings.topic(row.topic),
                    value=row.payload,
                    key=row.key.encode(),
                    headers=[(k, v.encode()) for k, v in row.headers],
                )
                for row in rows
            ]
            await asyncio.gather(*acks)
            ids = [row.id for row in rows]
            await session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(ids))
                .values(published_at=datetime.now(UTC))
            )
        OUTBOX_PUBLISHED.inc(len(rows))
        return len(rows)

    async def backlog(self) -> int:
        """Rows not yet published (also exported as the outbox_backlog gauge)."""
        async with self.db.transaction() as session:
            query = select(func.count()).where(col(OutboxMessage.published_at).is_(None))
            count = int((await session.execute(query)).scalar_one() or 0)
        OUTBOX_BACKLOG.set(count)
        return count

    async def stop(self) -> None:
        """Flush and close the producer."""
        await self._close_producer()

    async def _idle(self) -> None:
        await self.backlog()
        await self._sweep_published()
        try:
            await asyncio.wait_for(self.db.outbox_written.wait(), self.settings.relay_poll_seconds)
        except TimeoutError:
            pass

    async def _sweep_published(self) -> None:
        # Published rows are only kept a day, for inspection; the topic is the record.
        now = datetime.now(UTC)
        if now - self._last_sweep < timedelta(minutes=10):
            return
        self._last_sweep = now
        async with self.db.transaction() as session:
            await session.execute(
                delete(OutboxMessage).where(col(OutboxMessage.published_at) < now - KEEP_PUBLISHED)
            )

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = make_producer(self.settings)
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await producer.stop()
            except KafkaError:
                log.debug("producer stop failed", exc_info=True)
