"""Where the gateway's CPU goes on a proxied request: a py-spy profile by component.

Only samples where the gateway's main thread is on the CPU count (no `--idle`): the shares add up
to the process's busy time. Work the endpoint calls (the upstream client, identity, the proxy's
own code) is recognised anywhere in a sample's stack, most specific first; the layers that wrap
every request (uvicorn, middlewares, routing) own only the samples whose innermost owned frame is
theirs, so an answer written by uvicorn is uvicorn's even though every middleware is below it.
Samples whose only Python frame is the event loop's `run` are uvloop's own work in C: sockets,
the HTTP parser's callbacks, task switches.
"""

import subprocess
from collections import Counter
from pathlib import Path

from profiling import OTHER_THREADS, PY_SPY, SAMPLE_RATE

Component = tuple[str, tuple[str, ...]]
UPSTREAM = "upstream client (aiohttp forwarding; httpx + httpcore when they did): the rest of it"
# Called by the endpoint: a marker anywhere in the stack decides (first match wins).
CALLED: tuple[Component, ...] = (
    (
        "httpcore: `import sniffio` on every lock, failing (sniffio is not installed)",
        ("<frozen importlib", "current_async_library (httpcore/"),
    ),
    (
        "httpcore pool: every pooled connection's expiry checked per request (a poll each)",
        ("has_expired", "_assign_requests_to_connections", "_close_connections"),
    ),
    # httpx2/aiohttp: trial runs of other clients in the same gateway count here too.
    (UPSTREAM, ("httpx", "httpcore", "h11/", "aiohttp/", "yarl/", "gateway/retry.py")),
    (
        "FastAPI runs sync dependencies in the thread pool (hand-over and back)",
        ("run_in_threadpool", "anyio/to_thread.py"),
    ),
    (
        "identity: credential check, assertion (both cached)",
        ("gateway/identity/", "jwt/", "authenticate (gateway/dependencies.py"),
    ),
    ("proxy: header filters, target, relayed response", ("gateway/proxy.py", "gateway/router.py")),
)
# Wrapping every request: the innermost frame one of them owns decides.
LAYERS: tuple[Component, ...] = (
    (
        "metrics middleware + Prometheus",
        ("starlette/middleware/base.py", "common/metrics.py", "prometheus_client/"),
    ),
    (
        "front-door ASGI middlewares: hygiene, rate limit, security headers",
        ("gateway/hygiene.py", "gateway/ratelimit.py", "gateway/security.py"),
    ),
    (
        "common ASGI middlewares: correlation id, body size",
        ("common/correlation.py", "common/limits.py"),
    ),
    (
        "FastAPI/Starlette: routing, dependencies, request and response objects, middlewares",
        ("fastapi/", "starlette/", "pydantic"),
    ),
    ("uvicorn: HTTP protocol (httptools), ASGI cycle, proxy headers", ("uvicorn/",)),
    ("logging", ("logging/", "common/logging.py")),
)
EVENT_LOOP = "event loop (uvloop, in C: sockets, callbacks, task switches)"
OTHER = "other (standard library, asyncio glue)"
LOOP_FRAMES = ("run (uvloop", "Runner.run (", "run_until_complete (", "run (asyncio/runners.py")


def record(pid: int, output: Path, seconds: int) -> subprocess.Popen[bytes] | None:
    """Start sampling the process's on-CPU stacks for `seconds` (raw collapsed stacks)."""
    if not PY_SPY.exists():
        return None
    command = [str(PY_SPY), "record", "-p", str(pid), "-r", str(SAMPLE_RATE), "-f", "raw"]
    return subprocess.Popen(
        [*command, "-d", str(seconds), "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def shares(collapsed: Path) -> dict[str, float]:
    """Share (%) of on-CPU samples per component, plus `samples`; {} when nothing was sampled."""
    counts: Counter[str] = Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if any(t in stack for t in OTHER_THREADS):
            continue  # the thread pool's workers, seen waiting (py-spy's idle test misses them)
        counts[component(stack.split(";"))] += int(count)
    total = sum(counts.values())
    if not total:
        return {}
    result = {name: round(100 * n / total, 1) for name, n in counts.most_common()}
    result["samples"] = total
    return result


def component(frames: list[str]) -> str:
    """The component a sample's stack (outermost frame first) belongs to."""
    stack = ";".join(frames)
    for name, markers in CALLED:
        if any(marker in stack for marker in markers):
            return name
    for depth, frame in enumerate(reversed(frames)):
        if frame.startswith(LOOP_FRAMES):
            # Below the loop's run is start-up code (uvicorn's main), not this sample's owner.
            return EVENT_LOOP if depth == 0 else OTHER
        for name, markers in LAYERS:
            if any(marker in frame for marker in markers):
                return name
    return OTHER
