"""Metrics rules: facts come from events; figures are labelled observed or estimated."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.ambassadors import LinkClickedV1, ShareCreatedV1
from metrics.models import ClickFact, ShareFact
from metrics.repository import Totals
from metrics.schemas import Figure

REACH_METHOD = "sum of the sharers' declared audience sizes at share time"


def record_share(session: AsyncSession, *, event: ShareCreatedV1) -> None:
    """Keep the share as a fact."""
    session.add(
        ShareFact(
            share_id=event.share_id,
            org_id=event.org_id,
            content_id=event.content_id,
            sub_program_id=event.sub_program_id,
            ambassador_id=event.ambassador_id,
            network=event.network,
            audience_size=event.audience_size,
            created_at=event.created_at,
        )
    )


def record_click(session: AsyncSession, *, event: LinkClickedV1) -> None:
    """Keep the click as a fact."""
    session.add(
        ClickFact(
            click_id=event.click_id,
            org_id=event.org_id,
            share_id=event.share_id,
            content_id=event.content_id,
            network=event.network,
            clicked_at=event.clicked_at,
        )
    )


def figures(totals: Totals) -> dict[str, Figure]:
    """Label each total with how it is known."""
    return {
        "shares": Figure(value=totals.shares, basis="observed", method="shares recorded"),
        "clicks": Figure(value=totals.clicks, basis="observed", method="clicks on tracked links"),
        "potential_reach": Figure(
            value=totals.potential_reach, basis="estimated", method=REACH_METHOD
        ),
    }
