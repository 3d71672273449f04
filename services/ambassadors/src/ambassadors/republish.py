"""Operator command: announce the current access state again, through the outbox.

    python -m ambassadors.republish access [--org ORG_ID] [--batch-size N]

Stages ProgramCreatedV1 and SubProgramCreatedV1 for every program and sub-program,
MembershipChangedV1 "joined" for every membership and StaffRoleChangedV1 "granted" for every
grant (of one organisation with --org), built by the same stagers as the live changes
(ambassadors.access_events). For consumers that never saw them: state older than the events,
a lost record, a read model rebuilt from nothing. Runs beside live traffic.

Each event says when its row came to be (changed_at = joined_at / granted_at): a consumer that
orders by change time (content's read model) lets any later change win over it, so telling
the current state again can never undo a newer departure or revocation, whatever the timing.
Rows go in pages of --batch-size, one transaction each, in primary-key order.
"""

import argparse
import asyncio
import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors import access_events
from ambassadors.config import Settings
from ambassadors.models import Ambassador, Membership, Program, SubProgram
from ambassadors.staff.models import StaffGrant
from common import correlation
from common.db import Database

DEFAULT_BATCH = 500
MAX_BATCH = 10_000
Stage = Callable[[AsyncSession, Any], None]
Query = Select[*tuple[Any, ...]]


async def republish_access(
    db: Database, *, org_id: uuid.UUID | None, batch_size: int = DEFAULT_BATCH
) -> dict[str, int]:
    """Stage the access events of every current row; how many of each kind were staged."""
    kinds: tuple[tuple[str, Query, Any, Stage], ...] = (
        # Scopes first: a consumer may want to know a sub-program before its members.
        ("programs", select(Program), Program, _program),
        ("sub_programs", select(SubProgram), SubProgram, _sub_program),
        ("memberships", _memberships(), Membership, _membership),
        ("staff_grants", _grants(), StaffGrant, _grant),
    )
    staged = {}
    for name, query, table, stage in kinds:
        if org_id is not None:
            query = query.where(col(table.org_id) == org_id)
        staged[name] = await _in_pages(
            db, query, key=col(table.id), stage=stage, batch_size=batch_size
        )
    return staged


async def _in_pages(db: Database, query: Query, *, key: Any, stage: Stage, batch_size: int) -> int:
    # Keyset pages on the primary key: each page its own short transaction, so a large
    # organisation never holds one long transaction or one huge outbox commit.
    staged, after = 0, None
    while True:
        page = query.order_by(key).limit(batch_size)
        if after is not None:
            page = page.where(key > after)
        async with db.transaction() as session:
            rows = (await session.execute(page)).all()
            for row in rows:
                stage(session, row)
        staged += len(rows)
        if len(rows) < batch_size:
            return staged
        after = rows[-1][0].id


def _memberships() -> Select[Membership, uuid.UUID, uuid.UUID]:
    # The person behind the ambassador, and the program above the sub-program (a header).
    return (
        select(Membership, col(Ambassador.user_id), col(SubProgram.program_id))
        .join(Ambassador, col(Ambassador.id) == col(Membership.ambassador_id))
        .join(SubProgram, col(SubProgram.id) == col(Membership.sub_program_id))
    )


def _grants() -> Select[StaffGrant, uuid.UUID]:
    # A grant's program: its scope itself, or the program of its sub-program.
    on_sub_program = and_(
        col(StaffGrant.scope_type) == "sub_program", col(SubProgram.id) == col(StaffGrant.scope_id)
    )
    program_id = func.coalesce(col(SubProgram.program_id), col(StaffGrant.scope_id))
    return select(StaffGrant, program_id).outerjoin(SubProgram, on_sub_program)


def _program(session: AsyncSession, row: Any) -> None:
    access_events.program_created(session, row[0])


def _sub_program(session: AsyncSession, row: Any) -> None:
    access_events.sub_program_created(session, row[0])


def _membership(session: AsyncSession, row: Any) -> None:
    membership, user_id, program_id = row
    access_events.membership_changed(
        session,
        membership,
        user_id=user_id,
        program_id=program_id,
        change="joined",
        changed_at=membership.joined_at,
    )


def _grant(session: AsyncSession, row: Any) -> None:
    grant, program_id = row
    access_events.staff_role_changed(
        session, grant, program_id=program_id, change="granted", changed_at=grant.granted_at
    )


def _batch_size(value: str) -> int:
    size = int(value)
    if not 1 <= size <= MAX_BATCH:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_BATCH}")
    return size


async def _run(argv: Sequence[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="python -m ambassadors.republish")
    commands = parser.add_subparsers(dest="command", required=True)
    access = commands.add_parser("access", help="programs, sub-programs, memberships, grants")
    access.add_argument("--org", type=uuid.UUID, default=None, help="one organisation's only")
    access.add_argument("--batch-size", type=_batch_size, default=DEFAULT_BATCH)
    args = parser.parse_args(argv)
    # One correlation id on every staged event: the run can be traced through the consumers.
    run_id = f"republish-{uuid.uuid4().hex}"
    correlation.set_id(run_id)
    db = Database(settings.database_url)
    try:
        staged = await republish_access(db, org_id=args.org, batch_size=args.batch_size)
    finally:
        await db.dispose()
    line = {"correlation_id": run_id, "org_id": args.org, "staged": staged}
    sys.stdout.write(orjson.dumps(line, default=str).decode() + "\n")
    return 0


def main(argv: Sequence[str], settings: Settings) -> int:
    """Entry point: `python -m ambassadors.republish access [--org ORG_ID]`."""
    return asyncio.run(_run(argv, settings))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Settings()))
