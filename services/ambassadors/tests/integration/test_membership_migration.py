"""The membership migration makes today's sub-program members members of each program they
belong to (joined when they first joined one of its sub-programs): the invariant the new code
keeps — a sub-program member is a program member — holds for data written before it."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import text

from advocacy_testing.databases import create_database, drop_database
from ambassadors.migrate import MIGRATIONS
from common.db import Database
from common.migrations import alembic_config

BEFORE, MEMBERSHIP = "7a1d3c5e8f20", "2ebf407567a2"


async def test_sub_program_members_become_program_members(postgres_url: str) -> None:
    url = await create_database(postgres_url, prefix="mig_membership")
    config = alembic_config(migrations_dir=MIGRATIONS, database_url=url)
    org, program, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    subs = {uuid.uuid4(): program, uuid.uuid4(): program, uuid.uuid4(): other}
    ada, bob = uuid.uuid4(), uuid.uuid4()
    first = datetime(2026, 1, 1, tzinfo=UTC)
    joins = [(ada, list(subs)[0], first + timedelta(days=3)), (ada, list(subs)[1], first)]
    joins.append((bob, list(subs)[2], first))
    database = Database(url)
    try:
        await asyncio.to_thread(command.upgrade, config, BEFORE)
        async with database.transaction() as session:
            for program_id in (program, other):
                await session.execute(
                    text("INSERT INTO programs VALUES (:id, :org, 'P', :at)"),
                    {"id": program_id, "org": org, "at": first},
                )
            for sub_id, program_id in subs.items():
                await session.execute(
                    text(
                        "INSERT INTO sub_programs VALUES (:id, :org, :program, 'S', 'topic', :at)"
                    ),
                    {"id": sub_id, "org": org, "program": program_id, "at": first},
                )
            for ambassador_id in (ada, bob):
                await session.execute(
                    text("INSERT INTO ambassadors VALUES (:id, :org, :user, :at)"),
                    {"id": ambassador_id, "org": org, "user": uuid.uuid4(), "at": first},
                )
            for ambassador_id, sub_id, joined_at in joins:
                await session.execute(
                    text("INSERT INTO memberships VALUES (:id, :org, :sub, :ambassador, :at)"),
                    {
                        "id": uuid.uuid4(),
                        "org": org,
                        "sub": sub_id,
                        "ambassador": ambassador_id,
                        "at": joined_at,
                    },
                )

        await asyncio.to_thread(command.upgrade, config, MEMBERSHIP)

        async with database.transaction() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT ambassador_id, program_id, joined_at, left_at FROM program_members"
                    )
                )
            ).all()
        assert sorted(
            (r.ambassador_id, r.program_id, r.joined_at, r.left_at) for r in rows
        ) == sorted([(ada, program, first, None), (bob, other, first, None)])
    finally:
        await database.dispose()
        await drop_database(postgres_url, url)
