"""Dead-letter operations: list, inspect and replay one consumer's dead letters.

The DLT is read by a consumer without a group (partitions assigned, offsets sought, nothing ever
committed), so looking moves nobody's offsets. A replay produces the record again, unchanged, to
the consumer's own replay topic, which only that consumer reads: its inbox drops the event if it
had been handled after all, so replaying twice is harmless. Run as a CLI by each service's
`python -m <service>.deadletters`; served over HTTP by common/deadletters_router.py.
"""

import argparse
import asyncio
import base64
import binascii
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from common.deadletters_schemas import (
    DeadLetter,
    DeadLetterPage,
    Record,
    Replayed,
    ReplayedPage,
    describe,
    header_text,
    summarise,
)
from common.errors import AppError, Conflict, InvalidInput, NotFound, UpstreamUnavailable
from common.metrics import DEAD_LETTERS_REPLAYED
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
MAX_LIMIT = 100
# The CLI replays in pages of MAX_LIMIT; one run stays bounded all the same.
MAX_REPLAY_ALL = 10_000
REPLAYED_FROM = "dlt_replayed_from"
KAFKA_TIMEOUT_MS = 10_000
# Reading one page gives up after this long rather than hanging an operator's request.
READ_TIMEOUT_SECONDS = 20.0


def encode_cursor(positions: dict[int, int]) -> str:
    """The next offset to read of every partition, opaque to callers."""
    raw = orjson.dumps({str(p): o for p, o in sorted(positions.items())})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[int, int]:
    """Inverse of encode_cursor; 422 naming the field when tampered with."""
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        positions = {int(p): int(o) for p, o in raw.items()}
    except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
        raise InvalidInput("cursor is not valid", field="cursor") from exc
    if any(p < 0 or o < 0 for p, o in positions.items()):
        raise InvalidInput("cursor is not valid", field="cursor")
    return positions


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")


def replay_headers(record: Record) -> list[tuple[str, bytes | None]]:
    """The original headers, without the DLT's own, plus where the replay came from."""
    kept = [(k, v) for k, v in record.headers if not k.startswith("dlt_")]
    return [*kept, (REPLAYED_FROM, f"{record.partition}:{record.offset}".encode())]


