"""Operator commands for an outbox: `python -m <service>.outbox list|requeue ID…|--all`.

`list` shows the rows the relay set aside (quarantined) with their error; `requeue` clears the
mark once the cause is fixed (topic created, size limit raised), so the relay sends them again.
"""

import argparse
import asyncio
import sys
from collections.abc import Sequence

import orjson
from sqlalchemy import Table, select, update
from sqlmodel import col

from common.db import Database
from common.outbox import OutboxMessage
from common.settings import ServiceSettings

LIST_LIMIT = 100
LISTED = ("id", "event_id", "event_type", "topic", "quarantined_at", "error")
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


async def quarantined(db: Database, *, limit: int = LIST_LIMIT) -> list[dict[str, object]]:
    """The oldest set-aside rows, without their payload."""
    async with db.transaction() as session:
        rows = await session.execute(
            select(*(OUTBOX.c[name] for name in LISTED))
            .where(col(OutboxMessage.quarantined_at).is_not(None))
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
        return [dict(row._mapping) for row in rows]


async def requeue(db: Database, *, ids: Sequence[int] | None) -> int:
    """Hand quarantined rows back to the relay (all of them when ids is None)."""
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.quarantined_at).is_not(None))
        .values(quarantined_at=None, error=None)
    )
    if ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(ids))
    async with db.transaction() as session:
        result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def _run(argv: Sequence[str], settings: ServiceSettings) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {settings.service_name}.outbox")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="rows set aside, oldest first (at most 100)")
    again = commands.add_parser("requeue", help="give rows back to the relay")
    again.add_argument("ids", nargs="*", type=int)
    again.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    db = Database(settings.database_url)
    try:
        if args.command == "list":
            for row in await quarantined(db):
                sys.stdout.write(orjson.dumps(row, default=str).decode() + "\n")
            return 0
        if not args.ids and not args.all:
            parser.error("requeue needs row ids or --all")
        count = await requeue(db, ids=None if args.all else args.ids)
        sys.stdout.write(orjson.dumps({"requeued": count}).decode() + "\n")
        return 0
    finally:
        await db.dispose()


def main(argv: Sequence[str], settings: ServiceSettings) -> int:
    """Entry point used by each service's `outbox` module."""
    return asyncio.run(_run(argv, settings))
