"""Metrics rules: facts come from events; figures are labelled observed or estimated."""

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from common import bulk
from common.events.contracts.ambassadors import LinkClickedV1, ShareCreatedV1
from metrics.models import ClickFact, ShareFact
from metrics.repository import Totals
from metrics.schemas import Figure

SHARE_FACTS: Table = ShareFact.__table__  # type: ignore[attr-defined]
CLICK_FACTS: Table = ClickFact.__table__  # type: ignore[attr-defined]
REACH_METHOD = "sum of the sharers' declared audience sizes at share time"


async def record_shares(session: AsyncSession, *, events: Sequence[ShareCreatedV1]) -> None:
    """Keep each share as a fact (the inbox already dropped redeliveries)."""
    rows = [
        {
            "share_id": e.share_id,
            "org_id": e.org_id,
            "content_id": e.content_id,
            "sub_program_id": e.sub_program_id,
            "ambassador_id": e.ambassador_id,
            "network": e.network,
            "audience_size": e.audience_size,
            "created_at": e.created_at,
        }
        for e in events
    ]
    await bulk.insert_rows(session, SHARE_FACTS, rows)


async def record_clicks(session: AsyncSession, *, events: Sequence[LinkClickedV1]) -> None:
    """Keep each click as a fact."""
    rows = [
        {
            "click_id": e.click_id,
            "org_id": e.org_id,
            "share_id": e.share_id,
            "content_id": e.content_id,
            "network": e.network,
            "clicked_at": e.clicked_at,
        }
        for e in events
    ]
    await bulk.insert_rows(session, CLICK_FACTS, rows)


def figures(totals: Totals) -> dict[str, Figure]:
    """Label each total with how it is known."""
    return {
        "shares": Figure(value=totals.shares, basis="observed", method="shares recorded"),
        "clicks": Figure(value=totals.clicks, basis="observed", method="clicks on tracked links"),
        "potential_reach": Figure(
            value=totals.potential_reach, basis="estimated", method=REACH_METHOD
        ),
    }