class DeadLetters:
    """One consumer's dead-letter topic."""

    def __init__(self, *, settings: ServiceSettings, consumer: str) -> None:
        self.settings = settings
        self.consumer = consumer
        self.topic = settings.topic(f"{consumer}.dlt")
        self.replay_topic = settings.topic(f"{consumer}.replay")

    async def page(self, *, cursor: str | None = None, limit: int = 20) -> DeadLetterPage:
        """A page of dead letters, partition by partition, oldest first."""
        _check_limit(limit)
        topics = await self._topics()
        async with self._reader() as reader:
            bounds = await self._bounds(reader, topics)
            records, next_cursor = await self._page(reader, bounds, cursor=cursor, limit=limit)
        return DeadLetterPage(
            items=[summarise(self.consumer, r) for r in records],
            next_cursor=next_cursor,
            retained=sum(end - begin for begin, end in bounds.values()),
        )

    async def inspect(self, *, partition: int, offset: int) -> DeadLetter:
        """One dead letter in full; 404 when the DLT has no such record (any more)."""
        topics = await self._topics()
        async with self._reader() as reader:
            bounds = await self._bounds(reader, topics)
            record = await self._fetch(reader, bounds, partition=partition, offset=offset)
        return describe(self.consumer, record)

    async def replay(self, *, partition: int, offset: int) -> Replayed:
        """Produce one dead letter to the consumer's replay topic."""
        topics = await self._topics()
        self._require_replay_topic(topics)
        async with self._reader() as reader:
            bounds = await self._bounds(reader, topics)
            record = await self._fetch(reader, bounds, partition=partition, offset=offset)
        async with self._writer() as producer:
            return await self._replay(producer, record)

    async def replay_page(self, *, cursor: str | None = None, limit: int = 20) -> ReplayedPage:
        """Replay the dead letters of one page (bounded by limit)."""
        _check_limit(limit)
        topics = await self._topics()
        self._require_replay_topic(topics)
        async with self._reader() as reader:
            bounds = await self._bounds(reader, topics)
            records, next_cursor = await self._page(reader, bounds, cursor=cursor, limit=limit)
        async with self._writer() as producer:
            replayed = [await self._replay(producer, record) for record in records]
        return ReplayedPage(replayed=replayed, next_cursor=next_cursor)

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[AIOKafkaConsumer]:
        # No group_id: assign + seek only, nothing committed. One client per call: operations
        # are rare, and a long-lived client would tie this module to the app's lifespan.
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            request_timeout_ms=KAFKA_TIMEOUT_MS,
            client_id=f"{self.settings.service_name}-deadletters",
        )
        async with _kafka_unavailable_as_503():
            try:
                await reader.start()
                # aiokafka starts a background task for group-less consumers; stopping before it
                # ran once makes stop() raise CancelledError, so let it start.
                await asyncio.sleep(0)
                yield reader
            finally:
                await reader.stop()

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[AIOKafkaProducer]:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            request_timeout_ms=KAFKA_TIMEOUT_MS,
            client_id=f"{self.settings.service_name}-deadletters-replay",
        )
        async with _kafka_unavailable_as_503():
            try:
                await producer.start()
                yield producer
            finally:
                await producer.stop()

    async def _topics(self) -> dict[str, list[int]]:
        """The partitions of this consumer's DLT and replay topic, for those that exist."""
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            request_timeout_ms=KAFKA_TIMEOUT_MS,
            client_id=f"{self.settings.service_name}-deadletters",
        )
        async with _kafka_unavailable_as_503():
            try:
                await admin.start()
                # Every topic's metadata: asking for one by name could have the broker create it.
                described = await admin.describe_topics()
            finally:
                await admin.close()
        mine = (self.topic, self.replay_topic)
        return {
            t["topic"]: sorted(p["partition"] for p in t["partitions"])
            for t in described
            if t["topic"] in mine
        }

    async def _bounds(
        self, reader: AIOKafkaConsumer, topics: dict[str, list[int]]
    ) -> dict[int, tuple[int, int]]:
        """Each DLT partition's first and next offset; empty while the DLT does not exist yet."""
        tps = [TopicPartition(self.topic, p) for p in topics.get(self.topic, [])]
        if not tps:
            return {}
        begins = await reader.beginning_offsets(tps)
        ends = await reader.end_offsets(tps)
        return {tp.partition: (begins[tp], ends[tp]) for tp in tps}

    def _require_replay_topic(self, topics: dict[str, list[int]]) -> None:
        # Producing to a missing topic could auto-create it with the broker's defaults.
        if self.replay_topic not in topics:
            raise Conflict(
                f"replay topic {self.replay_topic} does not exist yet: start the "
                f"{self.consumer} worker, which provisions it",
                field="consumer",
            )

    async def _page(
        self,
        reader: AIOKafkaConsumer,
        bounds: dict[int, tuple[int, int]],
        *,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[Record], str | None]:
        after = decode_cursor(cursor) if cursor else {}
        # Retention may have removed what the cursor points at: start at what is left.
        positions = {p: max(after.get(p, begin), begin) for p, (begin, _) in bounds.items()}
        records: list[Record] = []
        for partition, (_, end) in sorted(bounds.items()):
            wanted = limit - len(records)
            if wanted <= 0:
                break
            if positions[partition] >= end:
                continue
            got, positions[partition] = await self._read(
                reader, partition=partition, start=positions[partition], end=end, limit=wanted
            )
            records.extend(got)
        more = any(positions[p] < end for p, (_, end) in bounds.items())
        return records, encode_cursor(positions) if more else None

    async def _read(
        self, reader: AIOKafkaConsumer, *, partition: int, start: int, end: int, limit: int
    ) -> tuple[list[Record], int]:
        """Up to limit records of [start, end) and the offset to read next."""
        tp = TopicPartition(self.topic, partition)
        reader.assign([tp])
        reader.seek(tp, start)
        records: list[Record] = []
        deadline = asyncio.get_running_loop().time() + READ_TIMEOUT_SECONDS
        position = start
        while len(records) < limit and position < end:
            if asyncio.get_running_loop().time() > deadline:
                raise UpstreamUnavailable(f"reading {self.topic} timed out")
            batch = await reader.getmany(tp, timeout_ms=500, max_records=limit - len(records))
            records.extend(r for r in batch.get(tp, []) if r.offset < end)
            position = await reader.position(tp)
        return records, min(position, end)

    async def _fetch(
        self,
        reader: AIOKafkaConsumer,
        bounds: dict[int, tuple[int, int]],
        *,
        partition: int,
        offset: int,
    ) -> Record:
        if partition not in bounds:
            raise NotFound(f"{self.topic} has no partition {partition}", field="partition")
        begin, end = bounds[partition]
        records: list[Record] = []
        if begin <= offset < end:
            records, _ = await self._read(
                reader, partition=partition, start=offset, end=end, limit=1
            )
        if not records or records[0].offset != offset:
            raise NotFound(f"{self.topic} has no record at offset {offset}", field="offset")
        return records[0]

    async def _replay(self, producer: AIOKafkaProducer, record: Record) -> Replayed:
        sent = await producer.send_and_wait(
            self.replay_topic, value=record.value, key=record.key, headers=replay_headers(record)
        )
        DEAD_LETTERS_REPLAYED.labels(self.consumer).inc()
        replayed = Replayed(
            consumer=self.consumer,
            partition=record.partition,
            offset=record.offset,
            ce_id=header_text(record.headers, "ce_id"),
            replay_topic=self.replay_topic,
            replay_partition=sent.partition,
            replay_offset=sent.offset,
        )
        log.info("dead letter replayed", extra=replayed.model_dump())
        return replayed


