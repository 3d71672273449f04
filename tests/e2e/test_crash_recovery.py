"""Kill test: a metrics worker SIGKILLed again and again, PostgreSQL restarted under it.

During a 20,000-event stream every event is counted exactly once, nothing is dead-lettered and
the consumer group's lag returns to 0. Without the inbox, a redelivered share would hit the
facts' primary key and be dead-lettered, failing the "DLT empty" check.
"""

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.engine import make_url

from advocacy_testing.databases import create_database
from advocacy_testing.kafka import publish, read_all
from advocacy_testing.polling import eventually
from advocacy_testing.private_postgres import PrivatePostgres
from advocacy_testing.processes import ServiceProcess
from common.events.contracts.ambassadors import TOPIC, ShareCreatedV1
from common.events.envelope import Envelope
from common.settings import ServiceSettings
from common.topics import ensure_topics

EVENTS = 20_000
CHUNK = 500
KILLS = 5
REDELIVERED = 20  # per chunk


def share() -> Envelope:
    payload = ShareCreatedV1(
        share_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        ambassador_id=uuid.uuid4(),
        content_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        network="linkedin",
        audience_size=10,
        tracked_link_code="abcd1234",
        created_at=datetime.now(UTC),
    )
    return Envelope.wrap(payload, source="/test", subject="s", key=str(payload.share_id))


@pytest.fixture
async def postgres() -> AsyncIterator[PrivatePostgres]:
    server = PrivatePostgres()
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.purge)


async def stream(kafka: str, topic: str) -> None:
    """The 20,000 events, in chunks spread over ~20 s so that the kills land mid-stream.

    Each chunk also sends again a few events of the chunk before (as a producer retry or a
    replay would): redeliveries are certain, not left to the luck of a kill's timing.
    """
    previous: list[Envelope] = []
    for _ in range(EVENTS // CHUNK):
        chunk = [share() for _ in range(CHUNK)]
        await publish(kafka, topic, chunk + previous[:REDELIVERED])
        previous = chunk
        await asyncio.sleep(0.5)


async def lag(kafka: str, group: str, topic: str) -> int:
    """Records the group has not committed yet, over the topic's partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    probe = AIOKafkaConsumer(bootstrap_servers=kafka)
    await admin.start()
    await probe.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
        ends = await probe.end_offsets(partitions)
        done = {tp: meta.offset for tp, meta in committed.items()}
        return sum(end - max(done.get(tp, 0), 0) for tp, end in ends.items())
    finally:
        await probe.stop()
        await admin.close()


async def test_killed_worker_and_restarted_database_count_every_event_once(
    postgres: PrivatePostgres, kafka_bootstrap: str
) -> None:
    prefix = f"k{uuid.uuid4().hex[:8]}."
    settings = ServiceSettings(kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=prefix)
    await ensure_topics(settings, {TOPIC})  # owned by the ambassadors service; we stand in
    url = await create_database(postgres.admin_url, prefix="kill_metrics")
    env = {
        "METRICS_ENV": "test",
        "METRICS_DATABASE_URL": url,
        "METRICS_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "METRICS_KAFKA_TOPIC_PREFIX": prefix,
        "METRICS_LOG_LEVEL": "WARNING",
    }
    worker = ServiceProcess("metrics", env, worker=True)
    await asyncio.to_thread(worker.migrate)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def counted() -> int:
        try:
            connection = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError):
            return -1  # the server is restarting
        try:
            return int(await connection.fetchval("SELECT count(*) FROM share_facts"))
        finally:
            await connection.close()

    producer = asyncio.create_task(stream(kafka_bootstrap, settings.topic(TOPIC)))
    try:
        await asyncio.to_thread(worker.start)
        counts_at_kills: list[int] = []
        for kill in range(1, KILLS + 1):
            before = max(await counted(), 0)
            # Killed while it works: after it has committed something new since its start.
            counts_at_kills.append(await eventually(counted, lambda n, b=before: n > b, timeout=60))
            await asyncio.to_thread(worker.kill)
            assert worker.process is not None and worker.process.returncode == -signal.SIGKILL
            await asyncio.to_thread(worker.start)
            if kill == 3:  # the database goes away and comes back under the running worker
                await asyncio.to_thread(postgres.stop)
                await asyncio.sleep(2)
                await asyncio.to_thread(postgres.start)
        assert counts_at_kills[-1] < EVENTS, f"kills came after the stream: {counts_at_kills}"
        await producer

        assert await eventually(counted, lambda n: n >= EVENTS, timeout=120) == EVENTS
        group = settings.topic("metrics")
        assert (
            await eventually(
                lambda: lag(kafka_bootstrap, group, settings.topic(TOPIC)),
                lambda n: n == 0,
                timeout=60,
            )
            == 0
        )
        await asyncio.sleep(2)  # a redelivered duplicate would land by now
        assert await counted() == EVENTS
        dead = await read_all(
            kafka_bootstrap, settings.topic("metrics.dlt"), expected=1, timeout_ms=3000
        )
        assert dead == []
    finally:
        producer.cancel()
        await asyncio.gather(producer, return_exceptions=True)
        await asyncio.to_thread(worker.stop)
