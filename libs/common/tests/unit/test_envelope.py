import uuid
from datetime import UTC, datetime

import pytest

from common.events import registry
from common.events.contracts.content import ContentPublishedV1
from common.events.envelope import Envelope, MalformedEvent


def make_published() -> ContentPublishedV1:
    return ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        kind="article",
        title="Launch",
        url="https://example.com/launch",
        published_at=datetime.now(UTC),
    )


def test_wrap_then_parse_round_trips_attributes_and_payload() -> None:
    payload = make_published()
    sent = Envelope.wrap(
        payload,
        source="/services/content",
        subject="content/1",
        key="k1",
        orgid=str(payload.org_id),
    )

    received = Envelope.from_kafka(key=b"k1", value=sent.data, headers=sent.headers())

    assert received == sent
    assert registry.decode(received) == payload
    assert dict(sent.headers())["ce_type"] == b"content.item.published.v1"
    assert dict(sent.headers())["ce_specversion"] == b"1.0"


def test_wrap_rejects_unknown_extension() -> None:
    with pytest.raises(ValueError, match="unknown CloudEvents extensions"):
        Envelope.wrap(make_published(), source="s", subject="x", key="k", tenant="nope")


def test_parse_without_required_attributes_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match="ce_id"):
        Envelope.from_kafka(key=None, value=b"{}", headers=[("ce_type", b"x")])


def test_decode_unknown_type_is_malformed() -> None:
    envelope = Envelope(type="nobody.thing.done.v1", source="s", subject="", key="", data=b"{}")
    with pytest.raises(MalformedEvent, match="unknown event type"):
        registry.decode(envelope)


def test_decode_invalid_payload_is_malformed() -> None:
    envelope = Envelope(
        type=ContentPublishedV1.ce_type, source="s", subject="", key="", data=b'{"title": 3}'
    )
    with pytest.raises(MalformedEvent, match="payload invalid"):
        registry.decode(envelope)


def test_decode_ignores_fields_added_by_a_newer_producer() -> None:
    payload = make_published()
    data = payload.model_dump_json()[:-1] + ', "added_later": true}'
    envelope = Envelope(type=payload.ce_type, source="s", subject="", key="", data=data.encode())
    assert registry.decode(envelope) == payload
