"""Idempotent topic provisioning at start-up (partitions and retention from settings)."""

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from common.settings import ServiceSettings

log = logging.getLogger(__name__)
TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(settings: ServiceSettings, names: set[str]) -> None:
    """Create the prefixed topics that don't exist yet; existing ones are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        wanted = [
            NewTopic(
                name=settings.topic(name),
                num_partitions=settings.topic_partitions,
                replication_factor=settings.topic_replication_factor,
                topic_configs={"retention.ms": str(settings.topic_retention_ms)},
            )
            for name in sorted(names)
        ]
        response = await admin.create_topics(wanted)
        for topic, code, *rest in response.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):
                raise RuntimeError(f"cannot create topic {topic}: error {code} {rest}")
            if code == 0:
                log.info("topic created", extra={"topic": topic})
    finally:
        await admin.close()
