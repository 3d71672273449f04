"""Idempotent topic provisioning: each service creates only the topics it owns.

A service owns the topics it produces and, per consumer, its dead-letter and replay topics. Their
settings (partitions, retention) are decided by that owner alone, so one service's start-up never
decides another's partitions or retention.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from common.settings import ServiceSettings

log = logging.getLogger(__name__)
TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True)
class TopicSpec:
    """A topic (without the deployment prefix) and the settings its owner wants."""

    name: str
    partitions: int
    retention_ms: int


def owned_topics(
    settings: ServiceSettings, *, produces: Iterable[str], consumers: Iterable[str]
) -> list[TopicSpec]:
    """What a service provisions: its event topics, and each consumer's DLT and replay topics."""
    specs = [TopicSpec(t, settings.topic_partitions, settings.topic_retention_ms) for t in produces]
    for name in consumers:
        for suffix in ("dlt", "replay"):
            specs.append(
                TopicSpec(f"{name}.{suffix}", settings.topic_partitions, settings.dlt_retention_ms)
            )
    return specs


async def ensure_topics(settings: ServiceSettings, topics: Iterable[TopicSpec | str]) -> None:
    """Create the prefixed topics that don't exist yet; existing ones are left alone.

    A bare name gets the deployment's default partitions and retention.
    """
    defaults = settings.topic_partitions, settings.topic_retention_ms
    wanted_specs = [t if isinstance(t, TopicSpec) else TopicSpec(t, *defaults) for t in topics]
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        wanted = [
            NewTopic(
                name=settings.topic(spec.name),
                num_partitions=spec.partitions,
                replication_factor=settings.topic_replication_factor,
                topic_configs={"retention.ms": str(spec.retention_ms)},
            )
            for spec in sorted(wanted_specs, key=lambda s: s.name)
        ]
        response = await admin.create_topics(wanted)
        for topic, code, *rest in response.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):
                raise RuntimeError(f"cannot create topic {topic}: error {code} {rest}")
            if code == 0:
                log.info("topic created", extra={"topic": topic})
    finally:
        await admin.close()
