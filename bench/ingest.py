"""backbone.ingest: metrics ingestion on PostgreSQL, ours against a raw consumer, same run.

Three consumers do the metrics work on a migrated metrics database, each as a process of its own:
- ours: the real worker, `python -m metrics.worker` (ConsumerRunner + BatchApplier + inbox);
- baseline: raw aiokafka getmany + one INSERT per batch, no inbox, no ORM (ingest_baseline.py);
- faststream: a FastStream batch subscriber doing our database work (faststream_ingest.py).

Capacity: one backlog of share events is produced once; each run, each consumer drains it with a
consumer group of its own into its emptied database. The clock runs from the first committed
offset to the last (process start-up and the group join are not ingestion); completion is
checked against the rows in the database. Lag: a separate process offers a fixed rate for a
fixed time to a fresh topic while (high watermark - committed offset) is sampled every 0.5 s.
"""

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import events
import profiling
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from measure import (
    LOG_DIR,
    RUNS,
    Script,
    delete_topics,
    engines,
    median,
    now,
    percentile,
    plain_dsn,
)

from advocacy_testing.databases import drop_database, migrated_database
from advocacy_testing.processes import ServiceProcess
from common.events.contracts.ambassadors import TOPIC
from common.settings import ServiceSettings
from common.topics import ensure_topics
from metrics.migrate import MIGRATIONS

BACKLOG = int(os.environ.get("BENCH_INGEST_EVENTS", "100000"))
BATCH = 500  # the metrics worker's consumer_batch_size; every consumer polls this many
PARTITIONS = 3
LAG_SECONDS = float(os.environ.get("BENCH_LAG_SECONDS", "60"))
LAG_RATE = os.environ.get("BENCH_LAG_RATE")  # default: half of our capacity in this run
SAMPLE_SECONDS = 0.5
WARM_UP = 300
VARIANTS = ("ours", "baseline", "faststream")


class Consumer(Protocol):
    process: subprocess.Popen[bytes] | None

    def start(self) -> None: ...
    def stop(self) -> None: ...


@dataclass
class Variant:
    """One way of doing the ingestion, with its own migrated metrics database."""

    name: str
    database_url: str

    def consumer(self, *, kafka: str, prefix: str, group: str) -> tuple[Consumer, str]:
        """A consumer process reading `<prefix>ambassadors.events`, and its group id."""
        if self.name == "ours":
            env = {
                "METRICS_ENV": "test",
                "METRICS_DATABASE_URL": self.database_url,
                "METRICS_KAFKA_BOOTSTRAP_SERVERS": kafka,
                "METRICS_KAFKA_TOPIC_PREFIX": prefix,
                "METRICS_LOG_LEVEL": "WARNING",
                "METRICS_WORKER_GROUP": group,
                "METRICS_CONSUMER_BATCH_SIZE": str(BATCH),
            }
            worker = ServiceProcess("metrics", env, worker=True, log_dir=LOG_DIR)
            return worker, f"{prefix}metrics.{group}"
        group_id = f"{prefix}{self.name}.{group}"
        args = ["--bootstrap", kafka, "--topic", f"{prefix}{TOPIC}", "--group", group_id]
        args += ["--database-url", self.database_url, "--batch", str(BATCH)]
        script = "ingest_baseline" if self.name == "baseline" else "faststream_ingest"
        return Script(script, args), group_id

    async def reset(self) -> None:
        """Empty the facts and the inbox: every run starts from the same state."""
        connection = await asyncpg.connect(plain_dsn(self.database_url))
        try:
            await connection.execute("TRUNCATE share_facts, inbox")
        finally:
            await connection.close()

    async def rows(self) -> int:
        """Facts in the database: the truth about what was ingested."""
        connection = await asyncpg.connect(plain_dsn(self.database_url))
        try:
            return int(await connection.fetchval("SELECT count(*) FROM share_facts"))
        finally:
            await connection.close()


class Offsets:
    """Committed offsets of a group and high watermarks of a topic, summed over partitions."""

    def __init__(self, kafka: str, topic: str) -> None:
        self.admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
        self.reader = AIOKafkaConsumer(bootstrap_servers=kafka)
        self.partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]

    async def __aenter__(self) -> "Offsets":
        await self.admin.start()
        await self.reader.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.reader.stop()
        await self.admin.close()

    async def committed(self, group: str) -> int:
        offsets = await self.admin.list_consumer_group_offsets(group, partitions=self.partitions)
        return sum(max(o.offset, 0) for o in offsets.values())

    async def high(self) -> int:
        return sum((await self.reader.end_offsets(self.partitions)).values())


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, timeout: float, what: str, every: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(every)


