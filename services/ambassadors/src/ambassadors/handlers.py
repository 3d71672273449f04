"""Events the ambassadors service consumes."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import fanout
from common.consuming.handlers import Delivery, Handlers
from common.events.contracts.content import ContentPublishedV1

handlers = Handlers()


@handlers.on_batch(ContentPublishedV1)
async def on_content_published(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Fan the published items out to their sub-programs' feeds."""
    await fanout.offer_published_content(session, events=[d.payload for d in deliveries])
