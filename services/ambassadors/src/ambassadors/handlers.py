"""Events the ambassadors service consumes."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import fanout, feed_updates
from common.consuming.handlers import Delivery, Handlers
from common.events.contracts.content import (
    ContentExpiredV1,
    ContentPublishedV1,
    ContentRevisedV1,
)

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
