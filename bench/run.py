"""Runs every benchmark with its same-run baseline and writes bench/RESULTS.md."""

import asyncio
import os
import platform
import statistics
import uuid
from datetime import UTC, datetime
from pathlib import Path

import latency
import throughput
from sqlmodel import SQLModel

from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.stack import running_stack
from common.db import Database
from common.events.contracts.content import TOPIC
from common.outbox import OutboxMessage
from common.settings import ServiceSettings
from common.topics import ensure_topics

ITEMS = int(os.environ.get("BENCH_ITEMS", "200"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "5000"))
REPEATS = 3
RESULTS = Path(__file__).parent / "RESULTS.md"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def stage_rows(stages: dict[str, list[float]]) -> str:
    return "\n".join(
        f"| {name} | {ms(percentile(s, 0.5))} | {ms(percentile(s, 0.99))} |"
        for name, s in stages.items()
    )


async def measure_relay(postgres: str, kafka: str) -> tuple[list[float], list[float]]:
    url = await create_database(postgres, prefix="bench")
    db = Database(url)
    async with db.engine.begin() as connection:
        tables = [OutboxMessage.__table__]  # type: ignore[attr-defined]
        await connection.run_sync(SQLModel.metadata.create_all, tables=tables)
    relay_rates, bare_rates = [], []
    try:
        for _ in range(REPEATS):
            settings = ServiceSettings(
                kafka_bootstrap_servers=kafka, kafka_topic_prefix=f"b{uuid.uuid4().hex[:6]}."
            )
            await ensure_topics(settings, {TOPIC})
            bare_rates.append(await throughput.bare_producer(settings, EVENTS))
            relay_rates.append(await throughput.relay(db, settings, EVENTS))
    finally:
        await db.dispose()
        await drop_database(postgres, url)
    return relay_rates, bare_rates


async def main() -> None:
    postgres, kafka = os.environ["TEST_POSTGRES_URL"], os.environ["TEST_KAFKA_BOOTSTRAP"]
    baseline = await latency.kafka_round_trips(kafka, ITEMS)
    async with running_stack(postgres_url=postgres, kafka=kafka) as stack:
        e2e = await latency.approval_to_feed(stack, ITEMS)
        stages = await latency.stage_breakdown(stack)
    relay_rates, bare_rates = await measure_relay(postgres, kafka)
    relay_median, bare_median = statistics.median(relay_rates), statistics.median(bare_rates)
    report = f"""# Benchmark results

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {platform.machine()},
{os.cpu_count()} cores, Python {platform.python_version()}; Kafka and PostgreSQL are the local
single-node engines `make test` uses (PostgreSQL with fsync off). The machine is small and noisy:
read the ratios, not the absolute numbers.

## End-to-end: content approval -> visible in the ambassador's feed

{ITEMS} items approved one after another through the gateway; each is timed from the approve
call until a feed read (polled every 2 ms through the gateway) shows it. The path: content
service commits item + outbox row -> relay publishes -> ambassadors consumer commits the feed
row + inbox row -> feed read.

| measure | p50 | p99 |
|---|---|---|
| approval -> feed (4 processes, PostgreSQL, Kafka) | {ms(percentile(e2e, 0.5))} | {ms(percentile(e2e, 0.99))} |
| baseline: bare aiokafka produce (acks=all) -> consume round trip | {ms(percentile(baseline, 0.5))} | {ms(percentile(baseline, 0.99))} |
| ratio | {percentile(e2e, 0.5) / percentile(baseline, 0.5):.1f}x | {percentile(e2e, 0.99) / percentile(baseline, 0.99):.1f}x |

Where the time goes, from the services' own commit timestamps (same run):

| stage | p50 | p99 |
|---|---|---|
{stage_rows(stages)}

The rest of the end-to-end figure is the approve call and the feed reads themselves: two HTTP
hops each (gateway, service) on a 2-core machine that also runs the broker, PostgreSQL, four
services and the polling client.

## Outbox relay throughput

{EVENTS} committed outbox rows drained by `OutboxRelay.publish_batch` (batches of 500: select,
send with the idempotent producer, wait for acks, mark sent), against the same {EVENTS}
envelopes sent straight with the same producer settings. Median of {REPEATS} runs.

| measure | events/s (median) | runs |
|---|---|---|
| outbox relay (PostgreSQL -> Kafka, marked sent) | {relay_median:,.0f} | {", ".join(f"{r:,.0f}" for r in relay_rates)} |
| baseline: bare idempotent producer | {bare_median:,.0f} | {", ".join(f"{r:,.0f}" for r in bare_rates)} |
| ratio relay / baseline | {relay_median / bare_median:.2f} | |
"""
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    asyncio.run(main())
