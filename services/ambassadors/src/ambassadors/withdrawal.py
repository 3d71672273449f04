"""Taking a person out of programs: their own opt-out of a whole program, leaving the company,
or erasure. One DELETE ... RETURNING decides which memberships this call removed, so a twin
call announces nothing twice.
"""

import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors import access_events
from ambassadors.models import Ambassador, FeedItem, Membership, SubProgram
from ambassadors.people import events

Reason = Literal["opted_out", "employee_left", "erased"]


async def withdraw(
    session: AsyncSession,
    *,
    ambassador: Ambassador,
    reason: Reason,
    program_ids: Collection[uuid.UUID] | None = None,
    key: uuid.UUID | None = None,
) -> set[uuid.UUID]:
    """Remove the ambassador's memberships (of `program_ids`, or all) and the feed items they
    brought; tell each sub-program and program. Returns the programs they left."""
    subs = select(col(SubProgram.id), col(SubProgram.program_id)).where(
        col(SubProgram.org_id) == ambassador.org_id
    )
    if program_ids is not None:
        subs = subs.where(col(SubProgram.program_id).in_(list(program_ids)))
    program_of = {row.id: row.program_id for row in (await session.execute(subs)).all()}
    if not program_of:
        return set()
    removed = (
        (
            await session.execute(
                delete(Membership)
                .where(
                    col(Membership.ambassador_id) == ambassador.id,
                    col(Membership.sub_program_id).in_(list(program_of)),
                )
                .returning(Membership)
            )
        )
        .scalars()
        .all()
    )
    await session.execute(
        delete(FeedItem).where(
            col(FeedItem.ambassador_id) == ambassador.id,
            col(FeedItem.sub_program_id).in_(list(program_of)),
        )
    )
    now = datetime.now(UTC)
    left: set[uuid.UUID] = set()
    for membership in removed:
        program_id = program_of[membership.sub_program_id]
        left.add(program_id)
        access_events.membership_changed(
            session,
            membership,
            user_id=ambassador.user_id,
            program_id=program_id,
            change="left",
            changed_at=now,
        )
    for program_id in sorted(left):
        events.ambassador_left(
            session,
            org_id=ambassador.org_id,
            program_id=program_id,
            ambassador_id=ambassador.id,
            user_id=ambassador.user_id,
            reason=reason,
            left_at=now,
            key=key or ambassador.id,
        )
    return left
