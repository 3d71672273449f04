"""Feeds follow what happens to content after its publication: revisions and withdrawals.

A revision replaces the title and url of the item's feed rows, only where the row holds an older
revision: a replayed or reordered older event never overwrites a newer one.

A withdrawal (content.item.expired.v1: expired or archived) deletes the item's feed rows for the
record's sub-program and leaves a tombstone (`feed_withdrawals`, one row per org, item and
sub-program). We chose a tombstone table over a `withdrawn_at` column on the feed rows because
the rows are deleted (feeds and their queries stay as they were) and because a publication can
reach members who have no row yet: `fanout` consults the tombstones before inserting, so a
published event redelivered or replayed after the withdrawal puts nothing back. A tombstone only
outranks publications it is not older than (withdrawn_at >= published_at), so a genuine later
publication of the same item would still reach the feeds.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Table, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.models import FeedItem, FeedWithdrawal
from common import bulk
from common.events.contracts.content import ContentExpiredV1, ContentRevisedV1

WITHDRAWALS: Table = FeedWithdrawal.__table__  # type: ignore[attr-defined]

# (org_id, content_id, sub_program_id) -> when the item left that sub-program's feeds
Tombstones = dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], datetime]


async def apply_revisions(session: AsyncSession, *, events: Sequence[ContentRevisedV1]) -> int:
    """Replace title and url of the items' feed rows (their org only) if newer; rows changed.

    An item's records for its several targets carry the same revision: one UPDATE per item.
    """
    newest: dict[tuple[uuid.UUID, uuid.UUID], ContentRevisedV1] = {}
    for event in events:
        key = (event.org_id, event.content_id)
        if key not in newest or event.revision > newest[key].revision:
            newest[key] = event
    changed = 0
    for event in newest.values():
        result = await session.execute(
            update(FeedItem)
            .where(
                col(FeedItem.org_id) == event.org_id,
                col(FeedItem.content_id) == event.content_id,
                col(FeedItem.revision) < event.revision,
            )
            .values(title=event.title, url=event.url, revision=event.revision)
        )
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    return changed


async def withdraw(session: AsyncSession, *, events: Sequence[ContentExpiredV1]) -> int:
    """Drop each item from its sub-program's feeds (its org only), leave tombstones; rows gone."""
    removed = 0
    for event in events:
        query = delete(FeedItem).where(
            col(FeedItem.org_id) == event.org_id, col(FeedItem.content_id) == event.content_id
        )
        if event.sub_program_id is not None:
            query = query.where(col(FeedItem.sub_program_id) == event.sub_program_id)
        removed += int((await session.execute(query)).rowcount)  # type: ignore[attr-defined]
    await _leave_tombstones(session, events)
    return removed


async def tombstones(
    session: AsyncSession, *, org_ids: Iterable[uuid.UUID], content_ids: Iterable[uuid.UUID]
) -> Tombstones:
    """The withdrawals recorded for these items (one query for a whole batch)."""
    rows = await session.execute(
        select(
            FeedWithdrawal.org_id,
            FeedWithdrawal.content_id,
            FeedWithdrawal.sub_program_id,
            FeedWithdrawal.withdrawn_at,
        ).where(
            col(FeedWithdrawal.org_id).in_(set(org_ids)),
            col(FeedWithdrawal.content_id).in_(set(content_ids)),
        )
    )
    return {(org, content, sub): at for org, content, sub, at in rows.all()}


async def _leave_tombstones(session: AsyncSession, events: Sequence[ContentExpiredV1]) -> None:
    latest: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], ContentExpiredV1] = {}
    for event in events:
        # A record without its own target speaks for every target of the item.
        targets = [event.sub_program_id] if event.sub_program_id else event.sub_program_ids
        for sub_program_id in targets:
            key = (event.org_id, event.content_id, sub_program_id)
            if key not in latest or event.expired_at > latest[key].expired_at:
                latest[key] = event
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "org_id": org_id,
            "content_id": content_id,
            "sub_program_id": sub_program_id,
            "reason": event.reason[:16],
            "withdrawn_at": event.expired_at,
            "created_at": now,
        }
        for (org_id, content_id, sub_program_id), event in latest.items()
    ]
    # The statement's rows have distinct keys (a statement may not change one row twice).
    await bulk.upsert_rows(
        session,
        WITHDRAWALS,
        rows,
        key=("org_id", "content_id", "sub_program_id"),
        update=("reason", "withdrawn_at"),
        only_where="excluded.withdrawn_at > feed_withdrawals.withdrawn_at",
    )
