"""Content API against real PostgreSQL (migrated) and real Kafka."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import known_sub_program
from advocacy_testing.kafka import read_all
from common.events.contracts.content import TOPIC, ContentPublishedV1
from content import worker
from content.config import Settings
from content.main import build_app


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


SUB_PROGRAMS: dict[uuid.UUID, uuid.UUID] = {}
PUBLISHED = b"content.item.published.v1"


@pytest.fixture
async def known(settings: Settings) -> Callable[[], Awaitable[Tenant]]:
    """Makes tenants that each have one sub-program content knows."""

    async def make() -> Tenant:
        tenant = Tenant()
        SUB_PROGRAMS[tenant.org_id] = await known_sub_program(
            settings.database_url, org_id=tenant.org_id
        )
        return tenant

    return make


def draft(tenant: Tenant, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "sub_program_id": str(SUB_PROGRAMS[tenant.org_id]),
        "title": "Our new plant opens",
        "url": "https://example.com/plant",
    }
    return body | overrides


async def test_approve_publishes_one_event_with_cloudevents_headers(
    client: httpx.AsyncClient, settings: Settings, known: Callable[[], Awaitable[Tenant]]
) -> None:
    tenant = await known()
    created = await client.post(
        "/v1/content", json=draft(tenant), headers=tenant.headers(admin=True)
    )
    assert created.status_code == 201
    item = created.json()

    approved = await client.post(
        f"/v1/content/{item['id']}/approve",
        headers=tenant.headers(admin=True) | {"x-request-id": "trace-approve-1"},
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "published"

    # Created, approved, published: the item's whole story, in order, on its key.
    records = await read_all(settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=3)
    types = [dict(r.headers)["ce_type"] for r in records]
    assert types == [b"content.item.created.v1", b"content.item.approved.v1", PUBLISHED]
    record = records[2]
    headers = dict(record.headers)
    event = ContentPublishedV1.model_validate_json(record.value)
    assert record.key == item["id"].encode()
    assert headers["ce_type"] == b"content.item.published.v1"
    assert headers["ce_orgid"] == str(tenant.org_id).encode()
    assert headers["ce_subprogramid"] == item["sub_program_id"].encode()
    assert headers["ce_correlationid"] == b"trace-approve-1"  # the request's id travels on
    assert (event.content_id, event.url) == (uuid.UUID(item["id"]), "https://example.com/plant")


async def test_approve_twice_is_a_conflict(
    client: httpx.AsyncClient, known: Callable[[], Awaitable[Tenant]]
) -> None:
    tenant = await known()
    item = (
        await client.post("/v1/content", json=draft(tenant), headers=tenant.headers(admin=True))
    ).json()
    await client.post(f"/v1/content/{item['id']}/approve", headers=tenant.headers(admin=True))
    again = await client.post(
        f"/v1/content/{item['id']}/approve", headers=tenant.headers(admin=True)
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "status"


async def test_other_tenant_cannot_see_or_approve(
    client: httpx.AsyncClient, known: Callable[[], Awaitable[Tenant]]
) -> None:
    owner, intruder = await known(), await known()
    item = (
        await client.post("/v1/content", json=draft(owner), headers=owner.headers(admin=True))
    ).json()

    seen = await client.get(f"/v1/content/{item['id']}", headers=intruder.headers(admin=True))
    approved = await client.post(
        f"/v1/content/{item['id']}/approve", headers=intruder.headers(admin=True)
    )
    listed = await client.get("/v1/content", headers=intruder.headers(admin=True))

    assert seen.status_code == 404
    assert approved.status_code == 404
    assert listed.json()["items"] == []


async def test_employee_cannot_create_content(
    client: httpx.AsyncClient, known: Callable[[], Awaitable[Tenant]]
) -> None:
    tenant = await known()
    response = await client.post("/v1/content", json=draft(tenant), headers=tenant.headers())
    assert response.status_code == 403


async def test_bad_input_names_the_field(
    client: httpx.AsyncClient, known: Callable[[], Awaitable[Tenant]]
) -> None:
    tenant = await known()
    response = await client.post(
        "/v1/content", json=draft(tenant, url="not a url"), headers=tenant.headers(admin=True)
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["url"]


async def test_list_pages_through_everything_once(
    client: httpx.AsyncClient, known: Callable[[], Awaitable[Tenant]]
) -> None:
    tenant = await known()
    for i in range(5):
        await client.post(
            "/v1/content", json=draft(tenant, title=f"t{i}"), headers=tenant.headers(admin=True)
        )
    analyst = tenant.headers(roles=["analyst"])  # reads every item of the organisation
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/content", params=params, headers=analyst)).json()
        seen += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"t{i}" for i in reversed(range(5))]


async def test_employee_does_not_list_drafts(
    client: httpx.AsyncClient, known: Callable[[], Awaitable[Tenant]]
) -> None:
    tenant = await known()
    created = await client.post(
        "/v1/content", json=draft(tenant), headers=tenant.headers(admin=True)
    )

    listed = await client.get("/v1/content", headers=tenant.headers())
    seen = await client.get(f"/v1/content/{created.json()['id']}", headers=tenant.headers())

    assert listed.json()["items"] == []
    assert seen.status_code == 404


async def test_page_size_is_bounded(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/content", params={"limit": 1000}, headers=Tenant().headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"
