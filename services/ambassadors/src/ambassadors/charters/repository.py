"""Every charter query, scoped by organisation; publications and acceptances decided by SQL."""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from ambassadors.charters.models import Charter, CharterAcceptance
from ambassadors.models import Membership, SubProgram
from ambassadors.training import participation
from common import upsert
from common.pagination import PageParams, newest_first


class _ByPublication:
    """Keyset pagination orders on `created_at, id`: a version in force is ordered by its
    publication."""

    created_at = col(Charter.published_at)
    id = col(Charter.id)


async def get(session: AsyncSession, *, org_id: uuid.UUID, charter_id: uuid.UUID) -> Charter | None:
    """One version of this organisation, as stored now (even if an older copy is loaded)."""
    query = select(Charter).where(col(Charter.org_id) == org_id, col(Charter.id) == charter_id)
    result = await session.execute(query, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()


async def current(
    session: AsyncSession, *, org_id: uuid.UUID, scope_id: uuid.UUID, version: int | None = None
) -> Charter | None:
    """The version in force for a scope; with `version`, only if it is that one, and held
    (FOR SHARE) until the caller commits, so no publication replaces it meanwhile."""
    query = select(Charter).where(
        col(Charter.org_id) == org_id,
        col(Charter.scope_id) == scope_id,
        col(Charter.status) == "published",
    )
    if version is not None:
        query = query.where(col(Charter.version) == version).with_for_update(read=True)
    return (await session.execute(query)).scalar_one_or_none()


async def supersede(
    session: AsyncSession, *, scope_id: uuid.UUID, version: int, at: datetime
) -> Charter | None:
    """Retire the scope's version in force if it is still `version`; None otherwise."""
    statement = (
        update(Charter)
        .where(
            col(Charter.scope_id) == scope_id,
            col(Charter.status) == "published",
            col(Charter.version) == version,
        )
        .values(status="superseded", superseded_at=at)
        .returning(Charter)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    row: Charter | None = result.scalar_one_or_none()
    return row


async def publish_draft(
    session: AsyncSession, *, charter_id: uuid.UUID, version: int, by: uuid.UUID, at: datetime
) -> Charter | None:
    """Put a draft in force under `version`; None if it is no longer a draft. The scope's unique
    indexes refuse a second version in force or a number already taken."""
    statement = (
        update(Charter)
        .where(col(Charter.id) == charter_id, col(Charter.status) == "draft")
        .values(status="published", version=version, published_by=by, published_at=at)
        .returning(Charter)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    row: Charter | None = result.scalar_one_or_none()
    return row


async def list_charters(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    page: PageParams,
    scope_id: uuid.UUID | None,
    status: str | None,
    draft_scopes: Collection[uuid.UUID] | None,
) -> list[Charter]:
    """Versions of the organisation, newest first; drafts only of `draft_scopes` (None: all)."""
    query = select(Charter).where(col(Charter.org_id) == org_id)
    if scope_id is not None:
        query = query.where(col(Charter.scope_id) == scope_id)
    if status is not None:
        query = query.where(col(Charter.status) == status)
    if draft_scopes is not None:
        scopes = list(draft_scopes)
        query = query.where(
            or_(
                col(Charter.status) != "draft",
                col(Charter.scope_id).in_(scopes),
                col(Charter.program_id).in_(scopes),
            )
        )
    rows = await session.execute(newest_first(query, model=Charter, page=page))
    return list(rows.scalars().all())


async def add_acceptance(
    session: AsyncSession, *, acceptance: CharterAcceptance
) -> CharterAcceptance | None:
    """Record an acceptance; None if the person had already accepted that version."""
    return await upsert.insert_if_absent(
        session, acceptance, unique=["charter_id", "ambassador_id"]
    )


async def get_acceptance(
    session: AsyncSession, *, charter_id: uuid.UUID, ambassador_id: uuid.UUID
) -> CharterAcceptance | None:
    query = select(CharterAcceptance).where(
        col(CharterAcceptance.charter_id) == charter_id,
        col(CharterAcceptance.ambassador_id) == ambassador_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def unaccepted(
    session: AsyncSession, *, org_id: uuid.UUID, ambassador_id: uuid.UUID, sub_program_id: uuid.UUID
) -> list[Charter]:
    """Versions in force for a sub-program and its program that the ambassador has not accepted
    (one statement, through the current-version index and the acceptances' unique index)."""
    program = select(col(SubProgram.program_id)).where(
        col(SubProgram.org_id) == org_id, col(SubProgram.id) == sub_program_id
    )
    accepted = select(col(CharterAcceptance.id)).where(
        col(CharterAcceptance.charter_id) == col(Charter.id),
        col(CharterAcceptance.ambassador_id) == ambassador_id,
    )
    query = (
        select(Charter)
        .where(
            col(Charter.org_id) == org_id,
            col(Charter.status) == "published",
            or_(col(Charter.scope_id) == sub_program_id, col(Charter.scope_id).in_(program)),
            ~accepted.exists(),
        )
        .order_by(col(Charter.scope_type))
    )
    return list((await session.execute(query)).scalars().all())


async def in_force_for(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    ambassador_id: uuid.UUID | None,
    program_ids: Collection[uuid.UUID],
    page: PageParams,
    pending_only: bool,
) -> list[tuple[Charter, datetime | None, int | None]]:
    """Versions in force where the person takes part (their sub-programs, those sub-programs'
    programs, and `program_ids`), newest publication first, each with the person's acceptance
    of it and the latest version of that scope they accepted."""
    scopes: list[Any] = [col(Charter.scope_id).in_(list(program_ids))]
    accepted_at: Any = None
    last: Any = None
    query: Any = select(Charter)
    if ambassador_id is not None:
        subs = select(col(Membership.sub_program_id)).where(
            col(Membership.ambassador_id) == ambassador_id
        )
        programs = participation.member_programs(ambassador_id)
        scopes += [col(Charter.scope_id).in_(ids) for ids in (subs, *programs)]
        mine = (col(CharterAcceptance.charter_id) == col(Charter.id)) & (
            col(CharterAcceptance.ambassador_id) == ambassador_id
        )
        accepted_at = col(CharterAcceptance.accepted_at)
        earlier = aliased(CharterAcceptance)  # the outer query joins this table already
        last = (
            select(func.max(earlier.version))
            .where(earlier.ambassador_id == ambassador_id, earlier.scope_id == Charter.scope_id)
            .scalar_subquery()
        )
        query = select(Charter, accepted_at, last).outerjoin(CharterAcceptance, mine)
        if pending_only:
            query = query.where(col(CharterAcceptance.id).is_(None))
    query = query.where(
        col(Charter.org_id) == org_id, col(Charter.status) == "published", or_(*scopes)
    )
    rows = (await session.execute(newest_first(query, model=_ByPublication, page=page))).all()
    if ambassador_id is None:
        return [(row[0], None, None) for row in rows]
    return [(charter, at, version) for charter, at, version in rows]


async def in_force_of_scopes(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    scope_ids: Collection[uuid.UUID],
    ambassador_id: uuid.UUID | None,
) -> list[tuple[Charter, datetime | None]]:
    """The versions in force of these scopes, each with the person's acceptance of it."""
    query: Any = select(Charter, literal(None))
    if ambassador_id is not None:
        mine = (col(CharterAcceptance.charter_id) == col(Charter.id)) & (
            col(CharterAcceptance.ambassador_id) == ambassador_id
        )
        query = select(Charter, col(CharterAcceptance.accepted_at)).outerjoin(
            CharterAcceptance, mine
        )
    query = query.where(
        col(Charter.org_id) == org_id,
        col(Charter.status) == "published",
        col(Charter.scope_id).in_(list(scope_ids)),
    ).order_by(col(Charter.scope_type), col(Charter.published_at))
    return [(charter, at) for charter, at in (await session.execute(query)).all()]
