"""RESULTS.md's section for people.csv_import, written from its entry in results.json."""

from typing import Any

Entry = dict[str, Any]
GOAL_RATIO, GOAL_P99_MS = 0.25, 50.0


def met(e: Entry) -> bool:
    """The issue's goal, on the fields it names."""
    return bool(e["ratio"] >= GOAL_RATIO and e["api_p99_ms"] < GOAL_P99_MS)


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:,.0f}" for v in values)


def _profile(shares: dict[str, float] | None) -> str:
    if not shares:
        return "No profile: the goal was met (a profile is taken only when it is missed)."
    rows = [f"| {stage} | {share:.1f}% |" for stage, share in shares.items() if stage != "samples"]
    return "\n".join(
        [
            f"The worker process during one more (untimed) import, under py-spy "
            f"({shares['samples']:.0f} samples of its event loop, idle included):",
            "",
            "| stage | share |",
            "|---|---|",
            *rows,
        ]
    )


def _cpu(e: Entry) -> str:
    figures = e.get("cpu_ms_per_1k_rows") or {}
    if not figures:
        return ""
    rows = [f"| {who} | {ms:,.0f} ms |" for who, ms in figures.items()]
    return "\n".join(
        [
            "CPU per 1,000 rows (median of the runs; from /proc, over each side's timed window; "
            "ours: the whole worker process, its relay included, and every backend of the "
            "database, the API reader's too):",
            "",
            "| who | CPU / 1,000 rows |",
            "|---|---|",
            *rows,
        ]
    )


def _reading(e: Entry) -> str:
    """What the figures say, from the entry alone."""
    profile = e.get("profile") or {}
    lines = []
    cpu = e.get("cpu_ms_per_1k_rows") or {}
    worker = cpu.get("ours: worker process")
    copy_total = cpu.get("COPY: client (csv module, asyncpg)", 0) + cpu.get("COPY: PostgreSQL", 0)
    if worker and copy_total:
        lines.append(
            f"The worker process alone spends {worker / copy_total:.0f}x the CPU per row that "
            "the whole COPY does (client and server): the import is bound by the worker's "
            "Python, not by PostgreSQL."
        )
    if profile:
        events = profile.get("employee events staged (envelopes, one INSERT)", 0.0)
        relay = profile.get("outbox relay (Kafka)", 0.0)
        orm = profile.get("ORM objects from the rows (SQLAlchemy loading)", 0.0)
        lines.append(
            f"One `employee.synced` event per row costs twice: building its envelope and "
            f"staging it ({events:.0f}% of the worker's samples), then publishing it, which "
            f"the relay in the same process does while the import runs ({relay:.0f}%). "
            f"Turning the upsert's RETURNING rows into `Employee` objects, which the events "
            f"and departures are made from, takes {orm:.0f}%."
        )
    if e["api_idle_p99_ms"] >= GOAL_P99_MS:
        lines.append(
            f"The read's p99 is {e['api_idle_p99_ms']:.0f} ms with no import at all on this "
            "machine at the time of the run: the API goal could not be met by the import's "
            "code alone."
        )
    return " ".join(lines)


def section(e: Entry) -> str:
    """Figures, what and how, and where the time goes."""
    return f"""| path | rows/s (median) | runs | / COPY |
|---|---|---|---|
| CSV job: upload -> worker -> succeeded | {e["value"]:,.0f} | {_runs(e["values"])} | {e["ratio"]:.2f} |
| baseline: csv module + asyncpg COPY | {e["baseline"]:,.0f} | {_runs(e["baseline_values"])} | 1.00 |
| context: csv module + one INSERT ... SELECT FROM unnest | {e["insert_rows_per_s"]:,.0f} | {_runs(e["insert_values"])} | {e["insert_rows_per_s"] / e["baseline"]:.2f} |

| API read while importing (`GET /v1/employees?limit=20`) | p50 | p99 |
|---|---|---|
| during the import (median of the runs' p99: {_runs(e["api_p99_values_ms"])} ms) | {e["api_p50_ms"]:.1f} ms | {e["api_p99_ms"]:.1f} ms |
| no import running (200 requests) | {e["api_idle_p50_ms"]:.1f} ms | {e["api_idle_p99_ms"]:.1f} ms |

**What.** {e["rows"]:,} employees, every column filled, in one CSV file imported as a job: the
ambassadors web process takes the upload (header and rows checked, the file stored, the job
queued), the worker process leases the job and runs it in chunks of {e["chunk_rows"]:,} rows,
each one transaction: rows validated (`EmployeeRecord`), one `INSERT ... ON CONFLICT DO UPDATE
WHERE fingerprint differs` through `people.service.sync`, one `ambassadors.employee.synced.v1`
staged per employee in the outbox, the checkpoint moved. The clock is the job's own:
`finished_at - created_at` ({e["seconds"]:.1f} s at the median, of which {e["queued_s"]:.2f} s
waiting for the worker's next look; the upload itself took {e["upload_s"]:.2f} s and is not
counted).
**How.** The ambassadors web and worker processes as deployed (uvicorn; `python -m
ambassadors.worker` with its relay publishing the events to Kafka), on a database of their own.
Each run imports into a fresh organisation, so every row is a creation on both sides. The
baseline reads the same bytes with the csv module and COPYs the same rows into the same
`employees` table (its indexes and unique constraints maintained) with asyncpg; one `INSERT ...
SELECT FROM unnest(...)` of the same rows is shown for context. During each import one client
reads the organisation's people list, pausing 50 ms between requests ({_runs(e["api_requests"])}
requests per run). Sides alternate which goes first; medians of {e["runs"]}.
**Limits.** Two shared cores run PostgreSQL, Kafka, both service processes and the harness: the
worker, the relay and PostgreSQL compete for them, so absolute figures move with the machine's
load; the ratio is the figure to read. The baseline does much less by design: no validation,
no upsert (a second run of it would fail on the unique keys, where ours changes nothing), no
events, no per-row error report, no checkpoint.

### Where the time goes

{_cpu(e)}

{_profile(e.get("profile"))}

{_reading(e)}"""
