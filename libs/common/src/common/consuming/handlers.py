"""Handlers registered by event type: per event, or per batch of consecutive events of one type."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiokafka import ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncSession

from common import correlation
from common.events import registry
from common.events.envelope import Envelope, EventPayload

P = TypeVar("P", bound=EventPayload)


@dataclass(frozen=True)
class Delivery:
    """One decoded record: where it came from, its envelope and its validated payload."""

    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope
    payload: Any


Handler = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence[Delivery]], Awaitable[None]]


@dataclass
class Handlers:
    """What one consumer does with each event type; every handler runs in the batch transaction."""

    by_type: dict[str, BatchHandler] = field(default_factory=dict)

    def on(self, contract: type[P]) -> Callable[[Handler], Handler]:
        """Register a per-event handler (session, envelope, payload)."""

        def register(func: Handler) -> Handler:
            async def one_by_one(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
                for delivery in deliveries:
                    correlation.set_id(delivery.envelope.extensions.get("correlationid"))
                    await func(session, delivery.envelope, delivery.payload)
                correlation.set_id(None)

            self.by_type[contract.ce_type] = one_by_one
            return func

        return register

    def on_batch(self, contract: type[P]) -> Callable[[BatchHandler], BatchHandler]:
        """Register a set-based handler: it gets consecutive events of one type, in order."""

        def register(func: BatchHandler) -> BatchHandler:
            self.by_type[contract.ce_type] = func
            return func

        return register

    def topics(self) -> set[str]:
        """Topics carrying the registered types."""
        return {registry.CONTRACTS[t].topic for t in self.by_type}
