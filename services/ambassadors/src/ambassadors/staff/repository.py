"""Every staff-grant query, scoped by organisation; duplicates and revocations decided by SQL."""

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.staff.models import StaffGrant
from common import upsert
from common.pagination import PageParams, newest_first


class _ByGrantTime:
    """Keyset pagination orders on `created_at, id`: a grant's creation time is granted_at."""

    created_at = col(StaffGrant.granted_at)
    id = col(StaffGrant.id)


async def held_roles(
    session: AsyncSession, *, org_id: uuid.UUID, user_id: uuid.UUID
) -> list[tuple[str, uuid.UUID]]:
    """(role, scope id) of every grant a person holds, through ix_staff_grants_user."""
    query = select(col(StaffGrant.role), col(StaffGrant.scope_id)).where(
        col(StaffGrant.org_id) == org_id, col(StaffGrant.user_id) == user_id
    )
    return [(role, scope_id) for role, scope_id in (await session.execute(query)).all()]


async def add_grant(session: AsyncSession, *, grant: StaffGrant) -> StaffGrant | None:
    """Insert a grant; None if the person already holds that role on that scope."""
    return await upsert.insert_if_absent(session, grant, unique=["scope_id", "user_id", "role"])


async def revoke_grant(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    scope_id: uuid.UUID,
    grant_id: uuid.UUID,
    roles: Collection[str],
) -> StaffGrant | None:
    """Delete one grant of the scope in one statement, if its role is among `roles`.

    None when there is no such grant, a concurrent twin removed it, or its role is not one the
    caller may revoke.
    """
    statement = (
        delete(StaffGrant)
        .where(
            col(StaffGrant.org_id) == org_id,
            col(StaffGrant.scope_id) == scope_id,
            col(StaffGrant.id) == grant_id,
            col(StaffGrant.role).in_(list(roles)),
        )
        .returning(StaffGrant)
    )
    row: StaffGrant | None = (await session.execute(statement)).scalar_one_or_none()
    return row


async def get_grant(
    session: AsyncSession, *, org_id: uuid.UUID, scope_id: uuid.UUID, grant_id: uuid.UUID
) -> StaffGrant | None:
    """One grant of the scope."""
    query = select(StaffGrant).where(
        col(StaffGrant.org_id) == org_id,
        col(StaffGrant.scope_id) == scope_id,
        col(StaffGrant.id) == grant_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_scope_grants(
    session: AsyncSession, *, org_id: uuid.UUID, scope_id: uuid.UUID, page: PageParams
) -> list[StaffGrant]:
    """Grants on one program or sub-program, newest first."""
    return await _page(
        session,
        col(StaffGrant.org_id) == org_id,
        col(StaffGrant.scope_id) == scope_id,
        page=page,
    )


async def list_user_grants(
    session: AsyncSession, *, org_id: uuid.UUID, user_id: uuid.UUID, page: PageParams
) -> list[StaffGrant]:
    """Grants one person holds, newest first."""
    return await _page(
        session,
        col(StaffGrant.org_id) == org_id,
        col(StaffGrant.user_id) == user_id,
        page=page,
    )


async def _page(session: AsyncSession, *where: Any, page: PageParams) -> list[StaffGrant]:
    query = newest_first(select(StaffGrant).where(*where), model=_ByGrantTime, page=page)
    return list((await session.execute(query)).scalars().all())
