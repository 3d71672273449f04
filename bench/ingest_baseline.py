"""Ingestion baseline process: raw aiokafka `getmany` + one INSERT per batch (no inbox, no ORM).

The simplest honest way to do the metrics consumer's work with the same engines: decode each
value with orjson, insert the batch into `share_facts` with one `INSERT ... SELECT FROM unnest`
(asyncpg, autocommit: one transaction per batch), then commit the batch's offsets. It has no
dedupe, no per-record isolation, no dead-letter topic and no retry: at-least-once only.

    python bench/ingest_baseline.py --bootstrap H:P --topic T --group G --database-url URL
"""

import argparse
import asyncio
import uuid
from datetime import datetime

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer
from measure import plain_dsn

INSERT = """
INSERT INTO share_facts (share_id, org_id, content_id, sub_program_id, ambassador_id,
                         network, audience_size, created_at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[],
                     $6::text[], $7::int[], $8::timestamptz[])
"""
UUID_FIELDS = ("share_id", "org_id", "content_id", "sub_program_id", "ambassador_id")


def columns(values: list[bytes]) -> list[list[object]]:
    """One list per column of share_facts, in INSERT order."""
    events = [orjson.loads(v) for v in values]
    cols: list[list[object]] = [[uuid.UUID(e[f]) for e in events] for f in UUID_FIELDS]
    cols.append([e["network"] for e in events])
    cols.append([e["audience_size"] for e in events])
    cols.append([datetime.fromisoformat(e["created_at"]) for e in events])
    return cols


async def consume(*, bootstrap: str, topic: str, group: str, database_url: str, batch: int) -> None:
    """Poll, insert, commit, until killed."""
    connection = await asyncpg.connect(plain_dsn(database_url))
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=batch,
    )
    await consumer.start()
    try:
        while True:
            polled = await consumer.getmany(timeout_ms=1000, max_records=batch)
            if not polled:
                continue
            values = [r.value for records in polled.values() for r in records if r.value]
            await connection.execute(INSERT, *columns(values))
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in polled.items()})
    finally:
        await consumer.stop()
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(
        consume(
            bootstrap=args.bootstrap,
            topic=args.topic,
            group=args.group,
            database_url=args.database_url,
            batch=args.batch,
        )
    )


if __name__ == "__main__":
    main()
