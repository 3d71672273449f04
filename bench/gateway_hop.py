"""gateway.hop: a feed read through the gateway against the same read straight at the service.

Both sides carry identity. Through the gateway, the IdP's token is verified (then cached), an
internal assertion is signed for the ambassadors service (then reused) and the service verifies
it; straight at the service, the same principal's assertion, signed with the development internal
key that env=test services trust, is verified the same way. The gateway's rate limiter stays on
with limits too high to refuse, so its cost is in the figure. The load comes from hey (hey.py).
"""

import asyncio
import os
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import hey
import hop_profile
import httpx
import measure as bench
from hop_report import GOAL_ADDED_P50_MS, GOAL_RATIO
from measure import LOG_DIR, engines, median, now, percentile
from profiling import backends_cpu, cpu_seconds

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack, running_stack
from common import assertions
from common.auth import Principal
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY
from gateway.config import Settings

CLIENTS = 50
# A shared 2-core machine: more, shorter runs than the default steady the medians.
RUNS = max(bench.RUNS, 5)
SECONDS = int(os.environ.get("BENCH_HOP_SECONDS", "10"))
LATENCY_REQUESTS = int(os.environ.get("BENCH_HOP_REQUESTS", "2000"))
WARM_UP_SECONDS = 3
FEED_ITEMS = 20
FEED = f"/v1/me/feed?limit={FEED_ITEMS}"
# Per minute, per credential and per IP: never reached, while every request is still counted.
RATE_LIMIT = 100_000_000
KEEPALIVE_EXPIRY_SECONDS = float(Settings.model_fields["upstream_keepalive_expiry_seconds"].default)
GATEWAY_ENV = {
    "GATEWAY_RATE_LIMIT_CREDENTIAL_PER_MINUTE": str(RATE_LIMIT),
    "GATEWAY_RATE_LIMIT_IP_PER_MINUTE": str(RATE_LIMIT),
}


@dataclass(frozen=True)
class Side:
    """One way to read the feed: its URL and its credential."""

    name: str
    url: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Processes:
    """The processes whose CPU is accounted: the gateway, the service, the service's database."""

    gateway_pid: int
    service_pid: int
    service_database: str


@dataclass(frozen=True)
class Run:
    """What hey saw, and the CPU each process on the path spent per request meanwhile (ms)."""

    load: hey.Load
    cpu_ms: dict[str, float]


async def measure(postgres: str, kafka: str) -> dict[str, Any]:
    """The gateway.hop entry: RUNS throughput runs and RUNS latency rounds per side, medians."""
    hey.binary()  # before the stack starts: a missing tool is the first thing said
    async with running_stack(postgres_url=postgres, kafka=kafka, gateway_env=GATEWAY_ENV) as stack:
        gateway, direct = await _sides(stack)
        processes = _processes(stack)
        for side in (direct, gateway):  # connections, caches and the database warm
            await hey.for_duration(side.url, side.headers, clients=CLIENTS, seconds=WARM_UP_SECONDS)
        rates = await _throughput(gateway, direct, processes)
        loaded = await _profile(gateway, processes.gateway_pid, clients=CLIENTS)
        # The gateway's pool keeps a connection per client until it has been idle this long:
        # one client is measured against a pool of one, not of CLIENTS.
        await asyncio.sleep(KEEPALIVE_EXPIRY_SECONDS + 1)
        latencies = await _latency(gateway, direct, processes)
        single = await _profile(gateway, processes.gateway_pid, clients=1)
    return _entry(rates, latencies, {CLIENTS: loaded, 1: single}, setup=await engines(postgres))


async def _sides(stack: Stack) -> tuple[Side, Side]:
    """Seed a feed of FEED_ITEMS published items; the same employee's two ways to read it."""
    tenant, employee_id = Tenant(), uuid.uuid4()
    admin, employee = tenant.headers(admin=True), tenant.headers(user_id=employee_id)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        sub_id = await new_sub_program(gw, tenant)
        member = {"network": "linkedin", "audience_size": 100}
        joined = await gw.post(f"/v1/sub-programs/{sub_id}/members", json=member, headers=employee)
        assert joined.status_code == 201, joined.text
        for i in range(FEED_ITEMS):
            draft = {"sub_program_id": sub_id, "title": f"item {i}", "url": "https://example.com"}
            created = await gw.post("/v1/content", json=draft, headers=admin)
            assert created.status_code == 201, created.text
            approved = await gw.post(f"/v1/content/{created.json()['id']}/approve", headers=admin)
            assert approved.status_code == 200, approved.text

        async def feed() -> httpx.Response:
            return await gw.get(FEED, headers=employee)

        await eventually(feed, lambda r: len(r.json().get("items", [])) == FEED_ITEMS)
    principal = Principal(user_id=employee_id, org_id=tenant.org_id, roles=frozenset({"employee"}))
    key = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)
    assertion = assertions.sign(key, principal=principal, audience="ambassadors", ttl_seconds=3600)
    gateway = Side("gateway", stack.gateway + FEED, employee)
    direct = Side(
        "direct",
        stack.services["ambassadors"].url + FEED,
        {"Authorization": f"Bearer {assertion}"},
    )
    await _same_answer(gateway, direct)
    return gateway, direct


async def _same_answer(gateway: Side, direct: Side) -> None:
    """Both sides read the same feed, and the gateway's limiter is on with our limit."""
    async with httpx.AsyncClient(timeout=10) as client:
        via = await client.get(gateway.url, headers=gateway.headers)
        straight = await client.get(direct.url, headers=direct.headers)
    assert via.status_code == straight.status_code == 200, (via.text, straight.text)
    assert via.json() == straight.json(), "the two sides read different feeds"
    assert len(via.json()["items"]) == FEED_ITEMS
    assert via.headers.get("ratelimit-limit") == str(RATE_LIMIT), dict(via.headers)


