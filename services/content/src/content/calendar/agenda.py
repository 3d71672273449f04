"""The editorial calendar: what is coming for the caller in a window, in time order.

Three sources, each read in (moment, id) order after the cursor and merged: campaigns the caller
sees that overlap the window (not cancelled), items scheduled to be published in it, and items
of kind "event" whose details.starts_at falls in it. Items follow content's own visibility, so
an employee (who sees published items only) finds no scheduled item here, only events and
campaigns.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, String, case, cast, func, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common.auth import Principal
from common.db import UTCDateTime
from common.errors import InvalidInput
from common.pagination import PageParams
from content.access.visibility import visible_to
from content.calendar import keyset, repository
from content.calendar.access import campaign_visible_to
from content.calendar.models import Campaign, CampaignStatus
from content.calendar.schemas import CalendarEntry, EntryType
from content.models import ContentItem, ContentKind, ContentStatus

DEFAULT_SPAN = timedelta(weeks=8)
MAX_SPAN = timedelta(days=366)
# An event's own facts are kept while the item is in play; rejected or archived ones are done.
DONE = (ContentStatus.rejected, ContentStatus.archived)
TZ_SUFFIX = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
ISO_MOMENT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"


@dataclass(frozen=True)
class Window:
    """[start, end): what the calendar shows."""

    start: datetime
    end: datetime


def window(*, start: datetime | None, end: datetime | None, today: datetime) -> Window:
    """The asked window (default: today's start UTC to 8 weeks later); 422 naming the parameter."""
    if start is None:
        start = today.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = end if end is not None else start + DEFAULT_SPAN
    if end <= start:
        raise InvalidInput("to must be after from", field="to")
    if end - start > MAX_SPAN:
        raise InvalidInput("the window may not exceed 366 days", field="to")
    return Window(start, end)


async def entries(
    session: AsyncSession, *, principal: Principal, span: Window, page: PageParams
) -> tuple[list[CalendarEntry], str | None]:
    """One page of the caller's calendar and the cursor of the next."""
    visible_items = visible_to(principal)  # first: 403 for an API key without content:read
    sources = [
        await _campaigns(session, principal=principal, span=span, page=page),
        await _scheduled(session, principal=principal, visible=visible_items, span=span, page=page),
        await _events(session, principal=principal, visible=visible_items, span=span, page=page),
    ]
    return keyset.merge(sources, page=page)


async def _campaigns(
    session: AsyncSession, *, principal: Principal, span: Window, page: PageParams
) -> list[CalendarEntry]:
    query = select(Campaign).where(
        col(Campaign.org_id) == principal.org_id,
        col(Campaign.status) == CampaignStatus.scheduled,
        campaign_visible_to(principal),
        *repository.overlapping(start=span.start, end=span.end),
    )
    moment = col(Campaign.starts_at)
    paged = keyset.earliest_first(query, moment=moment, row_id=col(Campaign.id), page=page)
    return [
        CalendarEntry(
            type=EntryType.campaign,
            id=row.id,
            title=row.name,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            campaign_id=row.id,
        )
        for row in (await session.execute(paged)).scalars()
    ]


async def _scheduled(
    session: AsyncSession,
    *,
    principal: Principal,
    visible: ColumnElement[bool],
    span: Window,
    page: PageParams,
) -> list[CalendarEntry]:
    moment = col(ContentItem.publish_at)
    query = select(ContentItem).where(
        col(ContentItem.org_id) == principal.org_id,
        col(ContentItem.status) == ContentStatus.scheduled,
        moment >= span.start,
        moment < span.end,
        visible,
    )
    paged = keyset.earliest_first(query, moment=moment, row_id=col(ContentItem.id), page=page)
    return [
        _item_entry(EntryType.scheduled_content, row, starts_at=row.publish_at)
        for row in (await session.execute(paged)).scalars()
    ]


async def _events(
    session: AsyncSession,
    *,
    principal: Principal,
    visible: ColumnElement[bool],
    span: Window,
    page: PageParams,
) -> list[CalendarEntry]:
    moment = event_start(session.get_bind().dialect.name)
    query = select(ContentItem).where(
        col(ContentItem.org_id) == principal.org_id,
        col(ContentItem.kind) == ContentKind.event,
        col(ContentItem.status).not_in(DONE),
        moment >= span.start,
        moment < span.end,
        visible,
    )
    paged = keyset.earliest_first(query, moment=moment, row_id=col(ContentItem.id), page=page)
    return [
        _item_entry(
            EntryType.event,
            row,
            starts_at=_parse(row.details.get("starts_at")),
            ends_at=_parse(row.details.get("ends_at")),
        )
        for row in (await session.execute(paged)).scalars()
    ]


def event_start(dialect: str) -> ColumnElement[datetime]:
    """details.starts_at as a moment in SQL (NULL when absent or not an ISO 8601 date-time).

    Details keep what the client sent (any offset, or none: read as UTC), so the text is
    normalised in SQL; PostgreSQL's cast is guarded by a pattern so odd text never fails a query.
    """
    if dialect == "postgresql":
        text = ContentItem.__table__.c.details.op("->>")("starts_at")  # type: ignore[attr-defined]
        with_zone = cast(text, UTCDateTime(timezone=True))
        naive = func.timezone("UTC", cast(text, DateTime()))
        moment: ColumnElement[Any] = case(
            (text.op("~")(ISO_MOMENT + TZ_SUFFIX), with_zone),
            (text.op("~")(ISO_MOMENT + "$"), naive),
            else_=None,
        )
    else:  # SQLite: strftime reads the offset and answers in UTC, as DateTime columns store it
        raw = func.json_extract(ContentItem.__table__.c.details, "$.starts_at")  # type: ignore[attr-defined]
        moment = func.strftime("%Y-%m-%d %H:%M:%f000", raw, type_=String)
    return type_coerce(moment, UTCDateTime(timezone=True))


def _item_entry(
    kind: EntryType,
    row: ContentItem,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None = None,
) -> CalendarEntry:
    assert starts_at is not None  # the query kept rows with a moment only
    return CalendarEntry(
        type=kind,
        id=row.id,
        title=row.title,
        starts_at=starts_at,
        ends_at=ends_at,
        campaign_id=row.campaign_id,
    )


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Told in UTC like every other moment of the API, whatever offset the client wrote.
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
