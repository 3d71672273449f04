"""content.library_page and content.search: GET /v1/content on a 100,000-item library.

The real content web process (uvicorn, env=test) serves a library seeded by content_seed; each
request carries the internal assertion the gateway would sign for the content service, so
identity is verified as in production. Load comes from hey (hey.py). The baseline, in the same
run and at the same concurrency, is a bare asyncpg loop sending one hand-written
`SELECT … ORDER BY created_at DESC, id DESC LIMIT 50` per request that returns the same rows
(checked: same ids in the same order) — no HTTP, no identity, no ORM, no facets.

Each case is a list of pages (1 to 3, following the service's own cursors) requested in turn:
throughput with CLIENTS clients spread over the pages for SECONDS, latency with one client for
LATENCY_REQUESTS requests over the pages; RUNS runs, ours and the baseline alternating first.
"""

import asyncio
import json
import os
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import content_seed
import hey
import httpx
import measure as bench
from content_seed import Library
from measure import engines, median, now, percentile, plain_dsn
from profiling import backends_cpu, cpu_seconds

from advocacy_testing.processes import ServiceProcess
from common import assertions
from common.auth import Principal
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY

CLIENTS = int(os.environ.get("BENCH_CONTENT_CLIENTS", "9"))
SECONDS = int(os.environ.get("BENCH_CONTENT_SECONDS", "8"))
LATENCY_REQUESTS = int(os.environ.get("BENCH_CONTENT_REQUESTS", "200"))
RUNS = bench.RUNS
LIMIT = 50
PAGES = 3
TOPIC = "product"
SEARCH = "security insights"  # two common words: about a fifth of the library has both
PAGE_GOAL_P99_MS, SEARCH_GOAL_P99_MS = 25.0, 50.0
COLUMNS = ", ".join(content_seed.ITEM_COLUMNS)
NEWEST_FIRST = f"ORDER BY created_at DESC, id DESC LIMIT {LIMIT}"
# The same condition as the service's: the stored tsvector column (ADR 0011).
FTS = "search_fts @@ websearch_to_tsquery('simple'::regconfig, $2)"
_library: Library | None = None  # seeded once per run, shared by both keys


@dataclass(frozen=True)
class Case:
    """One way to read the library: a query string, who asks, and the baseline's condition."""

    name: str
    query: dict[str, str]
    principal: Principal
    where: str  # the baseline's WHERE, $1 = org, further parameters in args
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Page:
    """One page of a case: its URL (with the cursor) and the baseline statement for its rows."""

    url: str
    sql: str
    args: tuple[Any, ...]
    ids: list[uuid.UUID]


@dataclass(frozen=True)
class Sample:
    """One side's run: requests per second, per-request latencies (latency rounds), CPU/request."""

    rate: float
    latencies_s: list[float]
    cpu_ms: dict[str, float]


async def measure_page(postgres: str, kafka: str) -> dict[str, Any]:
    """The content.library_page entry: the org admin's filtered page; the employee's beside it."""
    lib = await _seeded(postgres, kafka)
    admin, employee = _page_cases(lib)
    results = await _measure(lib, kafka, [admin, employee])
    return _entry(results, lib, goal_ms=PAGE_GOAL_P99_MS, setup=await engines(postgres))


async def measure_search(postgres: str, kafka: str) -> dict[str, Any]:
    """The content.search entry: a two-word query as org admin; with filters beside it."""
    lib = await _seeded(postgres, kafka)
    results = await _measure(lib, kafka, _search_cases(lib))
    return _entry(results, lib, goal_ms=SEARCH_GOAL_P99_MS, setup=await engines(postgres))


async def _seeded(postgres: str, kafka: str) -> Library:
    global _library
    if _library is None:
        _library = await content_seed.library(postgres, kafka=kafka)
    return _library


def _admin(lib: Library) -> Principal:
    return Principal(user_id=lib.admin_id, org_id=lib.org.org_id, roles=frozenset({"org_admin"}))


