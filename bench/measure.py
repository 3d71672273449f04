"""Helpers every benchmark shares: percentiles, timestamps, the engines' description, processes."""

import os
import re
import signal
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.engine import make_url

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LOG_DIR = REPO / ".run" / "bench-logs"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty sample."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    """The median, for the figure we keep of several runs."""
    return float(statistics.median(samples))


def now() -> str:
    """UTC timestamp for `measured_at`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_dsn(sqlalchemy_url: str) -> str:
    """asyncpg's DSN for a `postgresql+asyncpg://` URL."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def engines(postgres_url: str) -> str:
    """The engines as `setup` describes them: versions and the settings that matter."""
    connection = await asyncpg.connect(plain_dsn(postgres_url))
    try:
        version = await connection.fetchval("SHOW server_version")
        fsync = await connection.fetchval("SHOW fsync")
    finally:
        await connection.close()
    return (
        f"PostgreSQL {version.split()[0]} (fsync {fsync}), Kafka {_kafka_version()} single node, "
        f"{os.cpu_count()} shared cores"
    )


def _kafka_version() -> str:
    # The broker does not tell its version over the protocol; scripts/kafka-local pins it.
    script = (REPO / "scripts" / "kafka-local").read_text()
    found = re.search(r'KAFKA_VERSION="\$\{KAFKA_VERSION:-([^}]+)\}"', script)
    return os.environ.get("KAFKA_VERSION") or (found.group(1) if found else "?")


@dataclass
class Script:
    """A bench script run as a process of its own (python bench/<name>.py ...)."""

    name: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    capture: bool = False  # keep stdout for output(); otherwise it goes to the log
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Spawn it; its logs go to .run/bench-logs/<name>.log."""
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = (LOG_DIR / f"{self.name}.log").open("ab")
        command = [sys.executable, str(BENCH / f"{self.name}.py"), *self.args]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE if self.capture else log,
            stderr=log,
            cwd=REPO,
            env={**os.environ, **self.env},
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def output(self, timeout: float) -> str:
        """Wait for it to exit; its stdout."""
        assert self.process is not None and self.process.stdout is not None
        self.process.wait(timeout=timeout)
        return self.process.stdout.read().decode()


async def delete_topics(kafka: str, prefix: str) -> None:
    """Delete the topics a benchmark made (their names start with its own random prefix)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()
