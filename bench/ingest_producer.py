"""Offered load: share events at a fixed rate for a fixed time, from a process of its own.

Every 20 ms it sends what the schedule says is due (rate x elapsed - sent), so a slow tick is
caught up, never accumulated as a drift. Prints `{"sent": n, "seconds": s}` when done.

    python bench/ingest_producer.py --bootstrap H:P --topic T --rate 2000 --seconds 60
"""

import argparse
import asyncio
import json
import time

from events import bulk_producer, send, share_event

TICK_SECONDS = 0.02


async def offer(*, bootstrap: str, topic: str, rate: float, seconds: float) -> dict[str, float]:
    """Send `rate` events/s for `seconds`; returns what was sent and how long it took."""
    producer = bulk_producer(bootstrap)
    await producer.start()
    sent = 0
    try:
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(rate * elapsed) - sent
            if due > 0:
                await send(producer, topic, [share_event(sent + i) for i in range(due)])
                sent += due
            await asyncio.sleep(TICK_SECONDS)
        return {"sent": sent, "seconds": time.perf_counter() - started}
    finally:
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    done = asyncio.run(
        offer(bootstrap=args.bootstrap, topic=args.topic, rate=args.rate, seconds=args.seconds)
    )
    print(json.dumps(done))


if __name__ == "__main__":
    main()
