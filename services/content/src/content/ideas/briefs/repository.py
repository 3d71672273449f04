"""Idea queries: one idea, a page of them, their targets."""

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Table, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common import bulk
from common.pagination import PageParams, newest_first
from content.ideas.briefs.models import Idea, IdeaTarget
from content.ideas.briefs.schemas import IdeaFilters
from content.targeting import Target

TARGETS: Table = IdeaTarget.__table__  # type: ignore[attr-defined]


async def get(
    session: AsyncSession, *, org_id: uuid.UUID, idea_id: uuid.UUID, visible: ColumnElement[bool]
) -> Idea | None:
    """One idea of this organisation the caller sees, or None (hidden looks like missing)."""
    query = select(Idea).where(col(Idea.org_id) == org_id, col(Idea.id) == idea_id, visible)
    return (await session.execute(query)).scalar_one_or_none()


async def page_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    visible: ColumnElement[bool],
    filters: IdeaFilters,
    page: PageParams,
) -> list[Idea]:
    """Ideas the caller sees, filtered, newest first (one more than the page, for the cursor)."""
    query = select(Idea).where(col(Idea.org_id) == org_id, visible)
    if filters.status is not None:
        query = query.where(col(Idea.status) == filters.status)
    if filters.campaign_id is not None:
        query = query.where(col(Idea.campaign_id) == filters.campaign_id)
    if filters.sub_program_id is not None:
        query = query.where(
            col(Idea.id).in_(
                select(col(IdeaTarget.idea_id)).where(
                    col(IdeaTarget.org_id) == org_id,
                    col(IdeaTarget.sub_program_id) == filters.sub_program_id,
                )
            )
        )
    paged = newest_first(query, model=Idea, page=page)
    return list((await session.execute(paged)).scalars())


async def targets_of(
    session: AsyncSession, *, idea_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Target]]:
    """The targets of these ideas in one query, each list sorted by sub-program id."""
    ids = list(idea_ids)
    found: dict[uuid.UUID, list[Target]] = {idea_id: [] for idea_id in ids}
    if not ids:
        return found
    rows = await session.execute(select(IdeaTarget).where(col(IdeaTarget.idea_id).in_(ids)))
    for row in rows.scalars():
        found[row.idea_id].append(Target(row.sub_program_id, row.program_id))
    for targets in found.values():
        targets.sort(key=lambda target: str(target.sub_program_id))
    return found


async def replace_targets(session: AsyncSession, *, idea: Idea, targets: Sequence[Target]) -> None:
    """The idea's targets become exactly these."""
    await session.execute(delete(IdeaTarget).where(col(IdeaTarget.idea_id) == idea.id))
    rows = [
        {
            "idea_id": idea.id,
            "sub_program_id": target.sub_program_id,
            "program_id": target.program_id,
            "org_id": idea.org_id,
        }
        for target in targets
    ]
    await bulk.insert_rows(session, TARGETS, rows)
