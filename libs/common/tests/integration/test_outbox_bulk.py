"""Events staged many at once (add_events) on PostgreSQL: one INSERT, the order they were
staged in, published by the relay like any other (make run's embedded engine has its own unit test,
test_outbox_bulk_embedded.py)."""

from advocacy_testing.kafka import read_all
from advocacy_testing.outbox_staging import ORG, stage, stored
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.relay import OutboxRelay
from common.settings import ServiceSettings
from common.topics import ensure_topics


async def test_bulk_events_are_stored_in_the_order_staged_and_published(
    database: Database, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=topic_prefix
    )
    await ensure_topics(settings, {TOPIC})
    await stage(database)
    # The relay sends in outbox order (keys spread over partitions: Kafka keeps order per key).
    assert [r.key for r in await stored(database)] == ["k0", "k1", "k2", "k3"]
    relay = OutboxRelay(db=database, settings=settings)
    try:
        assert await relay.publish_batch() == 4
    finally:
        await relay.stop()
    records = await read_all(kafka_bootstrap, settings.topic(TOPIC), expected=4)
    by_key = {r.key: r for r in records}
    assert ContentPublishedV1.model_validate_json(by_key[b"k2"].value).title == "bulk 2"
    headers = dict(by_key[b"k2"].headers)
    assert headers["ce_type"] == b"content.item.published.v1"
    assert headers["ce_subject"] == b"s/2" and headers["ce_orgid"] == str(ORG).encode()
