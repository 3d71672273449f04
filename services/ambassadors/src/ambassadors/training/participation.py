"""The programs a person takes part in: those of the sub-programs they are a member of, those
they trained in, and those they are invited to (an invitation is not a membership)."""

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership.models import Invitation, ProgramMember
from ambassadors.models import Membership, Program, SubProgram
from ambassadors.training.models import TrainingCompletion
from common.pagination import PageParams, newest_first

# Open invitations read per person (one per scope at most; far more than any real case).
MAX_INVITED = 500


def member_programs(ambassador_id: uuid.UUID) -> list[Any]:
    """Conditions on a program id: a program the ambassador joined (and has not left), or the
    program of one of their sub-programs."""
    subs = select(col(Membership.sub_program_id)).where(
        col(Membership.ambassador_id) == ambassador_id
    )
    joined = select(col(ProgramMember.program_id)).where(
        col(ProgramMember.ambassador_id) == ambassador_id, col(ProgramMember.left_at).is_(None)
    )
    via_subs = select(col(SubProgram.program_id)).where(col(SubProgram.id).in_(subs))
    return [joined, via_subs]


async def invited_programs(
    session: AsyncSession, *, org_id: uuid.UUID, employee_id: uuid.UUID | None
) -> list[uuid.UUID]:
    """Programs the person holds an open invitation to, whatever its reason (the membership
    room's invitations: a proposal, never a membership)."""
    if employee_id is None:
        return []
    query = (
        select(col(Invitation.program_id))
        .where(
            col(Invitation.org_id) == org_id,
            col(Invitation.employee_id) == employee_id,
            col(Invitation.status) == "open",
        )
        .distinct()
        .limit(MAX_INVITED)
    )
    return list((await session.execute(query)).scalars().all())


async def programs(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    ambassador_id: uuid.UUID | None,
    invited: Collection[uuid.UUID],
    page: PageParams,
    trained: bool = True,
) -> list[Program]:
    """The person's programs, newest first: member of, invited to, and (`trained`) those
    they completed a module of."""
    where: list[Any] = [col(Program.id).in_(list(invited))]
    if ambassador_id is not None:
        where += [col(Program.id).in_(ids) for ids in member_programs(ambassador_id)]
        if trained:
            done = select(col(TrainingCompletion.program_id)).where(
                col(TrainingCompletion.ambassador_id) == ambassador_id
            )
            where.append(col(Program.id).in_(done))
    query = select(Program).where(col(Program.org_id) == org_id, or_(*where))
    rows = await session.execute(newest_first(query, model=Program, page=page))
    return list(rows.scalars().all())


async def member_of(
    session: AsyncSession, *, ambassador_id: uuid.UUID | None, program_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these programs the ambassador is a member of."""
    if ambassador_id is None:
        return set()
    query = select(col(Program.id)).where(
        col(Program.id).in_(list(program_ids)),
        or_(*(col(Program.id).in_(ids) for ids in member_programs(ambassador_id))),
    )
    return set((await session.execute(query)).scalars().all())


async def member_sub_programs(
    session: AsyncSession, *, ambassador_id: uuid.UUID | None, program_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per program, the ids of its sub-programs the ambassador is a member of."""
    if ambassador_id is None:
        return {}
    query = (
        select(col(SubProgram.program_id), col(SubProgram.id))
        .join(Membership, col(Membership.sub_program_id) == col(SubProgram.id))
        .where(
            col(Membership.ambassador_id) == ambassador_id,
            col(SubProgram.program_id).in_(list(program_ids)),
        )
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for program_id, sub_id in (await session.execute(query)).all():
        found.setdefault(program_id, []).append(sub_id)
    return found
