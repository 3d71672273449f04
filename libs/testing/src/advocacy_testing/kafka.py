"""Raw Kafka access for tests: publish crafted records, read a topic back."""

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from common.events.envelope import Envelope


async def publish(bootstrap: str, topic: str, records: list[Envelope | bytes]) -> None:
    """Send envelopes (binary mode) or raw bytes (poison) to a topic, in order."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for record in records:
            if isinstance(record, Envelope):
                await producer.send_and_wait(
                    topic, record.data, key=record.key.encode(), headers=record.headers()
                )
            else:
                await producer.send_and_wait(topic, record, key=b"poison")
    finally:
        await producer.stop()


async def read_all(
    bootstrap: str, topic: str, *, expected: int, timeout_ms: int = 30_000
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read a topic from the start until `expected` records arrived or the time is up."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        waited = 0
        while len(records) < expected and waited < timeout_ms:
            batch = await consumer.getmany(timeout_ms=500)
            waited += 500
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    return records
