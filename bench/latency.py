"""Approval -> feed visibility through the real processes, against a bare Kafka round trip."""

import asyncio
import time
import uuid

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy.engine import make_url

from advocacy_testing.apps import Tenant
from advocacy_testing.stack import Stack
from common.settings import ServiceSettings
from common.topics import ensure_topics


async def kafka_round_trips(bootstrap: str, count: int) -> list[float]:
    """Baseline: produce one record (acks=all) and wait until a consumer has it, `count` times."""
    topic = f"bench.rt.{uuid.uuid4().hex[:8]}"
    await ensure_topics(
        ServiceSettings(kafka_bootstrap_servers=bootstrap, topic_partitions=1), {topic}
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await producer.start()
    await consumer.start()
    samples = []
    try:
        await producer.send_and_wait(topic, b"warm-up")
        await consumer.getone()
        for i in range(count):
            started = time.perf_counter()
            await producer.send_and_wait(topic, str(i).encode())
            await consumer.getone()
            samples.append(time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()
    return samples


async def approval_to_feed(stack: Stack, count: int) -> list[float]:
    """Seconds from the approve call until the item is in the ambassador's feed (polled 2 ms)."""
    tenant = Tenant()
    admin, employee = tenant.headers(admin=True), tenant.headers(user_id=uuid.uuid4())
    samples = []
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        program = (await gw.post("/v1/programs", json={"name": "Bench"}, headers=admin)).json()
        path = f"/v1/programs/{program['id']}/sub-programs"
        sub_id = (await gw.post(path, json={"name": "All"}, headers=admin)).json()["id"]
        member = {"network": "linkedin", "audience_size": 100}
        await gw.post(f"/v1/sub-programs/{sub_id}/members", json=member, headers=employee)
        for i in range(count):
            draft = {"sub_program_id": sub_id, "title": f"item {i}", "url": "https://example.com"}
            content_id = (await gw.post("/v1/content", json=draft, headers=admin)).json()["id"]
            started = time.perf_counter()
            await gw.post(f"/v1/content/{content_id}/approve", headers=admin)
            while not await _in_feed(gw, employee, content_id):
                await asyncio.sleep(0.002)
            samples.append(time.perf_counter() - started)
    return samples


async def _in_feed(gw: httpx.AsyncClient, headers: dict[str, str], content_id: str) -> bool:
    page = (await gw.get("/v1/me/feed", params={"limit": 1}, headers=headers)).json()
    return bool(page["items"]) and page["items"][0]["content_id"] == content_id


async def stage_breakdown(stack: Stack) -> dict[str, list[float]]:
    """Per-stage seconds from the services' own timestamps (read-only, after the run)."""
    content_db = await asyncpg.connect(_dsn(stack, "content"))
    ambassadors_db = await asyncpg.connect(_dsn(stack, "ambassadors"))
    try:
        outbox = await content_db.fetch("SELECT created_at, published_at FROM outbox")
        published = dict(await content_db.fetch("SELECT id, published_at FROM content_items"))
        fed = dict(await ambassadors_db.fetch("SELECT content_id, created_at FROM feed_items"))
    finally:
        await content_db.close()
        await ambassadors_db.close()
    return {
        "approval (outbox row staged) -> published to Kafka (relay)": [
            (row["published_at"] - row["created_at"]).total_seconds() for row in outbox
        ],
        "approval -> feed row written (relay + broker + consumer)": [
            (fed[cid] - published[cid]).total_seconds() for cid in fed
        ],
    }


def _dsn(stack: Stack, service: str) -> str:
    url = make_url(stack.services[service].env[f"{service.upper()}_DATABASE_URL"])
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
