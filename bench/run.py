"""Runs the benchmarks (all, or `--only <key>[,<key>]`), records them, regenerates RESULTS.md.

    .venv/bin/python bench/run.py [--only backbone.ingest] [--render]

Each key's entry in bench/results.json is replaced by its new measurement; the others are kept.
Needs TEST_POSTGRES_URL and TEST_KAFKA_BOOTSTRAP (scripts/bench sets them).
"""

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

import content_library
import gateway_hop
import ingest
import latency
import people_import
import report
import throughput

Benchmark = Callable[[str, str], Awaitable[dict[str, Any]]]
BENCHMARKS: dict[str, Benchmark] = {
    "backbone.ingest": ingest.measure,
    "backbone.relay": throughput.measure,
    "backbone.approval_to_feed": latency.measure,
    "gateway.hop": gateway_hop.measure,
    "content.library_page": content_library.measure_page,
    "content.search": content_library.measure_search,
    "people.csv_import": people_import.measure,
}


async def main(keys: list[str]) -> None:
    postgres, kafka = os.environ["TEST_POSTGRES_URL"], os.environ["TEST_KAFKA_BOOTSTRAP"]
    for key in keys:
        print(f"== {key}", flush=True)
        entry = await BENCHMARKS[key](postgres, kafka)
        report.record(key, entry)  # saved at once: a later failure keeps this one
        print(report.summary(key, entry), flush=True)


def parse_keys(only: str | None) -> list[str]:
    """The keys to run, in the registry's order; an unknown key is an error."""
    if not only:
        return list(BENCHMARKS)
    keys = [k.strip() for k in only.split(",") if k.strip()]
    unknown = sorted(set(keys) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"unknown benchmark {unknown}; known: {', '.join(BENCHMARKS)}")
    return keys


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated keys (default: all)")
    parser.add_argument(
        "--render", action="store_true", help="only regenerate RESULTS.md from results.json"
    )
    args = parser.parse_args()
    if not args.render:
        asyncio.run(main(parse_keys(args.only)))
    report.render()
