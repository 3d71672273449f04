"""The metrics ingestion done by a FastStream batch subscriber instead of our ConsumerRunner.

Same database work as the metrics worker, so the difference is the runner: each polled batch is
decoded with our envelope and contracts (a topic carries several event types, so a typed
`list[Model]` body cannot describe it), then one transaction claims the batch in the inbox
(`INSERT ... ON CONFLICT DO NOTHING RETURNING event_id`, one statement) and inserts the fresh
facts (one multi-row INSERT), and only then is the batch acknowledged (offsets committed).
`AckPolicy.MANUAL`: an error rewinds the batch (`nack`), which then comes back, for ever.

    python bench/faststream_ingest.py --bootstrap H:P --topic T --group G --database-url URL
"""

import argparse
import asyncio
import logging

from faststream import AckPolicy, FastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from common import inbox
from common.db import Database
from common.events import registry
from common.events.contracts.ambassadors import ShareCreatedV1
from common.events.envelope import Envelope, EventPayload
from metrics import service

CONSUMER = "metrics"  # the inbox name the metrics worker uses


def build(*, bootstrap: str, topic: str, group: str, database_url: str, batch: int) -> FastStream:
    """The FastStream application: one batch subscriber writing to the metrics database."""
    db = Database(database_url)
    broker = KafkaBroker(bootstrap, logger=logging.getLogger("faststream-bench"))

    @broker.subscriber(
        topic,
        group_id=group,
        batch=True,
        max_records=batch,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
    )
    async def on_batch(message: KafkaMessage) -> None:
        try:
            events = _decode(message.raw_message)
            async with db.transaction() as session:
                fresh = await inbox.claim_many(
                    session, consumer=CONSUMER, events=[(e.id, e.type) for e, _ in events]
                )
                shares = [p for e, p in events if e.id in fresh and isinstance(p, ShareCreatedV1)]
                if shares:
                    await service.record_shares(session, events=shares)
        except Exception:
            await message.nack()  # without it the next batch's commit would skip this one
            raise
        await message.ack()

    app = FastStream(broker)
    app.after_shutdown(db.dispose)
    return app


def _decode(records: object) -> list[tuple[Envelope, EventPayload]]:
    assert isinstance(records, tuple)
    decoded = []
    for record in records:
        envelope = Envelope.from_kafka(key=record.key, value=record.value, headers=record.headers)
        decoded.append((envelope, registry.decode(envelope)))
    return decoded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = build(
        bootstrap=args.bootstrap,
        topic=args.topic,
        group=args.group,
        database_url=args.database_url,
        batch=args.batch,
    )
    asyncio.run(app.run())


if __name__ == "__main__":
    main()
