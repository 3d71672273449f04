"""Spotlight and moment queries, scoped by organisation; state changes decided by SQL."""

import uuid
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.models import Ambassador, Membership, Share
from ambassadors.people.models import Employee
from ambassadors.team.models import OPEN, Moment, Spotlight, SpotlightStatus
from common import upsert
from common.pagination import PageParams, newest_first

PAGE_SPOTLIGHTS = 10


async def membership(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_id: uuid.UUID, ambassador_id: uuid.UUID
) -> Membership | None:
    query = select(Membership).where(
        col(Membership.org_id) == org_id,
        col(Membership.sub_program_id) == sub_program_id,
        col(Membership.ambassador_id) == ambassador_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def share_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    sub_program_id: uuid.UUID,
    ambassador_id: uuid.UUID,
    share_id: uuid.UUID,
) -> Share | None:
    """The ambassador's share made in this sub-program, or None."""
    query = select(Share).where(
        col(Share.org_id) == org_id,
        col(Share.id) == share_id,
        col(Share.ambassador_id) == ambassador_id,
        col(Share.sub_program_id) == sub_program_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def user_of(session: AsyncSession, *, ambassador_id: uuid.UUID) -> uuid.UUID:
    """The sign-in id of an ambassador known to exist (a membership names them)."""
    query = select(col(Ambassador.user_id)).where(col(Ambassador.id) == ambassador_id)
    user_id: uuid.UUID = (await session.execute(query)).scalar_one()
    return user_id


async def insert_spotlight(session: AsyncSession, spotlight: Spotlight) -> Spotlight | None:
    """Insert; None when the share already has an open spotlight in the sub-program."""
    statement = (
        upsert.insert(session, Spotlight)
        .values(spotlight.model_dump())
        .on_conflict_do_nothing(index_elements=["sub_program_id", "share_id"], index_where=OPEN)
        .returning(Spotlight)
    )
    inserted: Spotlight | None = (await session.execute(statement)).scalar_one_or_none()
    return inserted


async def get_visible(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    spotlight_id: uuid.UUID,
    visible: ColumnElement[bool],
) -> Spotlight | None:
    query = select(Spotlight).where(
        col(Spotlight.org_id) == org_id, col(Spotlight.id) == spotlight_id, visible
    )
    return (await session.execute(query)).scalar_one_or_none()


async def move(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    spotlight_id: uuid.UUID,
    from_status: Collection[SpotlightStatus],
    about: uuid.UUID | None = None,
    **values: Any,
) -> Spotlight | None:
    """Change a spotlight still in one of `from_status` (and about `about`, if given); None when
    it is not (any more): of two concurrent moves, the second finds the first's status."""
    statement = update(Spotlight).where(
        col(Spotlight.org_id) == org_id,
        col(Spotlight.id) == spotlight_id,
        col(Spotlight.status).in_([str(s) for s in from_status]),
    )
    if about is not None:
        statement = statement.where(col(Spotlight.user_id) == about)
    result = await session.execute(
        statement.values(**values).returning(Spotlight),
        execution_options={"populate_existing": True},
    )
    moved: Spotlight | None = result.scalar_one_or_none()
    return moved


async def list_spotlights(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    where: Iterable[ColumnElement[bool]],
    page: PageParams,
) -> list[Spotlight]:
    """Spotlights matching every condition, newest first (one more row than the page)."""
    query = select(Spotlight).where(col(Spotlight.org_id) == org_id, *where)
    rows = await session.execute(newest_first(query, model=Spotlight, page=page))
    return list(rows.scalars().all())


async def latest_published(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_id: uuid.UUID
) -> list[Spotlight]:
    """The sub-program's latest published spotlights, for its page."""
    query = (
        select(Spotlight)
        .where(
            col(Spotlight.org_id) == org_id,
            col(Spotlight.sub_program_id) == sub_program_id,
            col(Spotlight.status) == SpotlightStatus.published,
        )
        .order_by(col(Spotlight.published_at).desc(), col(Spotlight.id).desc())
        .limit(PAGE_SPOTLIGHTS)
    )
    return list((await session.execute(query)).scalars().all())


async def names_of(
    session: AsyncSession, *, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    """The HR display names of these people, in one query."""
    if not user_ids:
        return {}
    query = select(col(Employee.user_id), col(Employee.display_name)).where(
        col(Employee.org_id) == org_id, col(Employee.user_id).in_(list(user_ids))
    )
    return {row.user_id: row.display_name for row in (await session.execute(query)).all()}


async def newest_told(
    session: AsyncSession, *, org_id: uuid.UUID, source: str, source_id: uuid.UUID
) -> datetime | None:
    """When content last told anything about this source (any of its sub-programs)."""
    query = select(func.max(col(Moment.told_at))).where(
        col(Moment.org_id) == org_id,
        col(Moment.source) == source,
        col(Moment.source_id) == source_id,
    )
    told: datetime | None = (await session.execute(query)).scalar_one()
    return told


async def upsert_moment(session: AsyncSession, row: dict[str, Any]) -> None:
    """Insert or replace a sub-program's moment, unless what is stored was told later.

    moments.py skips records older than anything held about their campaign; this WHERE is what
    decides when two transactions race on one row (a record and a dead letter replayed from the
    replay topic): the second waits for the first's row, then compares with what it wrote.
    """
    new = upsert.insert(session, Moment).values(row)
    stored = Moment.__table__.c  # type: ignore[attr-defined]
    changed = ("program_id", "title", "kind", "starts_at", "ends_at", "status", "told_at")
    await session.execute(
        new.on_conflict_do_update(
            index_elements=["org_id", "sub_program_id", "source", "source_id"],
            set_={name: new.excluded[name] for name in changed}
            | {"updated_at": new.excluded.updated_at},
            where=new.excluded.told_at > stored.told_at,
        )
    )


async def remove_other_targets(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    source: str,
    source_id: uuid.UUID,
    keep: Collection[uuid.UUID],
    told_at: datetime,
) -> None:
    """Mark the source's rows for sub-programs no longer targeted as removed (if older)."""
    await session.execute(
        update(Moment)
        .where(
            col(Moment.org_id) == org_id,
            col(Moment.source) == source,
            col(Moment.source_id) == source_id,
            col(Moment.sub_program_id).not_in(list(keep)),
            col(Moment.told_at) < told_at,
        )
        .values(status="removed", told_at=told_at, updated_at=told_at)
    )


async def moments_page(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    sub_program_id: uuid.UUID,
    start: datetime,
    end: datetime,
    page: PageParams,
) -> list[Moment]:
    """Scheduled moments overlapping [start, end), earliest first after the cursor."""
    ends = func.coalesce(col(Moment.ends_at), col(Moment.starts_at))
    query = select(Moment).where(
        col(Moment.org_id) == org_id,
        col(Moment.sub_program_id) == sub_program_id,
        col(Moment.status) == "scheduled",
        col(Moment.starts_at) < end,
        ends >= start,
    )
    if page.after is not None:
        after_at, after_id = page.after
        query = query.where(
            or_(
                col(Moment.starts_at) > after_at,
                and_(col(Moment.starts_at) == after_at, col(Moment.id) > after_id),
            )
        )
    query = query.order_by(col(Moment.starts_at), col(Moment.id)).limit(page.limit + 1)
    return list((await session.execute(query)).scalars().all())
