"""A periodic loop survives its failures: infrastructure waited out, bugs logged, work logged."""

import asyncio
import logging

import pytest

from common.heartbeat import Heartbeats
from common.periodic import every


async def run_ticks(outcomes: list[object], heartbeats: Heartbeats) -> list[int]:
    """Run the loop over scripted tick outcomes (an exception is raised); which ticks ran."""
    ran: list[int] = []
    done = asyncio.Event()

    async def tick() -> dict[str, int]:
        if len(ran) == len(outcomes):
            await asyncio.Event().wait()  # the script is over: park until cancelled
        ran.append(len(ran))
        outcome = outcomes[len(ran) - 1]
        if len(ran) == len(outcomes):
            done.set()
        if isinstance(outcome, BaseException):
            raise outcome
        assert isinstance(outcome, dict)
        return outcome

    loop = asyncio.create_task(
        every(0, name="job", tick=tick, heartbeats=heartbeats, progress="job did work")
    )
    await asyncio.wait_for(done.wait(), timeout=5)
    await asyncio.sleep(0)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    return ran


async def test_a_failing_tick_never_stops_the_loop(caplog: pytest.LogCaptureFixture) -> None:
    heartbeats = Heartbeats()
    caplog.set_level(logging.INFO, logger="common.periodic")
    outcomes: list[object] = [
        ConnectionRefusedError("database away"),
        ZeroDivisionError("a bug"),
        {"done": 0},
        {"done": 3},
    ]

    ran = await run_ticks(outcomes, heartbeats)

    assert ran == [0, 1, 2, 3]
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert ("WARNING", "job waiting for the database") in messages
    assert ("ERROR", "job tick failed") in messages
    # Only the tick that did work is logged as progress, with its counts.
    progress = [r for r in caplog.records if r.getMessage() == "job did work"]
    assert len(progress) == 1 and progress[0].__dict__["done"] == 3
    assert "job" in heartbeats.beats


async def test_no_heartbeat_while_every_tick_fails() -> None:
    heartbeats = Heartbeats()

    await run_ticks([ConnectionRefusedError("away"), ZeroDivisionError("bug")], heartbeats)

    assert heartbeats.beats == {}
