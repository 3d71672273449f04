"""Consumer runner: at-least-once delivery made exactly-once in effect by the inbox."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from common import correlation, inbox
from common.db import Database
from common.events import registry
from common.events.envelope import Envelope, EventPayload, MalformedEvent
from common.metrics import CONSUMER_LAG, EVENTS_CONSUMED
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
P = TypeVar("P", bound=EventPayload)
Handler = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
# Infrastructure failures are waited out (never dead-lettered): the event is fine, we are not.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError)
MAX_TRANSIENT_BACKOFF = 5.0


@dataclass
class Handlers:
    """Handlers registered by event type: plain async functions (session, envelope, payload)."""

    by_type: dict[str, Handler] = field(default_factory=dict)

    def on(self, contract: type[P]) -> Callable[[Handler], Handler]:
        """Decorator registering a handler for one contract."""

        def register(func: Handler) -> Handler:
            self.by_type[contract.ce_type] = func
            return func

        return register

    def topics(self) -> set[str]:
        """Topics carrying the registered types."""
        return {registry.CONTRACTS[t].topic for t in self.by_type}


class ConsumerRunner:
    """One consumer group; commits offsets only after each handler's transaction."""

    def __init__(
        self, *, name: str, handlers: Handlers, db: Database, settings: ServiceSettings
    ) -> None:
        self.name = name
        self.handlers = handlers
        self.db = db
        self.settings = settings
        self.group_id = settings.topic(name)
        self.dead_letter_topic = settings.topic(f"{name}.dlt")
        self._committed: dict[TopicPartition, int] = {}

    async def run(self) -> None:
        """Consume until cancelled; reconnects when Kafka goes away."""
        while True:
            try:
                await self._consume()
            except Exception as exc:  # noqa: BLE001 - never die: uncommitted records come back
                log.warning("consumer stopped, restarting", extra={"error": repr(exc)})
                await asyncio.sleep(1.0)

    async def _consume(self) -> None:
        topics = sorted(self.settings.topic(t) for t in self.handlers.topics())
        consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group_id,
            client_id=f"{self.settings.service_name}-{self.name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_idempotence=True,
            acks="all",
        )
        await consumer.start()
        try:
            await producer.start()
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=200)
                for tp, records in batches.items():
                    for record in records:
                        await self.process(record, dead_letters=producer)
                    await consumer.commit({tp: records[-1].offset + 1})
                    self._committed[tp] = records[-1].offset + 1
                self._report_lag(consumer)
        finally:
            await consumer.stop()
            await producer.stop()

    async def process(
        self, record: ConsumerRecord[bytes, bytes], *, dead_letters: AIOKafkaProducer
    ) -> None:
        """Handle one record: decode, dedupe, handle, or dead-letter it with the error."""
        try:
            envelope = Envelope.from_kafka(
                key=record.key, value=record.value, headers=record.headers
            )
            handler = self.handlers.by_type.get(envelope.type)
            if handler is None:
                # Known types only as label values: a producer must not explode our metrics.
                label = envelope.type if envelope.type in registry.CONTRACTS else "unknown"
                EVENTS_CONSUMED.labels(self.name, label, "ignored").inc()
                return
            payload = registry.decode(envelope)
        except MalformedEvent as exc:
            await self._dead_letter(record, error=exc, attempts=0, producer=dead_letters)
            return
        correlation.set_id(envelope.extensions.get("correlationid"))
        try:
            await self._handle_with_retries(envelope, payload, handler)
        except Exception as exc:  # noqa: BLE001 - any handler failure goes to the DLT
            await self._dead_letter(
                record,
                error=exc,
                attempts=self.settings.consumer_max_attempts,
                producer=dead_letters,
            )
        finally:
            correlation.set_id(None)

    async def _handle_with_retries(
        self, envelope: Envelope, payload: EventPayload, handler: Handler
    ) -> None:
        attempt, transient_wait = 0, 0.2
        while True:
            try:
                await self._handle_once(envelope, payload, handler)
                return
            except TRANSIENT as exc:
                log.warning("database unavailable, waiting", extra={"error": repr(exc)})
                await asyncio.sleep(transient_wait)
                transient_wait = min(transient_wait * 2, MAX_TRANSIENT_BACKOFF)
            except Exception as exc:
                attempt += 1
                log.warning(
                    "handler failed",
                    extra={
                        "event_type": envelope.type,
                        "event_id": envelope.id,
                        "attempt": attempt,
                        "error": repr(exc),
                    },
                )
                if attempt >= self.settings.consumer_max_attempts:
                    raise
                await asyncio.sleep(self.settings.consumer_backoff_seconds * 2 ** (attempt - 1))

    async def _handle_once(
        self, envelope: Envelope, payload: EventPayload, handler: Handler
    ) -> None:
        async with self.db.transaction() as session:
            fresh = await inbox.claim(
                session, consumer=self.name, event_id=envelope.id, event_type=envelope.type
            )
            if fresh:
                await handler(session, envelope, payload)
        EVENTS_CONSUMED.labels(self.name, envelope.type, "handled" if fresh else "duplicate").inc()

    async def _dead_letter(
        self,
        record: ConsumerRecord[bytes, bytes],
        *,
        error: Exception,
        attempts: int,
        producer: AIOKafkaProducer,
    ) -> None:
        # The original bytes and headers are kept whole so the record can be replayed as-is.
        headers = list(record.headers) + [
            ("dlt_error", repr(error)[:1000].encode()),
            ("dlt_consumer", self.name.encode()),
            ("dlt_original_topic", record.topic.encode()),
            ("dlt_original_partition", str(record.partition).encode()),
            ("dlt_original_offset", str(record.offset).encode()),
            ("dlt_attempts", str(attempts).encode()),
        ]
        await producer.send_and_wait(
            self.dead_letter_topic, value=record.value, key=record.key, headers=headers
        )
        EVENTS_CONSUMED.labels(self.name, _type_of(record), "dead_lettered").inc()
        log.error(
            "event dead-lettered",
            extra={"topic": record.topic, "offset": record.offset, "error": repr(error)[:300]},
        )

    def _report_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            done = self._committed.get(tp)
            if high is not None and done is not None:
                CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(max(high - done, 0))


def _type_of(record: ConsumerRecord[bytes, bytes]) -> str:
    for key, value in record.headers:
        if key == "ce_type":
            return str(value.decode(errors="replace"))[:100]
    return "unknown"