@dataclass
class Drain:
    """One drain of the backlog: its rate and the CPU it cost, per 1,000 events."""

    rate: float
    consumer_cpu_ms: float | None  # the consumer process
    postgres_cpu_ms: float | None  # the PostgreSQL backends serving its connections


async def drain(
    variant: Variant, *, kafka: str, prefix: str, group: str, profile: Path | None = None
) -> Drain:
    """One consumer draining the backlog, timed from the first committed offset to the last."""
    await variant.reset()
    consumer, group_id = variant.consumer(kafka=kafka, prefix=prefix, group=group)
    async with Offsets(kafka, f"{prefix}{TOPIC}") as offsets:
        consumer.start()
        assert consumer.process is not None
        pid = consumer.process.pid
        spy = None
        try:
            first: tuple[float, int, float | None, dict[int, float]] | None = None
            deadline = time.monotonic() + 120 + BACKLOG / 200
            while (done := await offsets.committed(group_id)) < BACKLOG:
                if first is None and done > 0:
                    backends = await profiling.backends_cpu(variant.database_url)
                    first = (time.perf_counter(), done, profiling.cpu_seconds(pid), backends)
                    # Sampled from here: start-up and imports are not ingestion.
                    spy = profiling.record(pid, profile) if profile else None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{variant.name} drained {done}/{BACKLOG}")
                await asyncio.sleep(0.1)
            ended = time.perf_counter()
            cpu_end = profiling.cpu_seconds(pid)
            backends_end = await profiling.backends_cpu(variant.database_url)
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=30)
            consumer.stop()
    rows = await variant.rows()
    if rows != BACKLOG:
        raise RuntimeError(f"{variant.name}: {rows} facts for {BACKLOG} events")
    started, at_start, cpu_start, backends_start = first or (ended, 0, cpu_end, backends_end)
    thousands = (BACKLOG - at_start) / 1000
    consumer_cpu = None
    if cpu_start is not None and cpu_end is not None:
        consumer_cpu = round((cpu_end - cpu_start) * 1000 / thousands, 1)
    postgres_cpu = None
    if backends_end:
        used = sum(cpu - backends_start.get(p, 0.0) for p, cpu in backends_end.items())
        postgres_cpu = round(used * 1000 / thousands, 1)
    return Drain(
        rate=(BACKLOG - at_start) / max(ended - started, 1e-3),
        consumer_cpu_ms=consumer_cpu,
        postgres_cpu_ms=postgres_cpu,
    )


async def lag_under_load(variant: Variant, *, kafka: str, rate: float) -> dict[str, float]:
    """Lag samples (events) while `rate` events/s are offered for LAG_SECONDS to a fresh topic."""
    prefix = f"bl{uuid.uuid4().hex[:6]}."
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka, kafka_topic_prefix=prefix, topic_partitions=PARTITIONS
    )
    await ensure_topics(settings, {TOPIC})
    await variant.reset()
    consumer, group = variant.consumer(kafka=kafka, prefix=prefix, group="lag")
    topic = f"{prefix}{TOPIC}"
    samples: list[float] = []
    async with Offsets(kafka, topic) as offsets:
        consumer.start()
        try:
            await events.fill(kafka, topic, WARM_UP)

            async def warmed() -> bool:
                return await offsets.committed(group) >= WARM_UP

            await wait_until(warmed, timeout=120, what=f"{variant.name} warm-up")
            load = Script("ingest_producer", _load_args(kafka, topic, rate), capture=True)
            load.start()
            while load.alive():
                samples.append(await offsets.high() - await offsets.committed(group))
                await asyncio.sleep(SAMPLE_SECONDS)
            offered = _offered(load)
            ended = time.perf_counter()

            async def caught_up() -> bool:
                return await offsets.committed(group) >= WARM_UP + offered["sent"]

            await wait_until(caught_up, timeout=300, what=f"{variant.name} catch-up")
            drain_s = time.perf_counter() - ended
        finally:
            consumer.stop()
            await delete_topics(kafka, prefix)
    rows = await variant.rows()
    if rows != WARM_UP + offered["sent"]:
        raise RuntimeError(f"{variant.name}: {rows} facts for {WARM_UP + offered['sent']} events")
    return {
        "lag_p50_events": percentile(samples, 0.5),
        "lag_p99_events": percentile(samples, 0.99),
        "lag_max_events": max(samples),
        "lag_drain_s": round(drain_s, 2),
        "lag_offered_rate": round(offered["sent"] / offered["seconds"], 1),
        "lag_samples": len(samples),
    }


def _load_args(kafka: str, topic: str, rate: float) -> list[str]:
    return ["--bootstrap", kafka, "--topic", topic, "--rate", str(rate)] + [
        "--seconds",
        str(LAG_SECONDS),
    ]


def _offered(load: Script) -> dict[str, float]:
    result: dict[str, float] = json.loads(load.output(timeout=30))
    return result


