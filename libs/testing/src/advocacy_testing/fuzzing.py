"""Schemathesis runs against the gateway's merged OpenAPI document, and what their reports say.

Each run is one `schemathesis run` process with one credential; its NDJSON report records every
request it sent (checks' own probes included), which is what the totals count.
"""

import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from advocacy_testing.processes import REPO

# The per-phase settings the command line cannot express (tests/e2e/schemathesis.toml).
CONFIG = REPO / "tests" / "e2e" / "schemathesis.toml"


@dataclass(frozen=True)
class FuzzRun:
    """One schemathesis process: who it is, which phases, how many examples per operation."""

    name: str
    authorization: str
    phases: str
    max_examples: int
    checks: str
    seed: int
    include_path_regex: str | None = None


@dataclass
class FuzzResult:
    """A finished run: its exit code, the tail of its output, and the requests it sent."""

    run: FuzzRun
    returncode: int
    output: str
    seconds: float
    requests_by_phase: Counter[str] = field(default_factory=Counter)
    requests_by_status: Counter[int] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.requests_by_phase.values())


def command(run: FuzzRun, *, openapi_url: str, report: Path) -> list[str]:
    """The schemathesis command line of a run, writing its NDJSON report to `report`."""
    selection = ["--include-path-regex", run.include_path_regex] if run.include_path_regex else []
    return [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color",
        "run", openapi_url,
        "--header", f"Authorization: {run.authorization}",
        "--checks", run.checks,
        "--phases", run.phases,
        "--mode", "all",
        "--max-examples", str(run.max_examples),
        "--seed", str(run.seed),
        "--generation-deterministic",
        "--report", "ndjson", "--report-ndjson-path", str(report),
        *selection,
    ]  # fmt: skip


async def fuzz(run: FuzzRun, *, gateway: str, report_dir: Path) -> FuzzResult:
    """Run schemathesis to completion and count the requests of its report."""
    report = report_dir / f"{run.name}.ndjson"
    started = time.monotonic()
    finished = await asyncio.to_thread(
        subprocess.run,
        command(run, openapi_url=f"{gateway}/openapi.json", report=report),
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    output = finished.stdout[-6000:] + finished.stderr[-2000:]
    result = FuzzResult(run, finished.returncode, output, time.monotonic() - started)
    if report.exists():
        count_requests(report, result)
    return result


def count_requests(report: Path, result: FuzzResult) -> None:
    """Add each scenario's recorded interactions (one per request sent) to the result's counts."""
    for line in report.read_text().splitlines():
        event = json.loads(line)
        scenario = event.get("ScenarioFinished")
        if scenario is None:
            continue
        interactions = scenario["recorder"].get("interactions", {}).values()
        for interaction in interactions:
            result.requests_by_phase[scenario["phase"]] += 1
            response = interaction.get("response") or {}
            result.requests_by_status[response.get("status_code", 0)] += 1
