"""CloudEvents 1.0 envelope in Kafka binary mode: attributes travel as ce_* headers."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

import orjson
from pydantic import BaseModel, ConfigDict

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
# CloudEvents extension attributes: lowercase alphanumerics only (spec §3.1.1).
EXTENSIONS = (
    "orgid",
    "programid",
    "subprogramid",
    "network",
    "topic",
    "department",
    "correlationid",
)


class EventPayload(BaseModel):
    """Base of every event contract: immutable, and tolerant of fields added later."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    ce_type: ClassVar[str]
    topic: ClassVar[str]


class MalformedEvent(ValueError):
    """A record that is not a valid CloudEvent of a known contract (never retried)."""


@dataclass(frozen=True)
class Envelope:
    """One event as it travels on Kafka: attributes, key and JSON data."""

    type: str
    source: str
    subject: str
    key: str
    data: bytes
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    extensions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def wrap(
        cls, payload: EventPayload, *, source: str, subject: str, key: str, **extensions: str | None
    ) -> "Envelope":
        """Envelope a contract payload; None-valued extensions are left out."""
        unknown = set(extensions) - set(EXTENSIONS)
        if unknown:
            raise ValueError(f"unknown CloudEvents extensions: {sorted(unknown)}")
        return cls(
            type=payload.ce_type,
            source=source,
            subject=subject,
            key=key,
            data=orjson.dumps(payload.model_dump(mode="json")),
            extensions={k: v for k, v in extensions.items() if v is not None},
        )

    def headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers for binary content mode."""
        attrs = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.subject,
            "content-type": CONTENT_TYPE,
        }
        attrs.update({f"ce_{k}": v for k, v in self.extensions.items()})
        return [(k, v.encode()) for k, v in attrs.items()]

    @classmethod
    def from_kafka(
        cls,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes | None]],
    ) -> "Envelope":
        """Parse a consumed record; MalformedEvent for anything that cannot be decoded."""
        try:
            # A header may arrive with a null value from a foreign producer: it says nothing.
            attrs = {k: v.decode() for k, v in headers if v is not None}
            decoded_key = key.decode() if key else ""
        except (UnicodeDecodeError, AttributeError) as exc:
            raise MalformedEvent("key or headers are not UTF-8 text") from exc
        missing = [a for a in ("ce_id", "ce_type", "ce_source", "ce_time") if not attrs.get(a)]
        if missing or value is None:
            raise MalformedEvent(f"missing CloudEvents attributes: {missing or ['data']}")
        try:
            time = datetime.fromisoformat(attrs["ce_time"])
        except ValueError as exc:
            raise MalformedEvent("ce_time is not an ISO 8601 timestamp") from exc
        return cls(
            id=attrs["ce_id"],
            type=attrs["ce_type"],
            source=attrs["ce_source"],
            subject=attrs.get("ce_subject", ""),
            key=decoded_key,
            data=value,
            time=time,
            extensions={e: attrs[f"ce_{e}"] for e in EXTENSIONS if f"ce_{e}" in attrs},
        )
