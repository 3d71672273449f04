"""Share events as the ambassadors service publishes them, and a fast way to put many on a topic."""

import asyncio
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from common.events.contracts.ambassadors import ShareCreatedV1
from common.events.envelope import Envelope

# A few tenants: the facts' org/content index sees realistic, not unique, values.
ORGS = [uuid.uuid4() for _ in range(4)]
CONTENT = [uuid.uuid4() for _ in range(50)]
SUB_PROGRAM = uuid.uuid4()


def share_event(i: int) -> Envelope:
    """One `ambassadors.share.created.v1` in binary mode, keyed by its share id."""
    share_id = uuid.uuid4()
    payload = ShareCreatedV1(
        share_id=share_id,
        org_id=ORGS[i % len(ORGS)],
        ambassador_id=uuid.uuid4(),
        content_id=CONTENT[i % len(CONTENT)],
        sub_program_id=SUB_PROGRAM,
        network="linkedin",
        audience_size=100 + i % 900,
        tracked_link_code=share_id.hex[:10],
        created_at=datetime.now(UTC),
    )
    return Envelope.wrap(
        payload,
        source="/ambassadors",
        subject=str(share_id),
        key=str(share_id),
        orgid=str(payload.org_id),
        subprogramid=str(SUB_PROGRAM),
        network="linkedin",
    )


def bulk_producer(bootstrap: str) -> AIOKafkaProducer:
    """Idempotent producer (acks=all) that batches: for filling topics, not for the relay."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        acks="all",
        linger_ms=10,
        max_batch_size=256 * 1024,
    )


async def send(producer: AIOKafkaProducer, topic: str, envelopes: list[Envelope]) -> None:
    """Send envelopes in binary mode and wait for every ack."""
    acks = [
        await producer.send(topic, e.data, key=e.key.encode(), headers=e.headers())
        for e in envelopes
    ]
    await asyncio.gather(*acks)


async def fill(bootstrap: str, topic: str, count: int, *, chunk: int = 5000) -> None:
    """Put `count` share events on a topic (the backlog the consumers drain)."""
    producer = bulk_producer(bootstrap)
    await producer.start()
    try:
        for start in range(0, count, chunk):
            await send(
                producer, topic, [share_event(i) for i in range(start, min(start + chunk, count))]
            )
    finally:
        await producer.stop()