def _processes(stack: Stack) -> Processes:
    gateway, service = stack.services["gateway"].process, stack.services["ambassadors"].process
    assert gateway is not None and service is not None
    url = stack.services["ambassadors"].env["AMBASSADORS_DATABASE_URL"]
    return Processes(gateway.pid, service.pid, url)


async def _throughput(gateway: Side, direct: Side, p: Processes) -> dict[str, list[Run]]:
    """RUNS runs of CLIENTS clients for SECONDS per side, which goes first alternating."""
    runs: dict[str, list[Run]] = {"gateway": [], "direct": []}
    for i in range(RUNS):
        for side in (direct, gateway) if i % 2 == 0 else (gateway, direct):
            load = hey.for_duration(side.url, side.headers, clients=CLIENTS, seconds=SECONDS)
            runs[side.name].append(await _accounted(side, load, p))
    return runs


async def _latency(gateway: Side, direct: Side, p: Processes) -> dict[str, list[Run]]:
    """RUNS rounds of LATENCY_REQUESTS requests, one client, per side, alternating."""
    rounds: dict[str, list[Run]] = {"gateway": [], "direct": []}
    for i in range(RUNS):
        for side in (direct, gateway) if i % 2 == 0 else (gateway, direct):
            load = hey.count(side.url, side.headers, clients=1, requests=LATENCY_REQUESTS)
            rounds[side.name].append(await _accounted(side, load, p))
    return rounds


async def _accounted(side: Side, load: Awaitable[hey.Load], p: Processes) -> Run:
    before = await _cpu(p)
    done = await load
    after = await _cpu(p)
    _check(side, done)
    # Keyed by pid: a database backend that appeared during the run counts from zero.
    spent = {
        name: sum(s - before[name].get(pid, 0.0) for pid, s in after[name].items())
        for name in after
    }
    spent["client"] = done.client_cpu_s
    return Run(done, {name: 1000 * s / done.requests for name, s in spent.items()})


async def _cpu(p: Processes) -> dict[str, dict[int, float]]:
    """CPU seconds so far, by pid: the gateway, the service's web process, its DB backends."""
    return {
        "gateway": {p.gateway_pid: cpu_seconds(p.gateway_pid) or 0.0},
        "service": {p.service_pid: cpu_seconds(p.service_pid) or 0.0},
        "postgres": await backends_cpu(p.service_database),
    }


def _check(side: Side, load: hey.Load) -> None:
    # A run with refusals or failures measures something else than the feed read.
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"{side.name}: statuses {load.statuses}, {load.errors} errors")


async def _profile(gateway: Side, pid: int, *, clients: int) -> dict[str, float]:
    """One more, untimed gateway run under py-spy (sampling slows the process it samples)."""
    output = LOG_DIR / f"gateway-hop-{clients}.pyspy.txt"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    sampler = hop_profile.record(pid, output, SECONDS)
    if sampler is None:
        return {}
    await asyncio.sleep(0.5)  # py-spy attached before the load starts
    await hey.for_duration(gateway.url, gateway.headers, clients=clients, seconds=SECONDS + 1)
    await asyncio.to_thread(sampler.wait)
    return hop_profile.shares(output) if output.exists() else {}


def _entry(
    rates: dict[str, list[Run]],
    latencies: dict[str, list[Run]],
    profiles: dict[int, dict[str, float]],
    *,
    setup: str,
) -> dict[str, Any]:
    value, baseline = (median([r.load.rate for r in rates[s]]) for s in ("gateway", "direct"))
    p50, p99, b50, b99 = (
        round(1000 * median([percentile(r.load.latencies_s, q) for r in latencies[side]]), 2)
        for side, q in (("gateway", 0.5), ("gateway", 0.99), ("direct", 0.5), ("direct", 0.99))
    )
    return {
        "unit": "req/s",
        "value": round(value),
        "baseline": round(baseline),
        "ratio": round(value / baseline, 3),
        "p50_ms": p50,
        "p99_ms": p99,
        "baseline_p50_ms": b50,
        "baseline_p99_ms": b99,
        "added_p50_ms": round(p50 - b50, 2),
        "goal": f"ratio >= {GOAL_RATIO} and added_p50_ms <= {GOAL_ADDED_P50_MS}",
        "runs": RUNS,
        "measured_at": now(),
        "setup": (
            f"{setup}; gateway + 3 web + 3 worker processes; load from hey: {CLIENTS} clients "
            f"for {SECONDS} s per run, and 1 client for {LATENCY_REQUESTS:,} requests per "
            f"round; sides alternating, median of {RUNS}"
        ),
        "values": [round(r.load.rate) for r in rates["gateway"]],
        "baseline_values": [round(r.load.rate) for r in rates["direct"]],
        # CPU ms per request of each process on the path, medians of the runs.
        "cpu_ms_per_request": {
            f"{side}_{CLIENTS}_clients": _cpu_medians(rates[side]) for side in rates
        }
        | {f"{side}_1_client": _cpu_medians(latencies[side]) for side in latencies},
        "clients": CLIENTS,
        "seconds": SECONDS,
        "latency_requests": LATENCY_REQUESTS,
        "feed_items": FEED_ITEMS,
        "rate_limit_per_minute": RATE_LIMIT,
        "profile": profiles[CLIENTS],
        "profile_1_client": profiles[1],
    }


def _cpu_medians(runs: list[Run]) -> dict[str, float]:
    return {name: round(median([r.cpu_ms[name] for r in runs]), 3) for name in runs[0].cpu_ms}
