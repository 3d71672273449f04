"""An erased ambassador's shares keep counting under no identity, including a share that
arrives after the erasure (shares and erasures travel on different keys)."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from common.db import Database
from common.events.contracts.ambassadors import TOPIC, ShareCreatedV1
from common.events.contracts.people import AmbassadorErasedV1
from common.events.envelope import Envelope
from metrics import worker
from metrics.config import Settings
from metrics.erasure import ANONYMOUS
from metrics.main import build_app
from metrics.models import ShareFact


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


def share(tenant: Tenant, ambassador_id: uuid.UUID) -> Envelope:
    payload = ShareCreatedV1(
        share_id=uuid.uuid4(),
        org_id=tenant.org_id,
        ambassador_id=ambassador_id,
        content_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        network="linkedin",
        audience_size=10,
        tracked_link_code=uuid.uuid4().hex[:12],
        created_at=datetime.now(UTC),
    )
    return Envelope.wrap(payload, source="/test", subject="s", key=str(payload.share_id))


def erased(tenant: Tenant, ambassador_id: uuid.UUID) -> Envelope:
    payload = AmbassadorErasedV1(
        org_id=tenant.org_id,
        ambassador_id=ambassador_id,
        reason="requested",
        erased_at=datetime.now(UTC),
    )
    return Envelope.wrap(payload, source="/test", subject="p", key=str(ambassador_id))


async def facts_of(settings: Settings, ambassador_id: uuid.UUID) -> int:
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            query = select(func.count()).where(col(ShareFact.ambassador_id) == ambassador_id)
            return int((await session.execute(query)).scalar_one())
    finally:
        await database.dispose()


async def shares(client: httpx.AsyncClient, tenant: Tenant) -> int:
    body = (await client.get("/v1/metrics/summary", headers=tenant.headers(admin=True))).json()
    return int(body["shares"]["value"])


async def test_erasure_keeps_the_counts_and_forgets_the_person(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    gone, stays = uuid.uuid4(), uuid.uuid4()
    topic = settings.topic(TOPIC)
    bootstrap = settings.kafka_bootstrap_servers
    await publish(
        bootstrap, topic, [share(tenant, gone), share(tenant, gone), share(tenant, stays)]
    )
    await eventually(lambda: shares(client, tenant), lambda n: n == 3)
    await publish(bootstrap, topic, [erased(tenant, gone)])
    await eventually(lambda: facts_of(settings, gone), lambda n: n == 0)
    await publish(bootstrap, topic, [share(tenant, gone)])  # late: after the erasure
    assert await eventually(lambda: shares(client, tenant), lambda n: n == 4) == 4
    assert await facts_of(settings, gone) == 0
    assert await facts_of(settings, ANONYMOUS) == 3
    assert await facts_of(settings, stays) == 1
