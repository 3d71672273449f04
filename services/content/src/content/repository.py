"""Every content query, always scoped by organisation."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common.pagination import PageParams, newest_first
from content.models import ContentItem, ContentStatus


async def get(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    visible: ColumnElement[bool],
) -> ContentItem | None:
    """One item of this organisation the caller sees, or None (hidden looks like missing)."""
    query = select(ContentItem).where(
        ContentItem.org_id == org_id, ContentItem.id == content_id, visible
    )
    return (await session.execute(query)).scalar_one_or_none()


async def publish_draft(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    approved_by: uuid.UUID,
    published_at: datetime,
) -> ContentItem | None:
    """Draft -> published in one conditional UPDATE; None if it is no longer a draft.

    The WHERE on status is what decides a race: of two concurrent approvals, PostgreSQL lets
    the second re-check it after the first commits, so exactly one gets the row back.
    """
    statement = (
        update(ContentItem)
        .where(
            col(ContentItem.id) == content_id,
            col(ContentItem.org_id) == org_id,
            col(ContentItem.status) == ContentStatus.draft,
        )
        .values(status=ContentStatus.published, approved_by=approved_by, published_at=published_at)
        .returning(ContentItem)
        # The row returned is the truth: refresh the copy the request already loaded.
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def list_recent(
    session: AsyncSession, *, org_id: uuid.UUID, visible: ColumnElement[bool], page: PageParams
) -> list[ContentItem]:
    """The items the caller sees, newest first, one page (plus one row telling if more exist).

    One statement: what the caller sees is a condition (subqueries on the access read model).
    """
    query = newest_first(
        select(ContentItem).where(ContentItem.org_id == org_id, visible),
        model=ContentItem,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())
