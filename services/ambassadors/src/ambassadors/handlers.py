"""Events the ambassadors service consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import service
from common.consumer import Handlers
from common.events.contracts.content import ContentPublishedV1
from common.events.envelope import Envelope

handlers = Handlers()


@handlers.on(ContentPublishedV1)
async def on_content_published(session: AsyncSession, envelope: Envelope, payload: Any) -> None:
    """Fan the published item out to the sub-program's feeds."""
    await service.offer_published_content(session, event=payload)
