"""Curation queries: sources, their targets, the queue, and the poller's claims."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common import upsert
from common.pagination import PageParams, newest_first
from content.curation.feed import FeedEntry
from content.curation.links import normalise
from content.curation.models import (
    CurationEntry,
    CurationSource,
    CurationSourceTarget,
    EntryStatus,
    SourceStatus,
)
from content.targeting import Target

POLLED = (SourceStatus.ok, SourceStatus.failing)


async def get_source(
    session: AsyncSession, *, org_id: uuid.UUID, source_id: uuid.UUID
) -> CurationSource | None:
    """The organisation's source, or None."""
    query = select(CurationSource).where(
        col(CurationSource.org_id) == org_id, col(CurationSource.id) == source_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def sources(
    session: AsyncSession, *, org_id: uuid.UUID, visible: ColumnElement[bool], page: PageParams
) -> list[CurationSource]:
    """A page of the sources the caller sees, newest first."""
    query = select(CurationSource).where(col(CurationSource.org_id) == org_id, visible)
    return list(
        (await session.execute(newest_first(query, model=CurationSource, page=page))).scalars()
    )


async def target_ids(session: AsyncSession, *, source_id: uuid.UUID) -> list[uuid.UUID]:
    """The sub-programs a source aims at."""
    query = select(col(CurationSourceTarget.sub_program_id)).where(
        col(CurationSourceTarget.source_id) == source_id
    )
    return list((await session.execute(query)).scalars())


async def replace_targets(
    session: AsyncSession, *, source: CurationSource, targets: Sequence[Target]
) -> None:
    """The source now aims at exactly these sub-programs."""
    await session.execute(
        delete(CurationSourceTarget).where(col(CurationSourceTarget.source_id) == source.id)
    )
    session.add_all(
        CurationSourceTarget(
            source_id=source.id,
            sub_program_id=target.sub_program_id,
            program_id=target.program_id,
            org_id=source.org_id,
        )
        for target in targets
    )
    await session.flush()


async def delete_source(session: AsyncSession, *, source: CurationSource) -> None:
    """Remove the source, its targets and its undecided entries (decided ones stay as history)."""
    await session.execute(
        delete(CurationEntry).where(
            col(CurationEntry.org_id) == source.org_id,
            col(CurationEntry.source_id) == source.id,
            col(CurationEntry.status) == EntryStatus.pending,
        )
    )
    await session.execute(
        delete(CurationSourceTarget).where(col(CurationSourceTarget.source_id) == source.id)
    )
    await session.delete(source)
    await session.flush()


async def change_source(
    session: AsyncSession,
    *,
    source_id: uuid.UUID,
    only_if: ColumnElement[bool] | None = None,
    **values: Any,
) -> CurationSource | None:
    """Set these values on the source (if `only_if` holds now); the row as it is after."""
    statement = (
        update(CurationSource)
        .where(col(CurationSource.id) == source_id, *(() if only_if is None else (only_if,)))
        .values(**values)
        .returning(CurationSource)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def claim_due(
    session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int
) -> list[CurationSource]:
    """Take the sources due now by moving their next poll to `lease_until`, in one UPDATE.

    Of two pollers, only the one whose UPDATE moved a row gets it back; the other's re-checked
    WHERE no longer holds (SKIP LOCKED lets it pick other rows instead of waiting).
    """
    due = (col(CurationSource.status).in_(POLLED), col(CurationSource.next_poll_at) <= now)
    picked = (
        select(col(CurationSource.id))
        .where(*due)
        .order_by(col(CurationSource.next_poll_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(CurationSource)
        .where(col(CurationSource.id).in_(picked), *due)
        .values(next_poll_at=lease_until)
        .returning(CurationSource)
        .execution_options(synchronize_session=False)
    )
    return list((await session.execute(statement)).scalars())


async def add_entries(
    session: AsyncSession, *, source: CurationSource, entries: Sequence[FeedEntry], now: datetime
) -> int:
    """Queue the entries whose normalised link the organisation has not seen; how many were new."""
    rows: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = normalise(entry.link)
        rows.setdefault(key, _entry_row(source, entry, key=key, now=now))
    if not rows:
        return 0
    statement = (
        upsert.insert(session, CurationEntry)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["org_id", "link_key"])
        .returning(col(CurationEntry.id))
    )
    return len((await session.execute(statement)).all())


def _entry_row(
    source: CurationSource, entry: FeedEntry, *, key: str, now: datetime
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "org_id": source.org_id,
        "source_id": source.id,
        "title": entry.title,
        "link": entry.link,
        "link_key": key,
        "summary": entry.summary,
        "published_at": entry.published_at,
        "status": EntryStatus.pending,
        "created_at": now,
    }


async def get_entry(
    session: AsyncSession, *, org_id: uuid.UUID, entry_id: uuid.UUID
) -> CurationEntry | None:
    """The organisation's entry, or None."""
    query = select(CurationEntry).where(
        col(CurationEntry.org_id) == org_id, col(CurationEntry.id) == entry_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def entries(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    visible: ColumnElement[bool],
    status: EntryStatus | None,
    source_id: uuid.UUID | None,
    page: PageParams,
) -> list[CurationEntry]:
    """A page of the queue the caller sees, newest first, filtered."""
    query = select(CurationEntry).where(col(CurationEntry.org_id) == org_id, visible)
    if status is not None:
        query = query.where(col(CurationEntry.status) == status)
    if source_id is not None:
        query = query.where(col(CurationEntry.source_id) == source_id)
    return list(
        (await session.execute(newest_first(query, model=CurationEntry, page=page))).scalars()
    )


async def decide(
    session: AsyncSession, *, entry: CurationEntry, to_status: EntryStatus, **values: Any
) -> CurationEntry | None:
    """pending -> to_status; None if the entry was decided meanwhile (the race's loser)."""
    statement = (
        update(CurationEntry)
        .where(
            col(CurationEntry.id) == entry.id,
            col(CurationEntry.org_id) == entry.org_id,
            col(CurationEntry.status) == EntryStatus.pending,
        )
        .values(status=to_status, **values)
        .returning(CurationEntry)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()
