"""Events the ambassadors service consumes."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import fanout, feed_updates
from ambassadors.people import hr_events
from ambassadors.team import moments
from common.consuming.handlers import Delivery, Handlers
from common.events.contracts.content import (
    CampaignScheduledV1,
    ContentExpiredV1,
    ContentPublishedV1,
    ContentRevisedV1,
)
from common.events.contracts.hr import EmployeeHiredV1, EmployeeLeftHRV1, EmployeeUpdatedV1
from common.events.envelope import Envelope

# Other content events (created, submitted, approved, ideas...) are not ours: the consumer
# skips types without a handler.
handlers = Handlers()


@handlers.on_batch(ContentPublishedV1)
async def on_content_published(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Fan the published items out to their sub-programs' feeds."""
    await fanout.offer_published_content(session, events=[d.payload for d in deliveries])


@handlers.on_batch(ContentRevisedV1)
async def on_content_revised(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Show the newest revision's title and url in the feeds holding the items."""
    await feed_updates.apply_revisions(session, events=[d.payload for d in deliveries])


@handlers.on_batch(ContentExpiredV1)
async def on_content_expired(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Take expired and archived items out of the feeds, for good."""
    await feed_updates.withdraw(session, events=[d.payload for d in deliveries])


@handlers.on(EmployeeHiredV1)
async def on_employee_hired(session: AsyncSession, _: Envelope, payload: EmployeeHiredV1) -> None:
    """HR hired someone: their employee record (and the onboarding offer)."""
    await hr_events.apply_record(session, payload)


@handlers.on(EmployeeUpdatedV1)
async def on_employee_updated(
    session: AsyncSession, _: Envelope, payload: EmployeeUpdatedV1
) -> None:
    """HR changed someone's record."""
    await hr_events.apply_record(session, payload)


@handlers.on(EmployeeLeftHRV1)
async def on_employee_left(session: AsyncSession, _: Envelope, payload: EmployeeLeftHRV1) -> None:
    """HR says someone left: deactivated at once everywhere."""
    await hr_events.apply_left(session, payload)


@handlers.on_batch(CampaignScheduledV1)
async def on_campaign_scheduled(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Content's calendar: each target sub-program's upcoming moments."""
    await moments.apply_campaigns(session, deliveries)