def _page_cases(lib: Library) -> list[Case]:
    s = lib.member_of[0]
    narrowed = (
        "status = 'published' "
        "AND id IN (SELECT content_id FROM content_targets WHERE org_id = $1 "
        "AND sub_program_id = $2) "
        "AND id IN (SELECT content_id FROM content_tags WHERE org_id = $1 "
        "AND dimension = 'topic' AND value = $3)"
    )
    query = {"status": "published", "sub_program_id": str(s), "topic": TOPIC}
    employee = Principal(
        user_id=lib.member_id, org_id=lib.org.org_id, roles=frozenset({"employee"})
    )
    member = (
        " AND id IN (SELECT content_id FROM content_targets WHERE sub_program_id IN "
        "(SELECT sub_program_id FROM access_memberships WHERE org_id = $1 AND user_id = $4 "
        "AND is_member))"
    )
    return [
        Case("org admin", query, _admin(lib), narrowed, (s, TOPIC)),
        Case("member employee", query, employee, narrowed + member, (s, TOPIC, lib.member_id)),
    ]


def _search_cases(lib: Library) -> list[Case]:
    filtered = {"q": SEARCH, "status": "published", "topic": TOPIC}
    topic = (
        " AND status = 'published' AND id IN (SELECT content_id FROM content_tags "
        "WHERE org_id = $1 AND dimension = 'topic' AND value = $3)"
    )
    return [
        Case("org admin, q only", {"q": SEARCH}, _admin(lib), FTS, (SEARCH,)),
        Case("org admin, q + status + topic", filtered, _admin(lib), FTS + topic, (SEARCH, TOPIC)),
    ]


async def _measure(lib: Library, kafka: str, cases: list[Case]) -> dict[str, dict[str, Any]]:
    """Start the web process on the library, then each case's runs, ours and baseline."""
    web = ServiceProcess("content", content_seed.web_env(lib.database_url, kafka))
    web.start(timeout=180)  # imports alone take half a minute on a busy machine
    pool = await asyncpg.create_pool(
        plain_dsn(lib.database_url), min_size=CLIENTS, max_size=CLIENTS
    )
    try:
        assert web.process is not None
        results: dict[str, dict[str, Any]] = {}
        for case in cases:
            pages = await _pages(web.url, case, lib, pool)
            results[case.name] = await _case(case, pages, pool, web.process.pid, lib)
        return results
    finally:
        await pool.close()
        web.stop()


async def _pages(base: str, case: Case, lib: Library, pool: asyncpg.Pool) -> list[Page]:
    """PAGES pages through the API's next_cursor; the baseline's statement for the same rows."""
    headers = _headers(case.principal)
    pages: list[Page] = []
    cursor: str | None = None
    after: tuple[Any, ...] = ()
    async with httpx.AsyncClient(timeout=30) as client:
        for number in range(1, PAGES + 1):
            query = {**case.query, "limit": str(LIMIT), **({"cursor": cursor} if cursor else {})}
            url = f"{base}/v1/content?{urllib.parse.urlencode(query)}"
            answer = await client.get(url, headers=headers)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            sql, args = _baseline(case, lib, after)
            rows = await pool.fetch(sql, *args)
            ids = [uuid.UUID(item["id"]) for item in body["items"]]
            assert len(ids) == LIMIT, f"{case.name}: page {number} has {len(ids)} items"
            assert ids == [row["id"] for row in rows], f"{case.name}: page {number} differs"
            pages.append(Page(url, sql, args, ids))
            cursor, after = body["next_cursor"], (rows[-1]["created_at"], rows[-1]["id"])
            assert cursor, f"{case.name}: no page after {number}"
    return pages


def _baseline(case: Case, lib: Library, after: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """The bare statement for a page: the case's condition, after the previous page's last row."""
    where, args = f"org_id = $1 AND {case.where}", (lib.org.org_id, *case.args)
    if after:
        n = len(args) + 1
        where += f" AND (created_at < ${n} OR (created_at = ${n} AND id < ${n + 1}))"
        args = (*args, *after)
    return f"SELECT {COLUMNS} FROM content_items WHERE {where} {NEWEST_FIRST}", args


def _headers(principal: Principal) -> dict[str, str]:
    """The assertion the gateway signs for the content service (dev key, trusted by env=test)."""
    key = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)
    token = assertions.sign(key, principal=principal, audience="content", ttl_seconds=7200)
    return {"Authorization": f"Bearer {token}"}


