"""Which Kafka refusals are about one row for good (set it aside) rather than Kafka being away."""

from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
)

from common.errors import UpstreamUnavailable

# Retrying these can never succeed: the same bytes to the same topic get the same answer.
QUARANTINE_ERRORS: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    CorruptRecordException,
    InvalidTopicError,
    TopicAuthorizationFailedError,
)


async def missing_topics(producer: AIOKafkaProducer, topics: Iterable[str]) -> set[str]:
    """Topics the cluster does not have, known from a metadata answer that did arrive.

    aiokafka answers a send to a missing topic and a send while the broker is away with the same
    error after its request timeout; asking for fresh metadata tells the two apart.
    """
    client = producer.client
    unknown = {t for t in topics if client.cluster.partitions_for_topic(t) is None}
    if not unknown:
        return set()
    for topic in unknown:
        client.add_topic(topic)
    if not await client.force_metadata_update():
        raise UpstreamUnavailable("Kafka metadata unavailable: rows wait")
    return {t for t in unknown if client.cluster.partitions_for_topic(t) is None}
