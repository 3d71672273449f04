"""Events the metrics service consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.consumer import Handlers
from common.events.contracts.ambassadors import LinkClickedV1, ShareCreatedV1
from common.events.envelope import Envelope
from metrics import service

handlers = Handlers()


@handlers.on(ShareCreatedV1)
async def on_share_created(session: AsyncSession, envelope: Envelope, payload: Any) -> None:
    """Count the share and its potential reach."""
    service.record_share(session, event=payload)


@handlers.on(LinkClickedV1)
async def on_link_clicked(session: AsyncSession, envelope: Envelope, payload: Any) -> None:
    """Count the click."""
    service.record_click(session, event=payload)
