"""The staff's progress view of a program's training: who takes part, and how far they got."""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.models import Ambassador, Membership, SubProgram
from ambassadors.training.models import TrainingCompletion, TrainingModule
from common.pagination import PageParams, newest_first

Module = col(TrainingModule.id)


async def program_people(
    session: AsyncSession, *, org_id: uuid.UUID, program_id: uuid.UUID, page: PageParams
) -> list[Ambassador]:
    """Members of the program's sub-programs and anyone who completed one of its modules,
    newest ambassador first."""
    member = (
        select(col(Membership.id))
        .join(SubProgram, col(SubProgram.id) == col(Membership.sub_program_id))
        .where(
            col(Membership.ambassador_id) == col(Ambassador.id),
            col(SubProgram.program_id) == program_id,
        )
    )
    trained = select(col(TrainingCompletion.id)).where(
        col(TrainingCompletion.ambassador_id) == col(Ambassador.id),
        col(TrainingCompletion.program_id) == program_id,
    )
    query = select(Ambassador).where(
        col(Ambassador.org_id) == org_id, or_(member.exists(), trained.exists())
    )
    rows = await session.execute(newest_first(query, model=Ambassador, page=page))
    return list(rows.scalars().all())


def _required() -> Any:
    return func.coalesce(func.sum(case((col(TrainingModule.required), 1), else_=0)), 0)


async def program_totals(session: AsyncSession, *, program_id: uuid.UUID) -> tuple[int, int]:
    """(modules, required modules) of the program in circulation."""
    query = select(func.count(), _required()).where(
        col(TrainingModule.program_id) == program_id, col(TrainingModule.archived_at).is_(None)
    )
    total, required = (await session.execute(query)).one()
    return int(total), int(required)


async def completion_counts(
    session: AsyncSession, *, program_id: uuid.UUID, ambassador_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int, datetime | None]]:
    """Per ambassador: (completed, required completed, last completion) of the program's
    modules in circulation."""
    query = (
        select(
            col(TrainingCompletion.ambassador_id),
            func.count(),
            _required(),
            func.max(col(TrainingCompletion.completed_at)),
        )
        .join(TrainingModule, Module == col(TrainingCompletion.module_id))
        .where(
            col(TrainingCompletion.ambassador_id).in_(list(ambassador_ids)),
            col(TrainingModule.program_id) == program_id,
            col(TrainingModule.archived_at).is_(None),
        )
        .group_by(col(TrainingCompletion.ambassador_id))
    )
    rows = (await session.execute(query)).all()
    return {who: (int(done), int(required), last) for who, done, required, last in rows}
