"""The Kafka side of a consumer group: poll a batch, settle every record, then commit offsets.

At-least-once delivery is made exactly-once in effect by the inbox (see applier.py). Offsets are
committed only after every record of the polled batch was applied, filtered out, ignored or
dead-lettered, so a crash anywhere re-delivers instead of losing.
"""

import asyncio
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from common import correlation
from common.consuming.applier import BatchApplier
from common.consuming.filters import SubProgramFilter
from common.consuming.handlers import Delivery, Handlers
from common.db import Database
from common.events import registry
from common.events.envelope import Envelope
from common.heartbeat import Heartbeats
from common.metrics import CONSUMER_LAG, EVENTS_CONSUMED
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
TOPIC_WAIT_SECONDS = 2.0


class ConsumerRunner:
    """One consumer group of a service, optionally narrowed to some sub-programs."""

    def __init__(
        self,
        *,
        name: str,
        handlers: Handlers,
        db: Database,
        settings: ServiceSettings,
        sub_programs: SubProgramFilter | None = None,
        group: str = "",
        heartbeats: Heartbeats | None = None,
    ) -> None:
        self.name = name  # also the inbox name: every group of this consumer dedupes together
        self.handlers = handlers
        self.settings = settings
        self.sub_programs = sub_programs or SubProgramFilter()
        if self.sub_programs.active and not group:
            raise ValueError("a sub-program filter needs a consumer group of its own")
        self.group_id = settings.topic(f"{name}.{group}" if group else name)
        self.dead_letter_topic = settings.topic(f"{name}.dlt")
        self.replay_topic = settings.topic(f"{name}.replay")
        self.heartbeats = heartbeats or Heartbeats()
        self._producer: AIOKafkaProducer | None = None
        self._committed: dict[TopicPartition, int] = {}
        self.applier = BatchApplier(
            name=name,
            handlers=handlers,
            db=db,
            settings=settings,
            dead_letter=self._dead_letter_delivery,
            heartbeats=self.heartbeats,
        )

    @property
    def topics(self) -> list[str]:
        """Topics this group reads: its event topics and its own replay topic."""
        return sorted(
            {self.settings.topic(t) for t in self.handlers.topics()} | {self.replay_topic}
        )

    async def run(self) -> None:
        """Consume until cancelled; reconnects when Kafka goes away."""
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - never die: uncommitted records come back
                log.warning(
                    "consumer stopped, restarting",
                    extra={"consumer": self.name, "error": repr(exc)},
                )
                self.heartbeats.beat(self._beat)
                await asyncio.sleep(1.0)

    @property
    def _beat(self) -> str:
        return f"consumer:{self.name}"

    async def _consume(self) -> None:
        await self._wait_for_topics()
        consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group_id,
            client_id=f"{self.settings.service_name}-{self.name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.settings.consumer_batch_size,
            # A replay topic or a new partition is noticed within seconds, not the default 5 min.
            metadata_max_age_ms=30_000,
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            client_id=f"{self.settings.service_name}-{self.name}-dlt",
        )
        await consumer.start()
        try:
            await producer.start()
            self._producer = producer
            committing: asyncio.Task[None] | None = None
            try:
                while True:
                    self.heartbeats.beat(self._beat)
                    polled = await consumer.getmany(
                        timeout_ms=1000, max_records=self.settings.consumer_batch_size
                    )
                    if polled:
                        await self.process([r for records in polled.values() for r in records])
                        offsets = {tp: records[-1].offset + 1 for tp, records in polled.items()}
                        # The commit travels while the next batch is fetched and applied; a
                        # crash before it lands only redelivers what the inbox already holds.
                        if committing is not None:
                            await committing
                        committing = asyncio.create_task(self._commit(consumer, offsets))
                    self._report_lag(consumer)
            finally:
                if committing is not None:
                    await asyncio.gather(committing, return_exceptions=True)
        finally:
            self._producer = None
            await consumer.stop()
            await producer.stop()

    async def _commit(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        await consumer.commit(offsets)
        self._committed.update(offsets)

    async def process(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        """Settle records: filter, decode (dead-letter what can't be), then apply as one batch."""
        deliveries: list[Delivery] = []
        for record in records:
            if not self.sub_programs.accepts(record.headers):
                EVENTS_CONSUMED.labels(self.name, "any", "filtered").inc()
                continue
            try:
                envelope = Envelope.from_kafka(
                    key=record.key, value=record.value, headers=record.headers
                )
                if envelope.type not in self.handlers.by_type:
                    # Known types only as label values: a producer must not explode our metrics.
                    label = envelope.type if envelope.type in registry.CONTRACTS else "unknown"
                    EVENTS_CONSUMED.labels(self.name, label, "ignored").inc()
                    continue
                payload = registry.decode(envelope)
            except Exception as exc:  # noqa: BLE001 - whatever can't be decoded won't be later
                await self._dead_letter(record, error=exc, attempts=0)
                continue
            deliveries.append(Delivery(record=record, envelope=envelope, payload=payload))
        await self.applier.apply(deliveries)

    async def _dead_letter_delivery(self, delivery: Delivery, error: BaseException) -> None:
        await self._dead_letter(
            delivery.record, error=error, attempts=self.settings.consumer_max_attempts
        )

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], *, error: BaseException, attempts: int
    ) -> None:
        if self._producer is None:
            raise RuntimeError("dead letters need the running consumer's producer")
        # The original bytes and headers are kept whole so the record can be replayed as-is.
        headers = [(k, v) for k, v in record.headers if v is not None] + [
            ("dlt_error", repr(error)[:1000].encode()),
            ("dlt_consumer", self.name.encode()),
            ("dlt_original_topic", record.topic.encode()),
            ("dlt_original_partition", str(record.partition).encode()),
            ("dlt_original_offset", str(record.offset).encode()),
            ("dlt_attempts", str(attempts).encode()),
        ]
        await self._producer.send_and_wait(
            self.dead_letter_topic, value=record.value, key=record.key, headers=headers
        )
        EVENTS_CONSUMED.labels(self.name, _type_of(record), "dead_lettered").inc()
        found = {k: v for k, v in record.headers if k in ("ce_id", "ce_correlationid")}
        correlation.set_id(correlation.from_event(found.get("ce_correlationid")))
        log.error(
            "event dead-lettered",
            extra={
                "consumer": self.name,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "event_id": correlation.from_event(found.get("ce_id")),
                "error": repr(error)[:300],
            },
        )
        correlation.set_id(None)

    async def _wait_for_topics(self) -> None:
        # Topics belong to the services that produce them: wait for their owners to create them.
        while True:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap_servers)
            try:
                await admin.start()
                missing = set(self.topics) - set(await admin.list_topics())
            finally:
                await admin.close()
            if not missing:
                return
            log.info(
                "waiting for topics to be created by their owners",
                extra={"missing": sorted(missing)},
            )
            self.heartbeats.beat(self._beat)
            await asyncio.sleep(TOPIC_WAIT_SECONDS)

    def _report_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            high, done = consumer.highwater(tp), self._committed.get(tp)
            if high is not None and done is not None:
                CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(max(high - done, 0))


def _type_of(record: ConsumerRecord[bytes, bytes]) -> str:
    for key, value in record.headers:
        if key == "ce_type" and value is not None:
            name = value.decode(errors="replace")
            return name if name in registry.CONTRACTS else "unknown"
    return "unknown"
