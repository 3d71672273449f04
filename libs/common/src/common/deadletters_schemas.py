"""What operators see of a dead letter: bytes shown safely, headers parsed without trust."""

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, TypeAlias

from aiokafka import ConsumerRecord
from pydantic import BaseModel

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Headers: TypeAlias = Sequence[tuple[str, bytes | None]]


class Blob(BaseModel):
    """Raw bytes shown safely: as text when they are UTF-8, otherwise as base64."""

    encoding: Literal["utf-8", "base64"]
    data: str

    @classmethod
    def of(cls, raw: bytes | None) -> "Blob | None":
        """None stays None (a null key, value or header value)."""
        if raw is None:
            return None
        try:
            return cls(encoding="utf-8", data=raw.decode("utf-8"))
        except UnicodeDecodeError:
            return cls(encoding="base64", data=base64.b64encode(raw).decode())


class Header(BaseModel):
    """One record header as it is on the topic."""

    name: str
    value: Blob | None


class DeadLetterSummary(BaseModel):
    """What an operator needs to triage a dead letter without reading its value."""

    consumer: str
    partition: int
    offset: int
    timestamp: datetime | None
    key: Blob | None
    ce_id: str | None
    ce_type: str | None
    ce_orgid: str | None
    error: str | None
    attempts: int | None
    original_topic: str | None
    original_partition: int | None
    original_offset: int | None
    value_size: int | None


class DeadLetter(DeadLetterSummary):
    """A dead letter in full: its value and every header."""

    value: Blob | None
    headers: list[Header]


class DeadLetterPage(BaseModel):
    """One page, oldest first per partition; pass next_cursor back for the following page."""

    items: list[DeadLetterSummary]
    next_cursor: str | None
    retained: int  # records the DLT holds now, replayed ones included (retention removes them)


class Replayed(BaseModel):
    """Where a dead letter was replayed to."""

    consumer: str
    partition: int
    offset: int
    ce_id: str | None
    replay_topic: str
    replay_partition: int
    replay_offset: int


class ReplayedPage(BaseModel):
    """A bounded page of replays; pass next_cursor back to replay the following page."""

    replayed: list[Replayed]
    next_cursor: str | None


def header_text(headers: Headers, name: str) -> str | None:
    """A header as text (undecodable bytes replaced), None when absent or null."""
    # A poison record's headers can hold anything: never let one break the listing.
    value = next((v for k, v in headers if k == name), None)
    return None if value is None else value.decode("utf-8", errors="replace")


def header_number(headers: Headers, name: str) -> int | None:
    """A header as a non-negative integer, None when absent or not a number."""
    text = header_text(headers, name)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def summarise(consumer: str, record: Record) -> DeadLetterSummary:
    """The triage view of a DLT record."""
    headers = record.headers
    return DeadLetterSummary(
        consumer=consumer,
        partition=record.partition,
        offset=record.offset,
        timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC)
        if record.timestamp >= 0
        else None,
        key=Blob.of(record.key),
        ce_id=header_text(headers, "ce_id"),
        ce_type=header_text(headers, "ce_type"),
        ce_orgid=header_text(headers, "ce_orgid"),
        error=header_text(headers, "dlt_error"),
        attempts=header_number(headers, "dlt_attempts"),
        original_topic=header_text(headers, "dlt_original_topic"),
        original_partition=header_number(headers, "dlt_original_partition"),
        original_offset=header_number(headers, "dlt_original_offset"),
        value_size=None if record.value is None else len(record.value),
    )


def describe(consumer: str, record: Record) -> DeadLetter:
    """The full view of a DLT record."""
    headers = [Header(name=k, value=Blob.of(v)) for k, v in record.headers]
    return DeadLetter(
        **summarise(consumer, record).model_dump(), value=Blob.of(record.value), headers=headers
    )
