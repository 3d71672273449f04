"""Every policy query, scoped by organisation; versions, caps and spreading decided by SQL."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.models import SubProgram
from ambassadors.policies.models import DailyShareCount, ProgramPolicy, ShareSpread
from common import upsert


async def get_policy(
    session: AsyncSession, *, org_id: uuid.UUID, scope_id: uuid.UUID
) -> ProgramPolicy | None:
    """One level's own policy, if it has one."""
    query = select(ProgramPolicy).where(
        col(ProgramPolicy.org_id) == org_id, col(ProgramPolicy.scope_id) == scope_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def sub_program_levels(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_id: uuid.UUID
) -> tuple[uuid.UUID, ProgramPolicy | None, ProgramPolicy | None] | None:
    """(program id, the program's policy, the sub-program's policy) in one query; None when
    the sub-program is not this organisation's."""
    levels = col(ProgramPolicy.scope_id).in_([SubProgram.id, SubProgram.program_id])
    query = (
        select(col(SubProgram.program_id), ProgramPolicy)
        .outerjoin(ProgramPolicy, levels & (col(ProgramPolicy.org_id) == org_id))
        .where(col(SubProgram.org_id) == org_id, col(SubProgram.id) == sub_program_id)
    )
    rows = (await session.execute(query)).all()
    if not rows:
        return None
    program_id = rows[0][0]
    found = {row[1].scope_type: row[1] for row in rows if row[1] is not None}
    return program_id, found.get("program"), found.get("sub_program")


async def insert_policy(session: AsyncSession, *, row: ProgramPolicy) -> ProgramPolicy | None:
    """A level's first policy; None when a concurrent first write got there before."""
    return await upsert.insert_if_absent(session, row, unique=["scope_id"])


async def update_policy(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    scope_id: uuid.UUID,
    version: int,
    values: dict[str, Any],
) -> ProgramPolicy | None:
    """Replace a level's policy if it is still at `version`; None when it is not (stale)."""
    statement = (
        update(ProgramPolicy)
        .where(
            col(ProgramPolicy.org_id) == org_id,
            col(ProgramPolicy.scope_id) == scope_id,
            col(ProgramPolicy.version) == version,
        )
        .values(**values, version=col(ProgramPolicy.version) + 1)
        .returning(ProgramPolicy)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    row: ProgramPolicy | None = result.scalar_one_or_none()
    return row


async def count_share(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    ambassador_id: uuid.UUID,
    scope_id: uuid.UUID,
    day: date,
    cap: int,
    at: datetime,
) -> int | None:
    """Count one more share on the person's day if under `cap`: the new count, or None at the
    cap. The row lock makes concurrent shares of one person queue here, so K of N pass."""
    new = upsert.insert(session, DailyShareCount).values(
        org_id=org_id,
        ambassador_id=ambassador_id,
        scope_id=scope_id,
        day=day,
        count=1,
        updated_at=at,
    )
    statement = new.on_conflict_do_update(
        index_elements=["ambassador_id", "scope_id", "day"],
        set_={"count": DailyShareCount.count + 1, "updated_at": new.excluded.updated_at},
        where=col(DailyShareCount.count) < cap,
    ).returning(col(DailyShareCount.count))
    counted: int | None = (await session.execute(statement)).scalar_one_or_none()
    return counted


async def claim_spread(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    sub_program_id: uuid.UUID,
    content_id: uuid.UUID,
    network: str,
    at: datetime,
    next_share_at: datetime,
) -> bool:
    """Take the item's turn on the network if free at `at`, holding it until `next_share_at`."""
    new = upsert.insert(session, ShareSpread).values(
        org_id=org_id,
        sub_program_id=sub_program_id,
        content_id=content_id,
        network=network,
        next_share_at=next_share_at,
    )
    statement = new.on_conflict_do_update(
        index_elements=["sub_program_id", "content_id", "network"],
        set_={"next_share_at": new.excluded.next_share_at},
        where=col(ShareSpread.next_share_at) <= at,
    ).returning(col(ShareSpread.sub_program_id))
    return (await session.execute(statement)).first() is not None


async def spread_turn(
    session: AsyncSession, *, sub_program_id: uuid.UUID, content_id: uuid.UUID, network: str
) -> datetime | None:
    """When the item's next turn on the network comes."""
    query = select(col(ShareSpread.next_share_at)).where(
        col(ShareSpread.sub_program_id) == sub_program_id,
        col(ShareSpread.content_id) == content_id,
        col(ShareSpread.network) == network,
    )
    turn: datetime | None = (await session.execute(query)).scalar_one_or_none()
    return turn


async def prune(session: AsyncSession, *, before_day: date, before: datetime) -> tuple[int, int]:
    """Forget day counters older than `before_day` and turns that passed before `before`."""
    counts = await session.execute(
        delete(DailyShareCount).where(col(DailyShareCount.day) < before_day)
    )
    spreads = await session.execute(
        delete(ShareSpread).where(col(ShareSpread.next_share_at) < before)
    )
    return _rowcount(counts), _rowcount(spreads)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def person_counts(
    session: AsyncSession, *, org_id: uuid.UUID, ambassador_id: uuid.UUID
) -> list[DailyShareCount]:
    """One person's day counters (their export)."""
    query = select(DailyShareCount).where(
        col(DailyShareCount.org_id) == org_id,
        col(DailyShareCount.ambassador_id) == ambassador_id,
    )
    return list((await session.execute(query)).scalars().all())


async def erase_person(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    ambassador_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
) -> None:
    """Drop a person's day counters and their name on the policies they last wrote."""
    if ambassador_id is not None:
        await session.execute(
            delete(DailyShareCount).where(
                col(DailyShareCount.org_id) == org_id,
                col(DailyShareCount.ambassador_id) == ambassador_id,
            )
        )
    if user_id is not None:
        await session.execute(
            update(ProgramPolicy)
            .where(col(ProgramPolicy.org_id) == org_id, col(ProgramPolicy.updated_by) == user_id)
            .values(updated_by=None)
        )


async def policies_updated_by(
    session: AsyncSession, *, org_id: uuid.UUID, user_id: uuid.UUID
) -> list[ProgramPolicy]:
    """The policies a person wrote last (their export)."""
    query = select(ProgramPolicy).where(
        col(ProgramPolicy.org_id) == org_id, col(ProgramPolicy.updated_by) == user_id
    )
    return list((await session.execute(query)).scalars().all())
