"""The moments read model: content's calendar, one row per campaign and target sub-program.

Content tells `content.campaign.scheduled.v1` once per target sub-program, keyed by the
campaign (one partition, in order), whenever a campaign is planned, moved or re-targeted; each
record lists every target (`sub_program_ids`). A record replaces its sub-program's row and
marks rows of sub-programs no longer targeted `removed`. Rows remember when content told them
(ce_time): a redelivered or replayed older record changes nothing, and one older than anything
held about the campaign is ignored whole, so it cannot bring back a target dropped since.

Content tells no cancellation and no date on published `event` items (ContentPublishedV1 has
none): those are not in this read model (docs/people/team.md).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.team import repository
from common.consuming.handlers import Delivery
from common.errors import InvalidInput
from common.events.contracts.content import CampaignScheduledV1

CAMPAIGN = "campaign"
DEFAULT_SPAN = timedelta(weeks=8)
MAX_SPAN = timedelta(days=366)


async def apply_campaigns(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Apply each campaign record in order (a batch holds consecutive records of the topic)."""
    for delivery in deliveries:
        event: CampaignScheduledV1 = delivery.payload
        if event.sub_program_id is None:
            continue  # every campaign record names its target; one that does not says nothing
        await _apply(session, event, told_at=delivery.envelope.time.astimezone(UTC))


async def _apply(session: AsyncSession, event: CampaignScheduledV1, *, told_at: datetime) -> None:
    assert event.sub_program_id is not None
    newest = await repository.newest_told(
        session, org_id=event.org_id, source=CAMPAIGN, source_id=event.campaign_id
    )
    if newest is not None and newest > told_at:
        return
    await repository.upsert_moment(
        session,
        {
            "id": uuid.uuid4(),
            "org_id": event.org_id,
            "sub_program_id": event.sub_program_id,
            "program_id": event.program_id,
            "source": CAMPAIGN,
            "source_id": event.campaign_id,
            "title": event.name[:200],
            "kind": event.kind[:32] if event.kind else None,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "status": "scheduled",
            "told_at": told_at,
            "updated_at": datetime.now(UTC),
        },
    )
    await repository.remove_other_targets(
        session,
        org_id=event.org_id,
        source=CAMPAIGN,
        source_id=event.campaign_id,
        keep=set(event.sub_program_ids) | {event.sub_program_id},
        told_at=told_at,
    )


@dataclass(frozen=True)
class Window:
    """[start, end): what a sub-program's page shows."""

    start: datetime
    end: datetime


def window(*, start: datetime | None, end: datetime | None, now: datetime) -> Window:
    """The asked window (default: today's start UTC to 8 weeks later); 422 naming the parameter."""
    if start is None:
        start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = _utc(start, field="from")
    end = _utc(end, field="to") if end is not None else _utc(start, field="from", plus=DEFAULT_SPAN)
    if end <= start:
        raise InvalidInput("to must be after from", field="to")
    if end - start > MAX_SPAN:
        raise InvalidInput("the window may not exceed 366 days", field="to")
    return Window(start, end)


def _utc(moment: datetime, *, field: str, plus: timedelta = timedelta(0)) -> datetime:
    # Years 1 and 9999 with an offset, or plus the default span, leave the calendar: a 422.
    try:
        return moment.astimezone(UTC) + plus
    except OverflowError as exc:
        raise InvalidInput("this moment falls outside the calendar", field=field) from exc
