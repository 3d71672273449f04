"""The relay and the consumer outlive unreachable dependencies instead of dying silently."""

import asyncio
from collections.abc import Awaitable

from common.consuming.handlers import Handlers
from common.consuming.runner import ConsumerRunner
from common.db import Database
from common.events.contracts.content import ContentPublishedV1
from common.relay import OutboxRelay
from common.settings import ServiceSettings

# Port 1 on loopback: connections are refused at once, as when a server is down.
NOWHERE = ServiceSettings(
    database_url="postgresql+asyncpg://user:pass@127.0.0.1:1/none",
    kafka_bootstrap_servers="127.0.0.1:1",
)


async def still_running_after(work: Awaitable[None], seconds: float) -> bool:
    task = asyncio.ensure_future(work)
    await asyncio.sleep(seconds)
    alive = not task.done()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return alive


async def test_relay_keeps_retrying_when_database_and_kafka_are_down() -> None:
    db = Database(NOWHERE.database_url)
    relay = OutboxRelay(db=db, settings=NOWHERE)
    try:
        assert await still_running_after(relay.run(), 1.5)
    finally:
        await relay.stop()
        await db.dispose()


async def test_consumer_keeps_retrying_when_kafka_is_down() -> None:
    handlers = Handlers()

    @handlers.on(ContentPublishedV1)
    async def handle(*_: object) -> None:
        raise AssertionError("nothing can be consumed from an unreachable broker")

    db = Database(NOWHERE.database_url)
    runner = ConsumerRunner(name="probe", handlers=handlers, db=db, settings=NOWHERE)
    try:
        assert await still_running_after(runner.run(), 1.5)
    finally:
        await db.dispose()
