"""Every content query, always scoped by organisation."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from common.pagination import PageParams, newest_first
from content.models import ContentItem


async def get(
    session: AsyncSession, *, org_id: uuid.UUID, content_id: uuid.UUID
) -> ContentItem | None:
    """One item of this organisation, or None (another org's id looks like a missing one)."""
    query = select(ContentItem).where(ContentItem.org_id == org_id, ContentItem.id == content_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_recent(
    session: AsyncSession, *, org_id: uuid.UUID, page: PageParams
) -> list[ContentItem]:
    """Newest first, one page (plus one row that tells whether another page exists)."""
    query = newest_first(
        select(ContentItem).where(ContentItem.org_id == org_id),
        model=ContentItem,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())
