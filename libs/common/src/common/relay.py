"""Outbox relay: publishes committed outbox rows with the idempotent producer, then marks them.

Order per key needs one publisher at a time, whatever the number of worker replicas: each batch
runs under a transaction-scoped PostgreSQL advisory lock, so a second relay finds it taken and
waits its turn (the rows it would read are the ones the first has not marked yet). SQLite (`make
run`) is a single local worker. A row Kafka refuses for good is set aside with its error.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import Row, Table, bindparam, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from common import outbox_wakeup
from common.db import Database, UTCDateTime, is_sqlite
from common.heartbeat import Heartbeats
from common.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_ERRORS,
    OUTBOX_PUBLISHED,
    OUTBOX_QUARANTINED,
    RELAY_LEADER,
)
from common.outbox import PENDING, OutboxMessage
from common.relay_errors import QUARANTINE_ERRORS, missing_topics
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 5.0
KEEP_PUBLISHED = timedelta(days=1)
GAUGE_SECONDS = 5.0
STOP_TIMEOUT_SECONDS = 5.0
SQLITE_POLL_SECONDS = 0.1
# Any constant shared by every relay of one database: the lock is per database.
RELAY_LOCK_ID = 0x0A0B_0C0D
HEARTBEAT = "relay"
OutboxRow = Row[Any, Any, Any, Any, Any]  # id, topic, key, headers, payload
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
LEAD = text("SELECT pg_try_advisory_xact_lock(:id)")
READ_CHUNK = 1000  # rows read while the producer sends the previous ones
# One array parameter on PostgreSQL: prepared once, not compiled per batch of ids.
NOW = bindparam("now", type_=UTCDateTime(timezone=True))
MARK_SENT = text(
    "UPDATE outbox SET published_at = :now WHERE id = ANY(CAST(:ids AS bigint[]))"
).bindparams(NOW)
MARK_SENT_SQLITE = text("UPDATE outbox SET published_at = :now WHERE id IN :ids").bindparams(
    NOW, bindparam("ids", expanding=True)
)


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


@dataclass
class _Batch:
    """What one leadership turn read, handed to the producer, and found refused."""

    rows: list[OutboxRow] = field(default_factory=list)
    acks: list[tuple[OutboxRow, "asyncio.Future[object]"]] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


class OutboxRelay:
    """Background task: rows wait in the outbox while Kafka is away, then go in order."""

    def __init__(
        self, *, db: Database, settings: ServiceSettings, heartbeats: Heartbeats | None = None
    ) -> None:
        self.db = db
        self._mark_sent = MARK_SENT_SQLITE if is_sqlite(db.url) else MARK_SENT
        self._pending = (
            select(OUTBOX.c.id, OUTBOX.c.topic, OUTBOX.c.key, OUTBOX.c.headers, OUTBOX.c.payload)
            .where(PENDING, OUTBOX.c.id > bindparam("after"))
            .order_by(OUTBOX.c.id)
            .limit(bindparam("n"))
        )
        self.settings = settings
        self.heartbeats = heartbeats or Heartbeats()
        self._producer: AIOKafkaProducer | None = None
        self._last_sweep = datetime.min.replace(tzinfo=UTC)

    async def run(self) -> None:
        """Publish forever; the gauges keep moving while Kafka or the database is away."""
        helpers = [
            asyncio.create_task(self._report_gauges(), name="outbox-gauges"),
            asyncio.create_task(outbox_wakeup.listen(self.db), name="outbox-listener"),
        ]
        try:
            await self._publish_forever()
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    async def _publish_forever(self) -> None:
        backoff = 0.2
        while True:
            self.heartbeats.beat(HEARTBEAT)
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
        """Publish up to one batch as the only relay; returns how many rows were published.

        Rows are read in chunks while the producer already sends the previous ones, so reading
        the database and waiting for Kafka's acks overlap.
        """
        producer = await self._ensure_producer()
        async with self.db.transaction() as session:
            if not await self._lead(session):
                return 0  # another replica is publishing; ours wait their turn, in order
            batch = _Batch()
            while len(batch.rows) < self.settings.relay_batch_size:
                limit = min(READ_CHUNK, self.settings.relay_batch_size - len(batch.rows))
                after = batch.rows[-1].id if batch.rows else 0
                rows = (await session.execute(self._pending, {"after": after, "n": limit})).all()
                await self._queue(producer, list(rows), batch)
                if len(rows) < limit:
                    break
            if not batch.rows:
                return 0
            await self._settle(producer, batch)
            now = datetime.now(UTC)
            sent = [row.id for row in batch.rows if row.id not in batch.refused]
            if sent:
                await session.execute(self._mark_sent, {"now": now, "ids": sent})
            for row_id, reason in batch.refused.items():
                await session.execute(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id) == row_id)
                    .values(quarantined_at=now, error=reason[:2000])
                )
        OUTBOX_PUBLISHED.inc(len(sent))
        for row_id, reason in batch.refused.items():
            log.error("outbox row quarantined", extra={"outbox_id": row_id, "error": reason})
        return len(sent)

    async def _lead(self, session: AsyncSession) -> bool:
        if is_sqlite(self.db.url):
            return True
        taken = bool(await session.scalar(LEAD, {"id": RELAY_LOCK_ID}))
        RELAY_LEADER.set(1 if taken else 0)
        return taken

    async def _queue(
        self, producer: AIOKafkaProducer, rows: list[OutboxRow], batch: "_Batch"
    ) -> None:
        """Hand rows to the producer in order, without waiting for acks."""
        batch.rows.extend(rows)
        topics = {t: self.settings.topic(t) for t in {row.topic for row in rows}}
        missing = await missing_topics(producer, topics.values())
        for row in rows:
            topic = topics[row.topic]
            if topic in missing:
                batch.refused[row.id] = f"topic {topic!r} does not exist"
                continue
            try:
                ack = await producer.send(
                    topic,
                    value=row.payload,
                    key=row.key.encode(),
                    headers=[(k, v.encode()) for k, v in row.headers],
                )
            except QUARANTINE_ERRORS as exc:  # too large for the client's own limit
                batch.refused[row.id] = repr(exc)
                continue
            batch.acks.append((row, ack))

    async def _settle(self, producer: AIOKafkaProducer, batch: "_Batch") -> None:
        """Wait for every ack; find the rows Kafka refuses for good."""
        results = await asyncio.gather(*(ack for _, ack in batch.acks), return_exceptions=True)
        suspects = []
        for (row, _), result in zip(batch.acks, results, strict=True):
            if isinstance(result, QUARANTINE_ERRORS):
                suspects.append(row)
            elif isinstance(result, BaseException):
                raise result  # Kafka trouble: nothing is marked, the whole batch goes again
        # The broker refuses a whole request for one bad record: retry each alone to find it.
        for row in suspects:
            try:
                await self._send_one(producer, row)
            except QUARANTINE_ERRORS as exc:
                batch.refused[row.id] = repr(exc)

    async def _send_one(self, producer: AIOKafkaProducer, row: OutboxRow) -> None:
        ack = await producer.send(
            self.settings.topic(row.topic),
            value=row.payload,
            key=row.key.encode(),
            headers=[(k, v.encode()) for k, v in row.headers],
        )
        await ack

    async def backlog(self) -> int:
        """Rows not yet published (also exported as the outbox_backlog gauge)."""
        async with self.db.transaction() as session:
            pending = await session.scalar(select(func.count()).select_from(OUTBOX).where(PENDING))
            quarantined = await session.scalar(
                select(func.count())
                .select_from(OUTBOX)
                .where(col(OutboxMessage.quarantined_at).is_not(None))
            )
        OUTBOX_BACKLOG.set(pending or 0)
        OUTBOX_QUARANTINED.set(quarantined or 0)
        return int(pending or 0)

    async def stop(self) -> None:
        """Flush and close the producer."""
        await self._close_producer()

    async def _report_gauges(self) -> None:
        while True:
            try:
                await self.backlog()
            except Exception as exc:  # noqa: BLE001 - the database may be away; try again later
                log.warning("backlog gauge not updated", extra={"error": repr(exc)})
            await asyncio.sleep(GAUGE_SECONDS)

    async def _idle(self) -> None:
        await self._sweep_published()
        poll = self.settings.relay_poll_seconds
        if is_sqlite(self.db.url):
            # No cross-process signal on SQLite (`make run`): the web process's rows are found
            # by polling, cheaply, often enough that an approval shows in the feed at once.
            poll = min(poll, SQLITE_POLL_SECONDS)
        try:
            await asyncio.wait_for(self.db.outbox_written.wait(), poll)
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
                # Flushing waits for a broker that may be away: unsent rows stay in the outbox.
                await asyncio.wait_for(producer.stop(), STOP_TIMEOUT_SECONDS)
            except (KafkaError, TimeoutError):
                log.debug("producer stop failed", exc_info=True)
