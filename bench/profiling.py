"""Where a consumer process spends its time: CPU accounting from /proc and a py-spy profile.

Both need the processes on this machine (the local engines `make bench` starts); when they are
not readable (a remote PostgreSQL, no ptrace permission) the figures are left out, never guessed.
"""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import asyncpg
from measure import plain_dsn

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PY_SPY = Path(sys.executable).parent / "py-spy"
SAMPLE_RATE = 100
Stages = tuple[tuple[str, tuple[str, ...]], ...]
# A sample's stage is the first whose markers occur in its stack (SQLAlchemy's sync work runs in
# greenlets, whose stacks start at Session.execute: the markers cover both halves).
CONSUMER_STAGES: Stages = (
    ("decode: envelope + contract (pydantic)", ("Envelope.from_kafka", "events/registry.py")),
    ("facts insert", ("record_shares", "_bulk_insert")),
    ("inbox claim", ("claim_many", "orm_execute_statement")),
    ("Kafka offset commit", ("AIOKafkaConsumer.commit",)),
    ("transaction begin/commit", ("commit", "_connection_for_bind", "AsyncSession.close")),
    ("Kafka fetch (getmany)", ("getmany", "aiokafka/consumer/fetcher.py")),
    ("other database work (SQLAlchemy, asyncpg)", ("sqlalchemy/", "asyncpg/")),
    ("runner's own code (filter, batching, metrics)", ("ConsumerRunner", "BatchApplier")),
)
RELAY_STAGES: Stages = (
    ("send to the producer (the baseline's work too)", ("AIOKafkaProducer.send", "producer/")),
    ("topic check (producer metadata)", ("missing_topics",)),
    ("database: statements, rows, JSON columns", ("sqlalchemy/", "asyncpg/", "_json_decoder")),
    ("relay's own code (row lists, acks)", ("OutboxRelay", "common/relay.py")),
)
WAITING = "waiting: event loop idle (PostgreSQL or Kafka answering)"
IDLE_LEAVES = ("EpollSelector.select", "select (selectors", "Runner.run (", "run_until_complete (")
HANDLER = "on_batch"  # the FastStream variant's handler: its own code counts as "other"
FRAMEWORK = ("faststream/", "fast_depends/")
OTHER_THREADS = ("threading.py", "concurrent/futures/thread.py")
SQL_BUILDING = "sqlalchemy/sql/"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used so far, or None if it can't be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


async def backends_cpu(database_url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to this database (ours excluded)."""
    connection = await asyncpg.connect(plain_dsn(database_url))
    try:
        pids = await connection.fetch(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    readings = {row["pid"]: cpu_seconds(row["pid"]) for row in pids}
    return {pid: cpu for pid, cpu in readings.items() if cpu is not None}


def record(pid: int, output: Path) -> subprocess.Popen[bytes] | None:
    """Sample a process with py-spy, idle time included (collapsed stacks); stop with SIGINT."""
    if not PY_SPY.exists():
        return None
    command = [str(PY_SPY), "record", "-p", str(pid), "-r", str(SAMPLE_RATE), "-f", "raw"]
    return subprocess.Popen(
        [*command, "--idle", "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def shares(collapsed: Path, stages: Stages) -> dict[str, float]:
    """Share (%) of the main thread's wall-clock samples per stage, plus SQL building."""
    counts: Counter[str] = Counter()
    sql = total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if any(t in stack for t in OTHER_THREADS):
            continue  # idle helper threads (the default executor), not the event loop
        n = int(count)
        total += n
        counts[_stage(stack, stages)] += n
        sql += n if SQL_BUILDING in stack else 0
    if not total:
        return {}
    result = {stage: round(100 * n / total, 1) for stage, n in counts.most_common()}
    result["of which SQLAlchemy builds/compiles SQL"] = round(100 * sql / total, 1)
    result["samples"] = total
    return result


def _stage(stack: str, stages: Stages) -> str:
    # Idle: asyncio waits in the selector; uvloop (under uvicorn) in C, below Runner.run.
    if stack.rsplit(";", 1)[-1].startswith(IDLE_LEAVES):
        return WAITING
    stage = next((s for s, marks in stages if any(m in stack for m in marks)), "other")
    if stage == "other" and HANDLER not in stack and any(m in stack for m in FRAMEWORK):
        return "FastStream's own code (parsing, message objects, injection)"
    return stage
