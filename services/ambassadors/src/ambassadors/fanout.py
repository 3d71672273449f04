"""Fan-out of published content to the feeds of its sub-program's members, set-based."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from ambassadors.models import FeedItem, Membership
from common import bulk
from common.events.contracts.content import ContentPublishedV1

FEED_ITEMS: Table = FeedItem.__table__  # type: ignore[attr-defined]


async def offer_published_content(
    session: AsyncSession, *, events: Sequence[ContentPublishedV1]
) -> int:
    """Put each item in the feed of every member of its sub-program (of its organisation only).

    One member query and one set-based INSERT per item; an item already in a feed stays as it is.
    """
    offered = 0
    now = datetime.now(UTC)
    for event in events:
        members = (
            await session.execute(
                select(Membership.ambassador_id).where(
                    Membership.org_id == event.org_id,
                    Membership.sub_program_id == event.sub_program_id,
                )
            )
        ).scalars()
        rows = [
            {
                "id": uuid.uuid4(),
                "org_id": event.org_id,
                "ambassador_id": member,
                "content_id": event.content_id,
                "sub_program_id": event.sub_program_id,
                "kind": event.kind,
                "title": event.title,
                "url": event.url,
                "created_at": now,
            }
            for member in members
        ]
        await bulk.insert_rows(
            session, FEED_ITEMS, rows, skip_conflicts_on=("ambassador_id", "content_id")
        )
        offered += len(rows)
    return offered
