"""Every api_keys query; all but introspection's are scoped by organisation."""

import uuid
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.api_keys.models import ApiKey
from common.pagination import PageParams, newest_first


async def get_key(session: AsyncSession, *, org_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
    """One key of this organisation."""
    query = select(ApiKey).where(ApiKey.org_id == org_id, ApiKey.id == key_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_keys(session: AsyncSession, *, org_id: uuid.UUID, page: PageParams) -> list[ApiKey]:
    """This organisation's keys, newest first (revoked and expired ones included)."""
    query = newest_first(select(ApiKey).where(ApiKey.org_id == org_id), model=ApiKey, page=page)
    return list((await session.execute(query)).scalars().all())


async def find_presented_key(session: AsyncSession, *, key_id: uuid.UUID) -> ApiKey | None:
    """The row a presented key names; any organisation (the secret is checked next)."""
    return (await session.execute(select(ApiKey).where(ApiKey.id == key_id))).scalar_one_or_none()


async def revoke(session: AsyncSession, *, key_id: uuid.UUID, at: datetime) -> bool:
    """Revoke in one statement; False when it already was (the first revocation time stays)."""
    statement = (
        update(ApiKey)
        .where(col(ApiKey.id) == key_id, col(ApiKey.revoked_at).is_(None))
        .values(revoked_at=at)
        .returning(col(ApiKey.id))
    )
    return (await session.execute(statement)).first() is not None


async def mark_used(
    session: AsyncSession, *, key_id: uuid.UUID, at: datetime, unless_since: datetime
) -> None:
    """Set last_used_at only when older than `unless_since`: a busy key writes once a minute."""
    await session.execute(
        update(ApiKey)
        .where(
            col(ApiKey.id) == key_id,
            or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < unless_since),
        )
        .values(last_used_at=at)
    )
