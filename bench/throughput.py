"""Outbox relay events/s against a bare idempotent producer sending the same records."""

import asyncio
import time
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.events.envelope import Envelope
from common.outbox import add_event
from common.relay import OutboxRelay
from common.settings import ServiceSettings


def _payload(i: int) -> ContentPublishedV1:
    return ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        kind="article",
        title=f"item {i}",
        url="https://example.com",
        published_at=datetime.now(UTC),
    )


async def bare_producer(settings: ServiceSettings, count: int) -> float:
    """Baseline events/s: the same envelopes sent straight with the idempotent producer."""
    envelopes = [
        Envelope.wrap(_payload(i), source="/bench", subject="s", key=str(i)) for i in range(count)
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
    )
    await producer.start()
    try:
        started = time.perf_counter()
        acks = [
            await producer.send(
                settings.topic(TOPIC), e.data, key=e.key.encode(), headers=e.headers()
            )
            for e in envelopes
        ]
        await asyncio.gather(*acks)
        return count / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def relay(db: Database, settings: ServiceSettings, count: int) -> float:
    """Relay events/s: rows already committed in the outbox, drained to Kafka and marked sent."""
    async with db.transaction() as session:
        for i in range(count):
            add_event(session, _payload(i), source="/bench", subject="s", key=str(i))
    relay_ = OutboxRelay(db=db, settings=settings)
    try:
        started = time.perf_counter()
        while await relay_.publish_batch():
            pass
        return count / (time.perf_counter() - started)
    finally:
        await relay_.stop()
