"""backbone.relay: outbox relay events/s against a bare producer with identical settings.

Both producers come from `common.relay.make_producer(settings)`: the same client, acks, idempotence,
linger and timeouts. The baseline sends the same envelopes straight and waits for every ack; the
relay drains the same number of committed outbox rows with `publish_batch()` (advisory lock,
select a batch, send, wait for acks, mark sent, commit) until it returns 0.
"""

import asyncio
import os
import signal
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import profiling
from measure import LOG_DIR, RUNS, delete_topics, engines, median, now
from sqlalchemy import Table
from sqlmodel import SQLModel

from advocacy_testing.databases import create_database, drop_database
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.events.envelope import Envelope
from common.outbox import OutboxMessage, add_event
from common.relay import OutboxRelay, make_producer
from common.settings import ServiceSettings
from common.topics import ensure_topics

EVENTS = int(os.environ.get("BENCH_RELAY_EVENTS", "50000"))
PROFILE_EVENTS = 2 * EVENTS  # long enough for a few hundred samples
RELAY_RUNS = max(RUNS, 5)  # each run is a few seconds: more of them steady the median
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


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
    """Baseline events/s: the same envelopes sent straight by the relay's producer."""
    envelopes = [
        Envelope.wrap(_payload(i), source="/bench", subject="s", key=str(i)) for i in range(count)
    ]
    producer = make_producer(settings)
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


async def relay(
    db: Database, settings: ServiceSettings, count: int, *, profile: Path | None = None
) -> float:
    """Relay events/s: rows already committed in the outbox, drained to Kafka and marked sent."""
    relay_ = OutboxRelay(db=db, settings=settings)
    spy = None
    try:
        await relay_.publish_batch()  # nothing pending yet: connects the producer before the clock
        async with db.transaction() as session:
            for i in range(count):
                add_event(session, _payload(i), source="/bench", subject="s", key=str(i))
        if profile is not None:
            spy = profiling.record(os.getpid(), profile)
            await asyncio.sleep(1.0)  # py-spy attaches meanwhile
        started = time.perf_counter()
        while await relay_.publish_batch():
            pass
        return count / (time.perf_counter() - started)
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            await asyncio.to_thread(spy.wait, 30)
        await relay_.stop()


async def measure(postgres: str, kafka: str) -> dict[str, Any]:
    """The backbone.relay entry: medians of RELAY_RUNS runs, alternating which goes first."""
    url = await create_database(postgres, prefix="bench_relay")
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all, tables=[OUTBOX])
    prefix = f"br{uuid.uuid4().hex[:6]}"
    relay_rates: list[float] = []
    bare_rates: list[float] = []
    try:
        for run in range(RELAY_RUNS):
            settings = ServiceSettings(
                kafka_bootstrap_servers=kafka, kafka_topic_prefix=f"{prefix}.{run}."
            )
            await ensure_topics(settings, {TOPIC})
            if run % 2:
                relay_rates.append(round(await relay(db, settings, EVENTS), 1))
                bare_rates.append(round(await bare_producer(settings, EVENTS), 1))
            else:
                bare_rates.append(round(await bare_producer(settings, EVENTS), 1))
                relay_rates.append(round(await relay(db, settings, EVENTS), 1))
            print(
                f"backbone.relay run {run + 1}: relay {relay_rates[-1]:,.0f}/s, bare {bare_rates[-1]:,.0f}/s"
            )
        where = await _profile(db, kafka=kafka, prefix=f"{prefix}.profile.")
    finally:
        await db.dispose()
        await drop_database(postgres, url)
        await delete_topics(kafka, f"{prefix}.")
    ours, baseline = median(relay_rates), median(bare_rates)
    return {
        "unit": "events/s",
        "value": round(ours, 1),
        "baseline": round(baseline, 1),
        "ratio": round(ours / baseline, 3),
        "goal": "ratio >= 0.8 (relay >= 80% of a bare idempotent producer, identical settings)",
        "runs": RELAY_RUNS,
        "measured_at": now(),
        "setup": (
            f"{await engines(postgres)}; {EVENTS} outbox rows per run, relay batches of "
            f"{ServiceSettings().relay_batch_size}, both producers from "
            f"common.relay.make_producer, median of {RELAY_RUNS}"
        ),
        "values": relay_rates,
        "baseline_values": bare_rates,
        "events": EVENTS,
        "profile_events": PROFILE_EVENTS,
        "profile": where,
    }


async def _profile(db: Database, *, kafka: str, prefix: str) -> dict[str, float]:
    """One more, untimed and longer relay drain under py-spy: wall-clock share per stage."""
    settings = ServiceSettings(kafka_bootstrap_servers=kafka, kafka_topic_prefix=prefix)
    await ensure_topics(settings, {TOPIC})
    output = LOG_DIR / "relay.pyspy.txt"
    output.unlink(missing_ok=True)
    await relay(db, settings, PROFILE_EVENTS, profile=output)
    return profiling.shares(output, profiling.RELAY_STAGES) if output.exists() else {}
