"""Events the metrics service consumes: set-based, one multi-row INSERT per batch and type."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from common.consuming.handlers import Delivery, Handlers
from common.events.contracts.ambassadors import LinkClickedV1, ShareCreatedV1
from common.events.contracts.people import AmbassadorErasedV1
from metrics import erasure, service

handlers = Handlers()


@handlers.on_batch(ShareCreatedV1)
async def on_shares_created(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Count the shares and their potential reach."""
    await service.record_shares(session, events=[d.payload for d in deliveries])


@handlers.on_batch(LinkClickedV1)
async def on_links_clicked(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Count the clicks."""
    await service.record_clicks(session, events=[d.payload for d in deliveries])


@handlers.on_batch(AmbassadorErasedV1)
async def on_ambassador_erased(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Forget erased people's identities; their shares and clicks keep counting."""
    await erasure.forget(session, events=[d.payload for d in deliveries])
