"""people.csv_import: 50,000 employees imported from one CSV as a job, on PostgreSQL.

Ours is the real path: the ambassadors web process (uvicorn, env=test) takes the upload
(`POST /v1/hr/imports`, the header and rows checked, the file stored), and the ambassadors
worker process (`python -m ambassadors.worker`, relay and loops as deployed, on Kafka) runs the
job in chunks through the people service's upsert, staging one `ambassadors.employee.synced.v1`
per employee. The figure is rows / (finished_at - created_at) of the job, as the service
records them: the worker's poll, the chunks and their commits. Meanwhile one client reads
`GET /v1/employees?limit=20` of the same organisation in a bounded loop: the API's p99 while the
import runs.

The baseline, in the same run and against the same `employees` table (same indexes and unique
constraints), reads the same bytes with the csv module and COPYs the same 50,000 rows
(asyncpg `copy_records_to_table`): no validation, no upsert, no events, no job. One multi-row
`INSERT ... SELECT FROM unnest(...)` of the same rows is measured beside it for context. Each
run uses fresh organisations (every row a creation on both sides); sides alternate which goes
first; medians of RUNS.
"""

import asyncio
import csv
import hashlib
import io
import json
import os
import signal
import time
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from measure import LOG_DIR, RUNS, delete_topics, engines, median, now, percentile, plain_dsn
from profiling import backends_cpu, cpu_seconds, record, shares

from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.processes import ServiceProcess
from common import assertions
from common.auth import Principal
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
GOAL_RATIO, GOAL_P99_MS = 0.25, 50.0
API_PAUSE_S = 0.05  # the reader's pause between requests: a console polling, not a load test
API_MAX_REQUESTS = 5_000
HEADER = (
    "external_id,user_name,email,display_name,department,location,manager_external_id,"
    "job_title,is_executive,employment_status,hire_date,active_networks"
)
COLUMNS = (
    "id", "org_id", "external_id", "user_name", "email", "display_name", "department",
    "location", "manager_external_id", "job_title", "is_executive", "employment_status",
    "hire_date", "active_networks", "user_id", "fingerprint", "version", "source", "left_at",
    "erase_after", "erased_at", "created_at", "updated_at",
)  # fmt: skip
TYPES = (
    "uuid", "uuid", "text", "text", "text", "text", "text", "text", "text", "text", "bool",
    "text", "date", "json", "uuid", "text", "int", "text", "timestamptz", "timestamptz",
    "timestamptz", "timestamptz", "timestamptz",
)  # fmt: skip
DEPARTMENTS = ("Sales", "Marketing", "Engineering", "Support", "HR", "Finance", "Legal", "Ops")
LOCATIONS = ("Lyon", "Paris", "Berlin", "Madrid", "London", "Remote")
TITLES = ("Account executive", "Engineer", "Designer", "Analyst", "Manager", "Consultant")
NETWORKS = ("linkedin", "linkedin;x", "x", "", "linkedin;instagram", "facebook;linkedin")
IMPORT_STAGES = (
    ("employee events staged (envelopes, one INSERT)", ("employees_synced", "add_events")),
    ("upsert statement and its RETURNING rows (ORM)", ("upsert_employees",)),
    ("upsert rows built (fingerprints)", ("row_of",)),
    # SQLAlchemy's sync half runs in greenlets whose stacks start at Session.execute: py-spy
    # cannot name their caller, but loading rows into objects is the upsert's RETURNING.
    ("ORM objects from the rows (SQLAlchemy loading)", ("orm/loading.py",)),
    ("reading + validating rows (csv, pydantic)", ("judge (", "csv_file.py")),
    ("after-sync hook: onboarding/eligibility (membership)", ("employees_changed",)),
    ("transaction begin/commit", ("commit", "_connection_for_bind")),
    ("outbox relay (Kafka)", ("OutboxRelay", "relay.py", "aiokafka/")),
    ("other database work (SQLAlchemy, asyncpg)", ("sqlalchemy/", "asyncpg/")),
    ("import loop's own code", ("runner.py", "imports/repository.py")),
)


