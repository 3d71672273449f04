"""HTTP load from `hey` (github.com/rakyll/hey), a compiled client.

A Python client on this 2-core machine would spend as much CPU as the servers it measures and
time its own event loop; hey's cost per request is a fraction of theirs and is the same on both
sides of a comparison. `scripts/bench` builds it once with Go (pinned version) and exports
HEY_BIN; otherwise `hey` on PATH is used.
"""

import asyncio
import csv
import dataclasses
import io
import os
import re
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Load:
    """What hey reports of one run, and the CPU hey itself spent."""

    requests: int
    seconds: float
    statuses: dict[int, int]
    errors: int
    latencies_s: list[float]  # per request, 0.1 ms resolution (csv runs only)
    client_cpu_s: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def binary() -> Path:
    """hey's path: HEY_BIN (set by scripts/bench), else on PATH; a clear error otherwise."""
    found = os.environ.get("HEY_BIN") or shutil.which("hey")
    if not found or not Path(found).is_file():
        raise SystemExit(
            "gateway.hop needs the load generator hey: run `make bench ONLY=gateway.hop` "
            "(scripts/bench builds it with Go), or `go install github.com/rakyll/hey@v0.1.5` "
            "and put it on PATH or in HEY_BIN"
        )
    return Path(found)


async def for_duration(url: str, headers: dict[str, str], *, clients: int, seconds: int) -> Load:
    """`clients` keep-alive connections requesting as fast as answers come, for `seconds`."""
    args = ["-c", str(clients), "-z", f"{seconds}s"]
    return await asyncio.to_thread(_run, url, headers, args, per_request=False)


async def count(url: str, headers: dict[str, str], *, clients: int, requests: int) -> Load:
    """`requests` requests over `clients` connections, each one's latency kept."""
    args = ["-c", str(clients), "-n", str(requests), "-o", "csv"]
    load = await asyncio.to_thread(_run, url, headers, args, per_request=True)
    # Failed requests have no csv row (hey counts them apart): what is missing failed.
    return dataclasses.replace(load, errors=requests - load.requests)


def _run(url: str, headers: dict[str, str], args: list[str], *, per_request: bool) -> Load:
    command = [str(binary()), *args]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    # hey is the only child that ends while it runs: the children's CPU delta is its own.
    before = _children_cpu()
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    cpu = _children_cpu() - before
    if per_request:
        return _from_csv(done.stdout, cpu)
    return _from_summary(done.stdout, cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _from_summary(text: str, cpu: float) -> Load:
    total = re.search(r"Total:\s+([\d.]+) secs", text)
    if total is None:
        raise RuntimeError(f"hey printed no summary:\n{text}")
    statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", text)}
    _, _, error_lines = text.partition("Error distribution:")
    errors = sum(int(n) for n in re.findall(r"^\s*\[(\d+)\]\s", error_lines, re.MULTILINE))
    return Load(sum(statuses.values()), float(total[1]), statuses, errors, [], cpu)


def _from_csv(text: str, cpu: float) -> Load:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise RuntimeError(f"hey printed no rows:\n{text[:2000]}")
    latencies = [float(row["response-time"]) for row in rows]
    statuses: dict[int, int] = {}
    for row in rows:
        status = int(row["status-code"])
        statuses[status] = statuses.get(status, 0) + 1
    # The last request's start plus its duration: the run's length as hey's clock saw it.
    seconds = max(float(row["offset"]) + float(row["response-time"]) for row in rows)
    return Load(len(rows), seconds, statuses, 0, latencies, cpu)
