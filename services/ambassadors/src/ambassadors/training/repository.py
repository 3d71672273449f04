"""Every training query, scoped by organisation; completions and archiving decided by SQL."""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, literal, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.models import Program, SubProgram
from ambassadors.training.models import TrainingCompletion, TrainingModule
from common import upsert
from common.pagination import PageParams, newest_first

Module = col(TrainingModule.id)


async def lock_program(session: AsyncSession, *, program_id: uuid.UUID) -> None:
    """Hold the program row until commit: its additions are counted one at a time. NO KEY
    UPDATE: rows that merely reference the program (sub-programs, charters) are not held up."""
    query = (
        select(col(Program.id)).where(col(Program.id) == program_id).with_for_update(key_share=True)
    )
    await session.execute(query)


async def count_modules(session: AsyncSession, *, program_id: uuid.UUID) -> int:
    """Modules of the program in circulation."""
    query = select(func.count()).where(
        col(TrainingModule.program_id) == program_id, col(TrainingModule.archived_at).is_(None)
    )
    return int((await session.execute(query)).scalar_one())


async def get_module(
    session: AsyncSession, *, org_id: uuid.UUID, module_id: uuid.UUID, share_lock: bool = False
) -> TrainingModule | None:
    """One module of this organisation; `share_lock` holds it (FOR SHARE) until commit, so it
    is neither deleted nor archived under a completion being recorded."""
    query = select(TrainingModule).where(
        col(TrainingModule.org_id) == org_id, col(TrainingModule.id) == module_id
    )
    if share_lock:
        query = query.with_for_update(read=True)
    result = await session.execute(query, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()


async def update_module(
    session: AsyncSession, *, org_id: uuid.UUID, module_id: uuid.UUID, values: dict[str, Any]
) -> TrainingModule | None:
    """Change a module in circulation; None if it is archived (or gone)."""
    statement = (
        update(TrainingModule)
        .where(
            col(TrainingModule.org_id) == org_id,
            col(TrainingModule.id) == module_id,
            col(TrainingModule.archived_at).is_(None),
        )
        .values(**values)
        .returning(TrainingModule)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    row: TrainingModule | None = result.scalar_one_or_none()
    return row


async def delete_module(
    session: AsyncSession, *, org_id: uuid.UUID, module_id: uuid.UUID
) -> TrainingModule | None:
    """Delete a module nobody completed; None if someone did (or it is gone). A completion
    committed meanwhile makes the foreign key refuse the delete (IntegrityError)."""
    completed = select(col(TrainingCompletion.id)).where(
        col(TrainingCompletion.module_id) == module_id
    )
    statement = (
        delete(TrainingModule)
        .where(
            col(TrainingModule.org_id) == org_id,
            col(TrainingModule.id) == module_id,
            ~completed.exists(),
        )
        .returning(TrainingModule)
    )
    row: TrainingModule | None = (await session.execute(statement)).scalar_one_or_none()
    return row


async def archive_module(
    session: AsyncSession, *, org_id: uuid.UUID, module_id: uuid.UUID, at: datetime
) -> None:
    """Take a module out of circulation, keeping it for those who completed it."""
    await session.execute(
        update(TrainingModule)
        .where(
            col(TrainingModule.org_id) == org_id,
            col(TrainingModule.id) == module_id,
            col(TrainingModule.archived_at).is_(None),
        )
        .values(archived_at=at, updated_at=at)
    )


def _with_completion(ambassador_id: uuid.UUID | None) -> Any:
    """Modules with the person's completion time (None without an ambassador)."""
    if ambassador_id is None:
        return select(TrainingModule, literal(None).label("completed_at"))
    mine = (col(TrainingCompletion.module_id) == Module) & (
        col(TrainingCompletion.ambassador_id) == ambassador_id
    )
    return select(TrainingModule, col(TrainingCompletion.completed_at)).outerjoin(
        TrainingCompletion, mine
    )


async def list_modules(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    page: PageParams,
    program_id: uuid.UUID | None,
    include_archived: bool,
    ambassador_id: uuid.UUID | None,
) -> list[tuple[TrainingModule, datetime | None]]:
    """Modules of the organisation, newest first, with the person's completion of each."""
    query = _with_completion(ambassador_id).where(col(TrainingModule.org_id) == org_id)
    if program_id is not None:
        query = query.where(col(TrainingModule.program_id) == program_id)
    if not include_archived:
        query = query.where(col(TrainingModule.archived_at).is_(None))
    rows = await session.execute(newest_first(query, model=TrainingModule, page=page))
    return [(module, at) for module, at in rows.all()]


async def track(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    program_ids: Collection[uuid.UUID],
    ambassador_id: uuid.UUID | None,
    onboarding_only: bool = False,
) -> list[tuple[TrainingModule, datetime | None]]:
    """The modules in circulation of these programs in their order, with the person's
    completions (bounded: each program holds at most MAX_MODULES)."""
    query = _with_completion(ambassador_id).where(
        col(TrainingModule.org_id) == org_id,
        col(TrainingModule.program_id).in_(list(program_ids)),
        col(TrainingModule.archived_at).is_(None),
    )
    if onboarding_only:
        query = query.where(col(TrainingModule.part_of_onboarding).is_(True))
    query = query.order_by(col(TrainingModule.position), col(TrainingModule.created_at), Module)
    return [(module, at) for module, at in (await session.execute(query)).all()]


async def add_completion(
    session: AsyncSession, *, completion: TrainingCompletion
) -> TrainingCompletion | None:
    """Record a completion; None if the person had already completed the module."""
    return await upsert.insert_if_absent(session, completion, unique=["module_id", "ambassador_id"])


async def get_completion(
    session: AsyncSession, *, module_id: uuid.UUID, ambassador_id: uuid.UUID
) -> TrainingCompletion | None:
    query = select(TrainingCompletion).where(
        col(TrainingCompletion.module_id) == module_id,
        col(TrainingCompletion.ambassador_id) == ambassador_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def required_missing(
    session: AsyncSession, *, org_id: uuid.UUID, ambassador_id: uuid.UUID, sub_program_id: uuid.UUID
) -> list[TrainingModule]:
    """Required modules in circulation of the sub-program's program the ambassador has not
    completed, in their order (one statement)."""
    program = select(col(SubProgram.program_id)).where(
        col(SubProgram.org_id) == org_id, col(SubProgram.id) == sub_program_id
    )
    done = select(col(TrainingCompletion.id)).where(
        col(TrainingCompletion.module_id) == Module,
        col(TrainingCompletion.ambassador_id) == ambassador_id,
    )
    query = (
        select(TrainingModule)
        .where(
            col(TrainingModule.org_id) == org_id,
            col(TrainingModule.program_id).in_(program),
            col(TrainingModule.required).is_(True),
            col(TrainingModule.archived_at).is_(None),
            ~done.exists(),
        )
        .order_by(col(TrainingModule.position), col(TrainingModule.created_at), Module)
    )
    return list((await session.execute(query)).scalars().all())