async def _case(
    case: Case, pages: list[Page], pool: asyncpg.Pool, pid: int, lib: Library
) -> dict[str, Any]:
    """RUNS throughput runs and RUNS latency rounds per side, alternating which goes first."""
    headers = _headers(case.principal)
    await _ours_rate(pages, headers, pid, lib, seconds=2)  # warm: connections, caches, plans
    await _baseline_rate(pages, pool, lib, seconds=2)
    runs: dict[str, list[Sample]] = {"ours": [], "baseline": []}
    rounds: dict[str, list[Sample]] = {"ours": [], "baseline": []}
    for i in range(RUNS):
        for side in ("ours", "baseline") if i % 2 == 0 else ("baseline", "ours"):
            if side == "ours":
                runs[side].append(await _ours_rate(pages, headers, pid, lib, seconds=SECONDS))
                rounds[side].append(await _ours_latency(pages, headers))
            else:
                runs[side].append(await _baseline_rate(pages, pool, lib, seconds=SECONDS))
                rounds[side].append(await _baseline_latency(pages, pool))
    return _summary(runs, rounds) | {"explain_page_1": await _explain(pool, pages[0])}


async def _ours_rate(
    pages: list[Page], headers: dict[str, str], pid: int, lib: Library, *, seconds: int
) -> Sample:
    """CLIENTS hey clients spread over the pages, for `seconds`; CPU of the web process and PG."""
    share = [
        CLIENTS // len(pages) + (1 if i < CLIENTS % len(pages) else 0) for i in range(len(pages))
    ]
    before = await _cpu(lib, pid)
    loads = await asyncio.gather(
        *(
            hey.for_duration(page.url, headers, clients=n, seconds=seconds)
            for page, n in zip(pages, share, strict=True)
            if n
        )
    )
    spent = _spent(before, await _cpu(lib, pid))
    spent["client"] = sum(load.client_cpu_s for load in loads)
    for load in loads:
        if load.errors or set(load.statuses) != {200}:
            raise RuntimeError(f"statuses {load.statuses}, {load.errors} errors")
    requests = sum(load.requests for load in loads)
    rate = sum(load.rate for load in loads)
    return Sample(rate, [], {k: 1000 * v / requests for k, v in spent.items()})


async def _ours_latency(pages: list[Page], headers: dict[str, str]) -> Sample:
    """One client, LATENCY_REQUESTS requests split over the pages, each timed by hey."""
    latencies: list[float] = []
    for page in pages:
        load = await hey.count(
            page.url, headers, clients=1, requests=LATENCY_REQUESTS // len(pages)
        )
        if load.errors or set(load.statuses) != {200}:
            raise RuntimeError(f"statuses {load.statuses}, {load.errors} errors")
        latencies += load.latencies_s
    return Sample(0.0, latencies, {})


async def _baseline_rate(
    pages: list[Page], pool: asyncpg.Pool, lib: Library, *, seconds: int
) -> Sample:
    """CLIENTS connections each sending the pages' statements in turn, for `seconds`."""
    deadline = time.monotonic() + seconds
    done = [0] * CLIENTS

    async def client(i: int) -> None:
        async with pool.acquire() as connection:
            while time.monotonic() < deadline:
                page = pages[(i + done[i]) % len(pages)]
                rows = await connection.fetch(page.sql, *page.args)
                assert len(rows) == LIMIT
                done[i] += 1

    before = await _cpu(lib, os.getpid())
    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    elapsed = time.monotonic() - started
    spent = _spent(before, await _cpu(lib, os.getpid()))
    spent["client"] = spent.pop("service")  # the harness itself: asyncpg's side of the work
    requests = sum(done)
    cpu = {k: 1000 * v / requests for k, v in spent.items()}
    return Sample(requests / elapsed, [], cpu)


