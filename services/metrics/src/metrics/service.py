"""Metrics rules: facts come from events; figures are labelled observed or estimated."""

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from common import bulk
from common.events.contracts.ambassadors import LinkClickedV1, ShareCreatedV1
from common.events.envelope import EventPayload
from metrics import erasure
from metrics.models import ClickFact, ShareFact
from metrics.repository import Totals
from metrics.schemas import Figure

SHARE_FACTS: Table = ShareFact.__table__  # type: ignore[attr-defined]
CLICK_FACTS: Table = ClickFact.__table__  # type: ignore[attr-defined]
REACH_METHOD = "sum of the sharers' declared audience sizes at share time"


async def record_shares(session: AsyncSession, *, events: Sequence[ShareCreatedV1]) -> None:
    """Keep each share as a fact (the inbox already dropped redeliveries); an erased person's
    late share is kept under no identity."""
    erased = await erasure.erased_among(
        session, pairs={(e.org_id, e.ambassador_id) for e in events}
    )
    if erased:
        events = [
            e.model_copy(update={"ambassador_id": erasure.ANONYMOUS})
            if (e.org_id, e.ambassador_id) in erased
            else e
            for e in events
        ]
    await _record(session, SHARE_FACTS, events)


async def record_clicks(session: AsyncSession, *, events: Sequence[LinkClickedV1]) -> None:
    """Keep each click as a fact."""
    await _record(session, CLICK_FACTS, events)


async def _record(session: AsyncSession, table: Table, events: Sequence[EventPayload]) -> None:
    # A fact is its event's fields named like the table's columns (the rest is not kept).
    columns = set(table.columns.keys())
    await bulk.insert_rows(session, table, [e.model_dump(include=columns) for e in events])


def figures(totals: Totals) -> dict[str, Figure]:
    """Label each total with how it is known."""
    return {
        "shares": Figure(value=totals.shares, basis="observed", method="shares recorded"),
        "clicks": Figure(value=totals.clicks, basis="observed", method="clicks on tracked links"),
        "potential_reach": Figure(
            value=totals.potential_reach, basis="estimated", method=REACH_METHOD
        ),
    }
