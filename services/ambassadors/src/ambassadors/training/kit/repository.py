"""Every kit query, scoped by organisation."""

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.training.models import KitResource
from common.pagination import PageParams, newest_first


async def count(session: AsyncSession, *, program_id: uuid.UUID) -> int:
    query = select(func.count()).where(col(KitResource.program_id) == program_id)
    return int((await session.execute(query)).scalar_one())


async def get(
    session: AsyncSession, *, org_id: uuid.UUID, resource_id: uuid.UUID
) -> KitResource | None:
    """One resource of this organisation."""
    query = select(KitResource).where(
        col(KitResource.org_id) == org_id, col(KitResource.id) == resource_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_resources(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    page: PageParams,
    program_id: uuid.UUID | None,
    kind: str | None,
) -> list[KitResource]:
    """Resources of the organisation, newest first."""
    query = select(KitResource).where(col(KitResource.org_id) == org_id)
    if program_id is not None:
        query = query.where(col(KitResource.program_id) == program_id)
    if kind is not None:
        query = query.where(col(KitResource.kind) == kind)
    rows = await session.execute(newest_first(query, model=KitResource, page=page))
    return list(rows.scalars().all())


async def of_programs(
    session: AsyncSession, *, org_id: uuid.UUID, program_ids: Collection[uuid.UUID]
) -> list[KitResource]:
    """The kits of these programs in their order (each holds at most MAX_RESOURCES)."""
    query = (
        select(KitResource)
        .where(
            col(KitResource.org_id) == org_id, col(KitResource.program_id).in_(list(program_ids))
        )
        .order_by(col(KitResource.position), col(KitResource.created_at), col(KitResource.id))
    )
    return list((await session.execute(query)).scalars().all())


async def update_resource(
    session: AsyncSession, *, org_id: uuid.UUID, resource_id: uuid.UUID, values: dict[str, Any]
) -> KitResource | None:
    """Change a resource; None if it is gone."""
    statement = (
        update(KitResource)
        .where(col(KitResource.org_id) == org_id, col(KitResource.id) == resource_id)
        .values(**values)
        .returning(KitResource)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    row: KitResource | None = result.scalar_one_or_none()
    return row


async def delete_resource(
    session: AsyncSession, *, org_id: uuid.UUID, resource_id: uuid.UUID
) -> KitResource | None:
    """Delete a resource in one statement; None if it was already gone."""
    statement = (
        delete(KitResource)
        .where(col(KitResource.org_id) == org_id, col(KitResource.id) == resource_id)
        .returning(KitResource)
    )
    row: KitResource | None = (await session.execute(statement)).scalar_one_or_none()
    return row
