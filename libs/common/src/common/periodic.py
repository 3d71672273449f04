"""The shape every periodic worker loop shares: tick, beat, wait the database out, sleep.

A loop's own module keeps only its `tick` (one bounded, transactional step that is safe with
several workers at once); `every` runs it forever. Infrastructure trouble (database or network
away) is waited out and logged as a warning; a bug is logged with its traceback; neither stops
the loop, and the heartbeat tells the probe the loop is alive only after a tick that ran.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from common.failures import is_infrastructure
from common.heartbeat import Heartbeats

log = logging.getLogger(__name__)

# One step of work; returns counts worth logging when any is non-zero (e.g. {"erased": 3}).
Tick = Callable[[], Awaitable[Mapping[str, int] | None]]


async def every(
    seconds: float, *, name: str, tick: Tick, heartbeats: Heartbeats, progress: str
) -> None:
    """Run `tick` every `seconds` forever; `progress` is the log message of a tick that did work."""
    while True:
        try:
            counts = await tick()
            if counts and any(counts.values()):
                log.info(progress, extra=dict(counts))
            heartbeats.beat(name)
        except Exception as exc:
            if not is_infrastructure(exc):
                log.exception("%s tick failed", name)
            else:
                log.warning("%s waiting for the database", name, extra={"error": str(exc)})
        await asyncio.sleep(seconds)
