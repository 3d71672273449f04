"""Taking a person out of programs: their own opt-out of a whole program, leaving the company,
or erasure. One UPDATE ... RETURNING (program memberships) and one DELETE ... RETURNING
(sub-program memberships) decide what this call ended, so a twin call announces nothing twice.
"""

import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors import access_events
from ambassadors.membership import repository as members
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
    """End the ambassador's memberships of programs and sub-programs (of `program_ids`, or all)
    and remove the feed items they brought; tell each sub-program and program. Returns the
    programs they left."""
    now = datetime.now(UTC)
    # Programs first: a join racing this call waits on the program row, and its sub-program
    # membership is then visible to the DELETE below (or it re-joins after us).
    ended = await members.end_program_memberships(
        session, ambassador_id=ambassador.id, program_ids=program_ids, at=now
    )
    left: set[uuid.UUID] = {member.program_id for member in ended}
    subs = select(col(SubProgram.id), col(SubProgram.program_id)).where(
        col(SubProgram.org_id) == ambassador.org_id
    )
    if program_ids is not None:
        subs = subs.where(col(SubProgram.program_id).in_(list(program_ids)))
    program_of = {row.id: row.program_id for row in (await session.execute(subs)).all()}
    if not program_of:
        return _announce_left(session, ambassador, left, reason=reason, at=now, key=key)
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
    return _announce_left(session, ambassador, left, reason=reason, at=now, key=key)


def _announce_left(
    session: AsyncSession,
    ambassador: Ambassador,
    left: set[uuid.UUID],
    *,
    reason: Reason,
    at: datetime,
    key: uuid.UUID | None,
) -> set[uuid.UUID]:
    for program_id in sorted(left):
        events.ambassador_left(
            session,
            org_id=ambassador.org_id,
            program_id=program_id,
            ambassador_id=ambassador.id,
            user_id=ambassador.user_id,
            reason=reason,
            left_at=at,
            key=key or ambassador.id,
        )
    return left
