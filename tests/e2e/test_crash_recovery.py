"""A consumer process killed with SIGKILL mid-stream loses nothing and double-counts nothing."""

import asyncio
import signal
import uuid
from datetime import UTC, datetime

import httpx

from advocacy_testing.apps import Tenant
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack
from common.events.contracts.ambassadors import TOPIC, ShareCreatedV1
from common.events.envelope import Envelope

EVENTS = 1000


def share(tenant: Tenant) -> Envelope:
    payload = ShareCreatedV1(
        share_id=uuid.uuid4(),
        org_id=tenant.org_id,
        ambassador_id=uuid.uuid4(),
        content_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        network="linkedin",
        audience_size=10,
        tracked_link_code="abcd1234",
        created_at=datetime.now(UTC),
    )
    return Envelope.wrap(payload, source="/test", subject="s", key=str(payload.share_id))


async def test_sigkilled_metrics_consumer_resumes_exactly(stack: Stack) -> None:
    tenant = Tenant()
    metrics = stack.services["metrics"]
    topic = metrics.env["METRICS_KAFKA_TOPIC_PREFIX"] + TOPIC
    kafka = metrics.env["METRICS_KAFKA_BOOTSTRAP_SERVERS"]

    async def shares() -> int:
        async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
            response = await gw.get("/v1/metrics/summary", headers=tenant.headers(admin=True))
            return int(response.json()["shares"]["value"]) if response.status_code == 200 else -1

    await publish(kafka, topic, [share(tenant) for _ in range(EVENTS)])
    before_kill = await eventually(shares, lambda n: n > 0, interval=0.02)
    await asyncio.to_thread(metrics.kill)
    assert before_kill < EVENTS, "the consumer finished before the kill: raise EVENTS"
    assert metrics.process is not None
    assert metrics.process.returncode == -signal.SIGKILL

    await asyncio.to_thread(metrics.start)
    assert await eventually(shares, lambda n: n >= EVENTS, timeout=60) == EVENTS
    await asyncio.sleep(2)  # any redelivered duplicate would land by now
    assert await shares() == EVENTS
