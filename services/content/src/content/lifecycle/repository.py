"""Lifecycle writes: every state change is one conditional UPDATE, so races are decided by SQL."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common.pagination import PageParams
from content.lifecycle.models import ReviewEntry
from content.models import ContentItem, ContentStatus


async def transition(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    from_statuses: Iterable[ContentStatus],
    to_status: ContentStatus,
    **values: Any,
) -> ContentItem | None:
    """from_statuses -> to_status with these values; None if the item is in none of them now.

    The WHERE on status decides a race: of two concurrent changes, PostgreSQL re-checks it for
    the second after the first commits, so exactly one gets the row back.
    """
    statement = (
        update(ContentItem)
        .where(
            col(ContentItem.id) == content_id,
            col(ContentItem.org_id) == org_id,
            col(ContentItem.status).in_(list(from_statuses)),
        )
        .values(status=to_status, **values)
        .returning(ContentItem)
        # The row returned is the truth: refresh the copy the request already loaded.
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def due(
    session: AsyncSession,
    *,
    from_status: ContentStatus,
    to_status: ContentStatus,
    moment: str,
    now: datetime,
    limit: int,
    **values: Any,
) -> list[ContentItem]:
    """Move every item whose `moment` (publish_at / expire_at) has come, in one UPDATE.

    Exactly once whatever the number of workers: a row changes status once, and only the
    statement that changed it gets it back (and stages its events in the same transaction).
    """
    moment_column = col(getattr(ContentItem, moment))
    picked = (
        select(col(ContentItem.id))
        .where(col(ContentItem.status) == from_status, moment_column <= now)
        .order_by(moment_column)
        .limit(limit)
    )
    statement = (
        update(ContentItem)
        .where(col(ContentItem.id).in_(picked), col(ContentItem.status) == from_status)
        .values(status=to_status, **values)
        .returning(ContentItem)
        .execution_options(synchronize_session=False)
    )
    return list((await session.execute(statement)).scalars())


async def add_entry(
    session: AsyncSession,
    *,
    item: ContentItem,
    author_id: uuid.UUID,
    kind: str,
    body: str | None,
    at: datetime,
) -> ReviewEntry:
    """Record a comment or a decision on the item."""
    entry = ReviewEntry(
        org_id=item.org_id,
        content_id=item.id,
        author_id=author_id,
        kind=kind,
        body=body,
        created_at=at,
    )
    session.add(entry)
    await session.flush()
    return entry


async def entries(
    session: AsyncSession, *, item: ContentItem, page: PageParams
) -> list[ReviewEntry]:
    """The item's review trail, oldest first (a conversation reads forwards)."""
    query = select(ReviewEntry).where(
        col(ReviewEntry.org_id) == item.org_id, col(ReviewEntry.content_id) == item.id
    )
    if page.after is not None:
        after_at, after_id = page.after
        query = query.where(
            (col(ReviewEntry.created_at) > after_at)
            | ((col(ReviewEntry.created_at) == after_at) & (col(ReviewEntry.id) > after_id))
        )
    query = query.order_by(col(ReviewEntry.created_at), col(ReviewEntry.id)).limit(page.limit + 1)
    return list((await session.execute(query)).scalars())
