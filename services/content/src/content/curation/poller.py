"""The worker's feed poller (being built)."""

import asyncio

from common.db import Database
from common.heartbeat import Heartbeats
from common.settings import ServiceSettings


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Poll due feeds forever."""
    while True:
        heartbeats.beat("curation")
        await asyncio.sleep(5)