async def _baseline_latency(pages: list[Page], pool: asyncpg.Pool) -> Sample:
    """One connection, LATENCY_REQUESTS statements over the pages, each timed."""
    latencies: list[float] = []
    async with pool.acquire() as connection:
        for i in range(LATENCY_REQUESTS // len(pages) * len(pages)):
            page = pages[i % len(pages)]
            started = time.perf_counter()
            await connection.fetch(page.sql, *page.args)
            latencies.append(time.perf_counter() - started)
    return Sample(0.0, latencies, {})


async def _cpu(lib: Library, pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far, by pid: the serving process, the library's PostgreSQL backends."""
    return {
        "service": {pid: cpu_seconds(pid) or 0.0},
        "postgres": await backends_cpu(lib.database_url),
    }


def _spent(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
) -> dict[str, float]:
    # Keyed by pid: a backend that appeared during the run counts from zero.
    return {
        name: sum(s - before[name].get(pid, 0.0) for pid, s in after[name].items())
        for name in after
    }


async def _explain(pool: asyncpg.Pool, page: Page) -> dict[str, Any]:
    """The baseline statement's plan on page 1 (the service's condition is the same one)."""
    async with pool.acquire() as connection:
        plan = await connection.fetchval(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {page.sql}", *page.args
        )
    top = (plan if isinstance(plan, list) else json.loads(plan))[0]
    return {
        "planning_ms": round(top["Planning Time"], 2),
        "execution_ms": round(top["Execution Time"], 2),
        "plan": _nodes(top["Plan"]),
    }


def _nodes(node: dict[str, Any], depth: int = 0) -> list[str]:
    """The plan as indented lines: node type, relation/index, actual rows, time."""
    on = node.get("Index Name") or node.get("Relation Name") or ""
    backward = " backward" if node.get("Scan Direction") == "Backward" else ""
    removed = node.get("Rows Removed by Filter")
    line = (
        f"{'  ' * depth}{node['Node Type']}{backward}{' on ' + on if on else ''} "
        f"(rows={node.get('Actual Rows')}, loops={node.get('Actual Loops')}, "
        f"{node.get('Actual Total Time')} ms"
        f"{f', {removed} removed by filter' if removed else ''}"
        f"{', filter: full-text' if '@@' in node.get('Filter', '') else ''})"
    )
    return [line] + [n for child in node.get("Plans", []) for n in _nodes(child, depth + 1)]


def _summary(runs: dict[str, list[Sample]], rounds: dict[str, list[Sample]]) -> dict[str, Any]:
    """Medians of the runs (rates) and of the rounds' p50/p99 (ms), per side."""
    out: dict[str, Any] = {}
    for side, prefix in (("ours", ""), ("baseline", "baseline_")):
        out[f"{prefix}rate"] = round(median([r.rate for r in runs[side]]), 1)
        out[f"{prefix}rates"] = [round(r.rate, 1) for r in runs[side]]
        for q, name in ((0.5, "p50_ms"), (0.99, "p99_ms")):
            samples = [1000 * percentile(r.latencies_s, q) for r in rounds[side]]
            out[f"{prefix}{name}"] = round(median(samples), 2)
        out[f"{prefix}cpu_ms_per_request"] = {
            k: round(median([r.cpu_ms[k] for r in runs[side]]), 3) for k in runs[side][0].cpu_ms
        }
    out["ratio"] = round(out["rate"] / out["baseline_rate"], 3)
    return out


def _entry(
    results: dict[str, dict[str, Any]], lib: Library, *, goal_ms: float, setup: str
) -> dict[str, Any]:
    """The key's entry: the first case is the value; every case is kept under `cases`."""
    main = next(iter(results.values()))
    seeded = (
        f"seeded in {lib.seed_seconds:.0f} s"
        if lib.seed_seconds is not None
        else "kept seed reused"
    )
    return {
        "unit": "req/s",
        "value": round(main["rate"]),
        "baseline": round(main["baseline_rate"]),
        "ratio": main["ratio"],
        "p50_ms": main["p50_ms"],
        "p99_ms": main["p99_ms"],
        "baseline_p50_ms": main["baseline_p50_ms"],
        "baseline_p99_ms": main["baseline_p99_ms"],
        "goal": f"p99_ms < {goal_ms:.0f}",
        "goal_p99_ms": goal_ms,
        "runs": RUNS,
        "measured_at": now(),
        "setup": (
            f"{setup}; content web process (uvicorn, 1 worker) on {lib.items:,} items of one org "
            f"+ {content_seed.OTHER_ORG_ITEMS:,} of another ({seeded}); pages 1-{PAGES} of "
            f"{LIMIT}; hey: {CLIENTS} clients for {SECONDS} s per run (rates), 1 client for "
            f"{LATENCY_REQUESTS} requests per round (p50/p99); baseline: bare asyncpg, same "
            f"rows, same concurrency; sides alternating, median of {RUNS}"
        ),
        "case": next(iter(results)),
        "cases": results,
        "clients": CLIENTS,
        "seconds": SECONDS,
        "latency_requests": LATENCY_REQUESTS,
        "seed_seconds": lib.seed_seconds,
        "seed_steps_s": lib.steps,
        "seed_fingerprint": content_seed.fingerprint(),
    }