async def measure(postgres: str, kafka: str) -> dict[str, Any]:
    """The backbone.ingest entry: capacity (median of RUNS) and lag, for the three variants."""
    variants = [
        Variant(
            name,
            await migrated_database(postgres, prefix=f"bench_{name}", migrations_dir=MIGRATIONS),
        )
        for name in VARIANTS
    ]
    prefix = f"bi{uuid.uuid4().hex[:6]}."
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka, kafka_topic_prefix=prefix, topic_partitions=PARTITIONS
    )
    try:
        await ensure_topics(settings, {TOPIC})
        await events.fill(kafka, f"{prefix}{TOPIC}", BACKLOG)
        drains = await capacity(variants, kafka=kafka, prefix=prefix)
        profiles = await profile(variants, kafka=kafka, prefix=prefix)
        ours = median([d.rate for d in drains["ours"]])
        offered = float(LAG_RATE) if LAG_RATE else max(100.0, ours // 2 // 100 * 100)
        lags = {}
        for variant in variants:
            lags[variant.name] = await lag_under_load(variant, kafka=kafka, rate=offered)
            print(f"backbone.ingest lag: {variant.name} {lags[variant.name]}", flush=True)
    finally:
        for variant in variants:
            await drop_database(postgres, variant.database_url)
        await delete_topics(kafka, prefix)
    return _entry(drains, lags, profiles, offered, await engines(postgres))


async def capacity(variants: list[Variant], *, kafka: str, prefix: str) -> dict[str, list[Drain]]:
    """RUNS drains per variant; the order rotates so a noisy minute does not always hit one."""
    drains: dict[str, list[Drain]] = {v.name: [] for v in variants}
    for run in range(RUNS):
        for variant in variants[run % 3 :] + variants[: run % 3]:
            result = await drain(variant, kafka=kafka, prefix=prefix, group=f"cap{run}")
            drains[variant.name].append(result)
            print(f"backbone.ingest run {run + 1}: {variant.name} {result}", flush=True)
    return drains


async def profile(
    variants: list[Variant], *, kafka: str, prefix: str
) -> dict[str, dict[str, float]]:
    """One more, untimed drain of ours and of FastStream under py-spy: CPU share per stage."""
    profiles = {}
    for variant in variants:
        if variant.name == "baseline":
            continue
        output = LOG_DIR / f"ingest-{variant.name}.pyspy.txt"
        output.unlink(missing_ok=True)
        await drain(variant, kafka=kafka, prefix=prefix, group="profile", profile=output)
        if output.exists():
            profiles[variant.name] = profiling.shares(output, profiling.CONSUMER_STAGES)
    return profiles


def _entry(
    drains: dict[str, list[Drain]],
    lags: dict[str, dict[str, float]],
    profiles: dict[str, dict[str, float]],
    offered: float,
    setup: str,
) -> dict[str, Any]:
    rates = {name: [round(d.rate, 1) for d in runs] for name, runs in drains.items()}
    ours, baseline, faststream = (median(rates[n]) for n in VARIANTS)
    entry: dict[str, Any] = {
        "unit": "events/s",
        "value": round(ours, 1),
        "baseline": round(baseline, 1),
        "ratio": round(ours / baseline, 3),
        "goal": "ratio >= 0.5 (ours >= 50% of raw getmany + one batched INSERT per batch)",
        "runs": RUNS,
        "measured_at": now(),
        "setup": (
            f"{setup}; topic of {PARTITIONS} partitions, backlog of {BACKLOG} share events "
            f"drained per run, batches of {BATCH}, median of {RUNS}; lag: {offered:.0f} events/s "
            f"offered for {LAG_SECONDS:.0f} s by a separate process, sampled every "
            f"{SAMPLE_SECONDS} s"
        ),
        "values": rates["ours"],
        "baseline_values": rates["baseline"],
        "faststream_value": round(faststream, 1),
        "faststream_values": rates["faststream"],
        "faststream_ratio": round(faststream / baseline, 3),
        "backlog_events": BACKLOG,
        "partitions": PARTITIONS,
        "batch_size": BATCH,
        "lag_rate": offered,
        "lag_seconds": LAG_SECONDS,
    }
    for name, field in (("ours", ""), ("baseline", "baseline_"), ("faststream", "faststream_")):
        entry.update({f"{field}{k}": v for k, v in lags[name].items()})
        for cpu in ("consumer_cpu_ms", "postgres_cpu_ms"):
            readings = [getattr(d, cpu) for d in drains[name] if getattr(d, cpu) is not None]
            entry[f"{field}{cpu}_per_1k"] = round(median(readings), 1) if readings else None
        if name in profiles:
            entry[f"{field}profile"] = profiles[name]
    return entry