def employees_csv(count: int) -> bytes:
    """A reproducible HR export of `count` people, every column filled."""
    out = io.StringIO()
    out.write(HEADER + "\n")
    for n in range(1, count + 1):
        hired = date(2015 + n % 10, 1 + n % 12, 1 + n % 28).isoformat()
        out.write(
            f"E-{n:06d},p{n}@example.com,p{n}@example.com,Person {n},"
            f"{DEPARTMENTS[n % 8]},{LOCATIONS[n % 6]},E-{max(1, n // 10):06d},"
            f"{TITLES[n % 6]},{str(n % 100 == 0).lower()},"
            f"{'on_leave' if n % 50 == 0 else 'active'},{hired},{NETWORKS[n % 6]}\n"
        )
    return out.getvalue().encode()


def _headers(principal: Principal) -> dict[str, str]:
    """The assertion the gateway signs for the ambassadors service (dev key, env=test)."""
    key = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)
    token = assertions.sign(key, principal=principal, audience="ambassadors", ttl_seconds=7200)
    return {"Authorization": f"Bearer {token}"}


def _admin() -> Principal:
    return Principal(user_id=uuid.uuid4(), org_id=uuid.uuid4(), roles=frozenset({"org_admin"}))


async def measure(postgres: str, kafka: str) -> dict[str, Any]:
    """The people.csv_import entry."""
    content = employees_csv(ROWS)
    url = await create_database(postgres, prefix="bench_import")
    prefix = f"b{uuid.uuid4().hex[:8]}."
    env = {
        "AMBASSADORS_ENV": "test",
        "AMBASSADORS_DATABASE_URL": url,
        "AMBASSADORS_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "AMBASSADORS_KAFKA_TOPIC_PREFIX": prefix,
        "AMBASSADORS_LOG_LEVEL": "WARNING",
    }
    web = ServiceProcess("ambassadors", env)
    worker = ServiceProcess("ambassadors", env, worker=True)
    try:
        web.migrate()
        worker.start(timeout=180)
        web.start(timeout=180)
        pool = await asyncpg.create_pool(plain_dsn(url), min_size=1, max_size=2)
        try:
            return await _runs(web, worker, pool, content, url, setup=await engines(postgres))
        finally:
            await pool.close()
    finally:
        web.stop()
        worker.stop()
        await drop_database(postgres, url)
        await delete_topics(kafka, prefix)


async def _runs(
    web: ServiceProcess,
    worker: ServiceProcess,
    pool: asyncpg.Pool,
    content: bytes,
    url: str,
    *,
    setup: str,
) -> dict[str, Any]:
    assert worker.process is not None
    cpu = Cpu(worker.process.pid, url)
    async with httpx.AsyncClient(base_url=web.url, timeout=120) as client:
        warm = await _import(client, employees_csv(500), cpu)  # connections, imports, plans
        await _copy(pool, employees_csv(500), cpu)
        # The same reader with no import running, on an organisation of 500 employees.
        idle = await _api_latencies(client, warm["principal"], lambda: False, requests=200)
        ours: list[dict[str, Any]] = []
        copies: list[dict[str, float]] = []
        inserts: list[float] = []
        for i in range(RUNS):
            for side in ("ours", "baseline") if i % 2 == 0 else ("baseline", "ours"):
                if side == "ours":
                    ours.append(await _import(client, content, cpu))
                else:
                    copies.append(await _copy(pool, content, cpu))
                    inserts.append(await _insert(pool, content))
        profile = None
        rate = median([r["rows_per_s"] for r in ours])
        p99 = median([r["api_p99_ms"] for r in ours])
        if rate / median([c["rows_per_s"] for c in copies]) < GOAL_RATIO or p99 >= GOAL_P99_MS:
            profile = await _profiled(client, worker, content, cpu)
    return _entry(ours, copies, inserts, idle, profile, setup=setup)


class Cpu:
    """CPU seconds so far: the worker process (ours) or this harness (the baseline's client),
    and the PostgreSQL backends of the benchmark's database."""

    def __init__(self, worker_pid: int, database_url: str) -> None:
        self.worker_pid, self.database_url = worker_pid, database_url

    async def now(self, pid: int) -> tuple[float, dict[int, float]]:
        return cpu_seconds(pid) or 0.0, await backends_cpu(self.database_url)

    @staticmethod
    def per_1k_rows(
        before: tuple[float, dict[int, float]], after: tuple[float, dict[int, float]], rows: int
    ) -> tuple[float, float]:
        """(process, PostgreSQL) CPU milliseconds per 1,000 rows between two readings."""
        process = after[0] - before[0]
        postgres = sum(s - before[1].get(pid, 0.0) for pid, s in after[1].items())
        return 1e6 * process / rows, 1e6 * postgres / rows


