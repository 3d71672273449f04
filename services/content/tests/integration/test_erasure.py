"""An erased person's id leaves content's tables (through the worker's consumer): the items they
made stay, credited to a pseudonym; another organisation's rows are untouched."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import known_sub_program
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from common.events.contracts.ambassadors import TOPIC
from common.events.contracts.people import AmbassadorErasedV1
from common.events.envelope import Envelope
from content import worker
from content.config import Settings
from content.main import build_app


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


async def item_by(client: httpx.AsyncClient, settings: Settings, tenant: Tenant) -> str:
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    body = {"sub_program_id": str(sub), "title": "Our new plant opens"}
    created = await client.post("/v1/content", json=body, headers=tenant.headers(admin=True))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def read(client: httpx.AsyncClient, tenant: Tenant, item_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/content/{item_id}", headers=tenant.headers(admin=True))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_erased_person_is_no_longer_named(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    person = uuid.uuid4()
    ours, theirs = Tenant(admin_id=person), Tenant(admin_id=person)  # one id, two orgs
    mine, other = await item_by(client, settings, ours), await item_by(client, settings, theirs)
    erased = AmbassadorErasedV1(
        org_id=ours.org_id, user_id=person, reason="requested", erased_at=datetime.now(UTC)
    )
    envelope = Envelope.wrap(erased, source="/test", subject="p", key=str(person))
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), [envelope])
    after = await eventually(
        lambda: read(client, ours, mine), lambda item: item["created_by"] != str(person)
    )
    assert after["title"] == "Our new plant opens"
    assert after["author_id"] == after["created_by"]  # one pseudonym per erasure
    assert (await read(client, theirs, other))["created_by"] == str(person)
