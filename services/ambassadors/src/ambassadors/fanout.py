"""Fan-out of published content to the feeds of its sub-program's members, set-based."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from ambassadors import feed_updates
from ambassadors.models import FeedItem, Membership
from common import bulk
from common.events.contracts.content import ContentPublishedV1

FEED_ITEMS: Table = FeedItem.__table__  # type: ignore[attr-defined]


async def offer_published_content(
    session: AsyncSession, *, events: Sequence[ContentPublishedV1]
) -> int:
    """Put each item in the feed of every member of its sub-program (of its organisation only).

    One member query and one set-based INSERT per item. An item already in a feed keeps its row,
    refreshed only by a newer revision; an item withdrawn since (feed_updates) is not offered.
    """
    withdrawn = await feed_updates.tombstones(
        session, org_ids=[e.org_id for e in events], content_ids=[e.content_id for e in events]
    )
    offered = 0
    for event in events:
        gone_at = withdrawn.get((event.org_id, event.content_id, event.sub_program_id))
        if gone_at is not None and gone_at >= event.published_at:
            continue
        rows = _rows(event, await _members(session, event))
        await bulk.upsert_rows(
            session,
            FEED_ITEMS,
            rows,
            key=("ambassador_id", "content_id"),
            update=("title", "url", "revision"),
            only_where="excluded.revision > feed_items.revision",
        )
        offered += len(rows)
    return offered


async def _members(session: AsyncSession, event: ContentPublishedV1) -> list[uuid.UUID]:
    query = select(Membership.ambassador_id).where(
        Membership.org_id == event.org_id, Membership.sub_program_id == event.sub_program_id
    )
    return list((await session.execute(query)).scalars())


def _rows(event: ContentPublishedV1, members: Sequence[uuid.UUID]) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    return [
        {
            "id": uuid.uuid4(),
            "org_id": event.org_id,
            "ambassador_id": member,
            "content_id": event.content_id,
            "sub_program_id": event.sub_program_id,
            "kind": event.kind,
            "title": event.title,
            "url": event.url,
            "revision": event.revision,
            "created_at": now,
        }
        for member in members
    ]