async def _import(client: httpx.AsyncClient, content: bytes, cpu: Cpu) -> dict[str, Any]:
    """Upload as a fresh organisation's admin, read the API until the job succeeds."""
    principal = _admin()
    before = await cpu.now(cpu.worker_pid)
    headers = {**_headers(principal), "content-type": "text/csv"}
    started = time.perf_counter()
    created = await client.post("/v1/hr/imports", content=content, headers=headers)
    upload_s = time.perf_counter() - started
    if created.status_code != 202:
        raise RuntimeError(f"upload: {created.status_code} {created.text[:500]}")
    location = created.headers["location"]
    job: dict[str, Any] = created.json()

    def done() -> bool:
        return job["status"] in ("succeeded", "failed")

    async def follow() -> None:
        while not done():
            await asyncio.sleep(0.25)
            job.update((await client.get(location, headers=_headers(principal))).json())

    reads, _ = await asyncio.gather(
        _api_latencies(client, principal, done, requests=API_MAX_REQUESTS), follow()
    )
    worker_cpu, postgres_cpu = Cpu.per_1k_rows(
        before, await cpu.now(cpu.worker_pid), job["rows_total"]
    )
    if job["status"] != "succeeded" or job["rows_changed"] != job["rows_total"]:
        raise RuntimeError(f"import did not import every row: {job}")
    created_at, finished_at = (
        datetime.fromisoformat(job[k]) for k in ("created_at", "finished_at")
    )
    started_at = datetime.fromisoformat(job["started_at"])
    seconds = (finished_at - created_at).total_seconds()
    return {
        "principal": principal,
        "rows_per_s": job["rows_total"] / seconds,
        "seconds": seconds,
        "queued_s": (started_at - created_at).total_seconds(),
        "upload_s": upload_s,
        "api_p50_ms": 1000 * percentile(reads, 0.5),
        "api_p99_ms": 1000 * percentile(reads, 0.99),
        "api_requests": len(reads),
        "worker_cpu_ms_per_1k": worker_cpu,
        "postgres_cpu_ms_per_1k": postgres_cpu,
    }


async def _api_latencies(
    client: httpx.AsyncClient, principal: Principal, stop: Any, *, requests: int
) -> list[float]:
    """One reader: GET /v1/employees?limit=20, a pause between requests, until `stop()`."""
    headers = _headers(principal)
    latencies: list[float] = []
    while len(latencies) < requests and not stop():
        started = time.perf_counter()
        answer = await client.get("/v1/employees", params={"limit": 20}, headers=headers)
        latencies.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"employees: {answer.status_code} {answer.text[:300]}")
        await asyncio.sleep(API_PAUSE_S)
    return latencies


def _rows(content: bytes, org_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """The employees rows of the file as a bare import writes them (no validation)."""
    moment = datetime.now().astimezone()
    reader = csv.reader(io.StringIO(content.decode()))
    next(reader)
    rows = []
    for cells in reader:
        (ext, user, email, name, dept, loc, manager, title, executive, status, hired, nets) = cells
        networks = json.dumps([n for n in nets.split(";") if n])
        digest = hashlib.sha256(",".join(cells).encode()).hexdigest()
        rows.append(
            (uuid.uuid4(), org_id, ext, user, email, name, dept, loc, manager, title,
             executive == "true", status, date.fromisoformat(hired), networks, None, digest, 1,
             "csv", None, None, None, moment, moment)
        )  # fmt: skip
    return rows


async def _copy(pool: asyncpg.Pool, content: bytes, cpu: Cpu) -> dict[str, float]:
    """Baseline: parse and COPY the rows into employees; rows per second and CPU."""
    before = await cpu.now(os.getpid())
    started = time.perf_counter()
    rows = _rows(content, uuid.uuid4())
    async with pool.acquire() as connection:
        await connection.copy_records_to_table("employees", records=rows, columns=COLUMNS)
    rate = len(rows) / (time.perf_counter() - started)
    client, postgres = Cpu.per_1k_rows(before, await cpu.now(os.getpid()), len(rows))
    return {"rows_per_s": rate, "client_cpu_ms_per_1k": client, "postgres_cpu_ms_per_1k": postgres}


async def _insert(pool: asyncpg.Pool, content: bytes) -> float:
    """Context: parse and INSERT the rows in one statement (arrays through unnest)."""
    started = time.perf_counter()
    rows = _rows(content, uuid.uuid4())
    arrays = [list(column) for column in zip(*rows, strict=True)]
    unnest = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(TYPES))
    sql = f"INSERT INTO employees ({', '.join(COLUMNS)}) SELECT * FROM unnest({unnest})"
    async with pool.acquire() as connection:
        await connection.execute(sql, *arrays)
    return len(rows) / (time.perf_counter() - started)