@asynccontextmanager
async def _kafka_unavailable_as_503() -> AsyncIterator[None]:
    try:
        yield
    except (KafkaError, TimeoutError) as exc:
        raise UpstreamUnavailable(f"kafka is unavailable: {exc!r}") from exc


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="List, inspect and replay dead letters (prints JSON lines)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="a page of dead letters, oldest first")
    listing.add_argument("--limit", type=int, default=20, help=f"1-{MAX_LIMIT}")
    listing.add_argument("--cursor", help="next_cursor of the previous page")
    for name, text in (("show", "one dead letter in full"), ("replay", "replay one dead letter")):
        command = commands.add_parser(name, help=text)
        command.add_argument("partition", type=int)
        command.add_argument("offset", type=int)
    replay_all = commands.add_parser("replay-all", help="replay up to --limit dead letters")
    replay_all.add_argument("--limit", type=int, default=MAX_LIMIT, help=f"1-{MAX_REPLAY_ALL}")
    replay_all.add_argument("--cursor", help="start after a previous run's next_cursor")
    return parser


async def _lines(args: argparse.Namespace, dead_letters: DeadLetters) -> AsyncIterator[Any]:
    if args.command == "list":
        page = await dead_letters.page(cursor=args.cursor, limit=args.limit)
        for item in page.items:
            yield item
        yield {"next_cursor": page.next_cursor, "retained": page.retained}
    elif args.command == "show":
        yield await dead_letters.inspect(partition=args.partition, offset=args.offset)
    elif args.command == "replay":
        yield await dead_letters.replay(partition=args.partition, offset=args.offset)
    else:
        async for line in _replay_all(dead_letters, cursor=args.cursor, limit=args.limit):
            yield line


async def _replay_all(
    dead_letters: DeadLetters, *, cursor: str | None, limit: int
) -> AsyncIterator[Any]:
    if not 1 <= limit <= MAX_REPLAY_ALL:
        raise InvalidInput(f"limit must be between 1 and {MAX_REPLAY_ALL}", field="limit")
    done = 0
    while done < limit:
        page = await dead_letters.replay_page(cursor=cursor, limit=min(MAX_LIMIT, limit - done))
        for replayed in page.replayed:
            yield replayed
        done, cursor = done + len(page.replayed), page.next_cursor
        if cursor is None:
            break
    yield {"replayed": done, "next_cursor": cursor}


def _write(stream: Any, line: Any) -> None:
    data = line.model_dump(mode="json") if hasattr(line, "model_dump") else line
    stream.write(orjson.dumps(data).decode() + "\n")
    stream.flush()


async def run(argv: Sequence[str], settings: ServiceSettings, *, consumer: str) -> int:
    """The CLI in a running event loop: JSON lines on stdout; exit 1 with a JSON error line."""
    args = _parser(f"python -m {settings.service_name}.deadletters").parse_args(argv)
    try:
        async for line in _lines(args, DeadLetters(settings=settings, consumer=consumer)):
            _write(sys.stdout, line)
    except AppError as exc:
        _write(sys.stderr, {"error": exc.code, "detail": exc.message, "field": exc.field})
        return 1
    return 0


def main(argv: Sequence[str], settings: ServiceSettings, *, consumer: str) -> int:
    """`python -m <service>.deadletters list|show P O|replay P O|replay-all [--limit N]`."""
    return asyncio.run(run(argv, settings, consumer=consumer))
