"""Wakes the relay when another process commits outbox rows (PostgreSQL LISTEN/NOTIFY).

The web process writes the outbox; the relay runs in the worker. Without a signal the relay
would only notice new rows at its next poll (RELAY_POLL_SECONDS), which is the whole latency of
an approval reaching the feeds. A lost notification (connection dropped) costs at most one poll.
"""

import asyncio
import logging

import asyncpg
from sqlalchemy.engine import make_url

from common.db import OUTBOX_CHANNEL, Database, is_sqlite

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 2.0


async def listen(db: Database) -> None:
    """Set db.outbox_written on every notification, reconnecting until cancelled."""
    if is_sqlite(db.url):
        return  # one local process writes and relays: the in-process event is enough
    dsn = make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        connection: asyncpg.Connection | None = None
        try:
            connection = await asyncpg.connect(dsn)
            await connection.add_listener(OUTBOX_CHANNEL, lambda *_: db.outbox_written.set())
            db.outbox_written.set()  # rows may have arrived while we were not listening
            while not connection.is_closed():
                await asyncio.sleep(RECONNECT_SECONDS)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the poll covers us meanwhile
            log.debug("outbox listener disconnected", extra={"error": repr(exc)})
        finally:
            if connection is not None and not connection.is_closed():
                await connection.close()
        await asyncio.sleep(RECONNECT_SECONDS)
