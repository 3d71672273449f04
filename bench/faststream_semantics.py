"""What a FastStream Kafka batch subscriber does with failures, observed on the real broker.

Evidence for docs/decisions/0007: each case publishes 10 records to a fresh 1-partition topic,
runs a batch subscriber (5 records per batch) for a few seconds, then reads the group's committed
offset. Not a benchmark (make bench does not run it):

    .venv/bin/python bench/faststream_semantics.py    # needs TEST_KAFKA_BOOTSTRAP
"""

import asyncio
import logging
import os
import uuid
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

Header = tuple[str, bytes | None]
Behaviour = Callable[[KafkaMessage, int], Awaitable[None]]
GOOD: list[list[Header]] = [[("ce_id", str(i).encode())] for i in range(10)]


async def observe(
    kafka: str, policy: AckPolicy, headers: list[list[Header]], behaviour: Behaviour, seconds: float
) -> tuple[list[list[int]], int]:
    """Offsets each handler call received, and the offset committed at the end."""
    topic, group = f"fss{uuid.uuid4().hex[:6]}", f"fss{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1)])
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    for record_headers in headers:
        await producer.send_and_wait(topic, b"{}", headers=record_headers)
    await producer.stop()
    calls: list[list[int]] = []
    broker = KafkaBroker(kafka, logger=None)

    @broker.subscriber(
        topic,
        group_id=group,
        batch=True,
        max_records=5,
        auto_offset_reset="earliest",
        ack_policy=policy,
    )
    async def handle(message: KafkaMessage) -> None:
        calls.append([r.offset for r in message.raw_message])
        await behaviour(message, len(calls))

    await broker.start()
    await asyncio.sleep(seconds)
    await broker.stop()
    offsets = await admin.list_consumer_group_offsets(group, partitions=[TopicPartition(topic, 0)])
    await admin.delete_topics([topic])
    await admin.close()
    return calls, next(iter(offsets.values())).offset


async def fail_first_then_ack(message: KafkaMessage, call: int) -> None:
    if call == 1:
        raise RuntimeError("handler bug, no nack")
    await message.ack()


async def always_fail(message: KafkaMessage, call: int) -> None:
    raise RuntimeError("database down")


async def ack(message: KafkaMessage, call: int) -> None:
    await message.ack()


async def main(kafka: str) -> None:
    null_header: list[list[Header]] = [*GOOD[:3], [("ce_id", None)], *GOOD[4:]]
    not_utf8: list[list[Header]] = [*GOOD[:3], [("ce_id", b"\xff\xfe")], *GOOD[4:]]
    cases: list[tuple[str, AckPolicy, list[list[Header]], Behaviour, float]] = [
        ("MANUAL, 1st batch raises without nack", AckPolicy.MANUAL, GOOD, fail_first_then_ack, 4),
        ("ACK, handler always raises", AckPolicy.ACK, GOOD[:5], always_fail, 2),
        ("NACK_ON_ERROR, handler always raises", AckPolicy.NACK_ON_ERROR, GOOD[:5], always_fail, 2),
        ("NACK_ON_ERROR, null header value at 3", AckPolicy.NACK_ON_ERROR, null_header, ack, 4),
        ("MANUAL, non-UTF-8 header value at 3", AckPolicy.MANUAL, not_utf8, ack, 4),
    ]
    for name, policy, headers, behaviour, seconds in cases:
        calls, committed = await observe(kafka, policy, headers, behaviour, seconds)
        shown = calls if len(calls) <= 3 else f"{len(calls)} calls in {seconds:.0f} s"
        print(f"{name}: handler got {shown}; committed offset {committed}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main(os.environ.get("TEST_KAFKA_BOOTSTRAP", "127.0.0.1:19292")))