async def _profiled(
    client: httpx.AsyncClient, worker: ServiceProcess, content: bytes, cpu: Cpu
) -> dict[str, float] | None:
    """One more (untimed) import with py-spy on the worker process: where its time goes."""
    assert worker.process is not None
    output = Path(LOG_DIR) / f"people-import-{uuid.uuid4().hex[:6]}.txt"
    output.parent.mkdir(parents=True, exist_ok=True)
    spy = record(worker.process.pid, output)
    if spy is None:
        return None
    try:
        await _import(client, content, cpu)
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)
    return shares(output, IMPORT_STAGES) if output.exists() else None


def _entry(
    ours: list[dict[str, Any]],
    copies: list[dict[str, float]],
    inserts: list[float],
    idle: list[float],
    profile: dict[str, float] | None,
    *,
    setup: str,
) -> dict[str, Any]:
    rate, copy = median([r["rows_per_s"] for r in ours]), median([c["rows_per_s"] for c in copies])

    def mid(name: str) -> float:
        return round(median([r[name] for r in ours]), 2)

    return {
        "unit": "rows/s",
        "value": round(rate),
        "baseline": round(copy),
        "ratio": round(rate / copy, 3),
        "api_p50_ms": mid("api_p50_ms"),
        "api_p99_ms": mid("api_p99_ms"),
        "api_idle_p50_ms": round(1000 * percentile(idle, 0.5), 2),
        "api_idle_p99_ms": round(1000 * percentile(idle, 0.99), 2),
        "goal": f"ratio >= {GOAL_RATIO} and api_p99_ms < {GOAL_P99_MS:.0f}",
        "runs": RUNS,
        "measured_at": now(),
        "setup": (
            f"{setup}; ambassadors web process (uvicorn) + worker process (relay and loops on "
            f"Kafka), {ROWS:,} employees in one {len(employees_csv(ROWS)) / 1e6:.1f} MB CSV, "
            f"each run a fresh organisation; baseline: csv module + asyncpg COPY of the same "
            f"rows into the same table; one reader of GET /v1/employees?limit=20 (pause "
            f"{API_PAUSE_S * 1000:.0f} ms) during each import; sides alternating, median of "
            f"{RUNS}"
        ),
        "rows": ROWS,
        "values": [round(r["rows_per_s"]) for r in ours],
        "baseline_values": [round(c["rows_per_s"]) for c in copies],
        "cpu_ms_per_1k_rows": {
            "ours: worker process": mid("worker_cpu_ms_per_1k"),
            "ours: PostgreSQL": mid("postgres_cpu_ms_per_1k"),
            "COPY: client (csv module, asyncpg)": round(
                median([c["client_cpu_ms_per_1k"] for c in copies]), 2
            ),
            "COPY: PostgreSQL": round(median([c["postgres_cpu_ms_per_1k"] for c in copies]), 2),
        },
        "insert_rows_per_s": round(median(inserts)),
        "insert_values": [round(i) for i in inserts],
        "seconds": mid("seconds"),
        "queued_s": mid("queued_s"),
        "upload_s": mid("upload_s"),
        "api_requests": [r["api_requests"] for r in ours],
        "api_p99_values_ms": [round(r["api_p99_ms"], 1) for r in ours],
        "chunk_rows": 1000,
        "profile": profile,
    }
