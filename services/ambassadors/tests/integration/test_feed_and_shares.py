"""Ambassadors service with its real consumer, PostgreSQL and Kafka."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from advocacy_testing.apps import Tenant, new_sub_program, serving
from advocacy_testing.kafka import publish, read_all
from advocacy_testing.polling import eventually
from ambassadors import worker
from ambassadors.config import Settings
from ambassadors.main import build_app
from common.events.contracts import ambassadors as events
from common.events.contracts import content
from common.events.envelope import Envelope


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


def published_event(
    tenant: Tenant, sub_program_id: str, url: str | None = "https://example.com/a"
) -> Envelope:
    payload = content.ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=tenant.org_id,
        sub_program_id=uuid.UUID(sub_program_id),
        kind="article",
        title="A story",
        url=url,
        published_at=datetime.now(UTC),
    )
    return Envelope.wrap(payload, source="/test", subject="c", key=str(payload.content_id))


async def feed(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, object]]:
    response = await client.get("/v1/me/feed", headers=headers)
    assert response.status_code == 200
    return list(response.json()["items"])


async def member_with_item(
    client: httpx.AsyncClient, settings: Settings, *, audience: int
) -> tuple[dict[str, str], Envelope]:
    """A LinkedIn member of a new sub-program whose feed already holds one published item."""
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = tenant.headers(user_id=uuid.uuid4())
    membership = {"network": "linkedin", "audience_size": audience}
    joined = await client.post(f"/v1/sub-programs/{sub_id}/members", json=membership, headers=me)
    assert joined.status_code == 201
    event = published_event(tenant, sub_id)
    await publish(settings.kafka_bootstrap_servers, settings.topic(content.TOPIC), [event])
    await eventually(lambda: feed(client, me), lambda items: len(items) == 1)
    return me, event


async def join(
    client: httpx.AsyncClient, sub_id: str, headers: dict[str, str], audience: int = 500
) -> None:
    membership = {"network": "linkedin", "audience_size": audience}
    joined = await client.post(
        f"/v1/sub-programs/{sub_id}/members", json=membership, headers=headers
    )
    assert joined.status_code == 201


async def test_published_content_reaches_its_sub_programs_members_only(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant, other_tenant = Tenant(), Tenant()
    target, sibling = await new_sub_program(client, tenant), await new_sub_program(client, tenant)
    member = tenant.headers(user_id=uuid.uuid4())
    sibling_member = tenant.headers(user_id=uuid.uuid4())  # an ambassador, of another group
    await join(client, target, member)
    await join(client, sibling, sibling_member)
    # Another organisation's event naming our sub-program must reach no one of ours.
    foreign = published_event(other_tenant, target)
    event = published_event(tenant, target)
    # The sibling's own item, published last on the same partition, tells when all were handled.
    marker = replace(published_event(tenant, sibling), key=event.key)
    foreign = replace(foreign, key=event.key)
    topic = settings.topic(content.TOPIC)
    await publish(settings.kafka_bootstrap_servers, topic, [foreign, event, marker])

    sibling_items = await eventually(
        lambda: feed(client, sibling_member), lambda items: len(items) == 1
    )
    assert sibling_items[0]["content_id"] == str(
        content.ContentPublishedV1.model_validate_json(marker.data).content_id
    )
    items = await feed(client, member)
    assert [i["content_id"] for i in items] == [
        str(content.ContentPublishedV1.model_validate_json(event.data).content_id)
    ]


async def test_share_gives_tracked_link_and_event_and_click_redirects(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    me, event = await member_with_item(client, settings, audience=800)

    shared = await client.post(
        "/v1/me/shares", json={"content_id": event.key, "network": "linkedin"}, headers=me
    )
    assert shared.status_code == 201
    share = shared.json()
    assert share["tracked_url"].startswith("https://go.example.com/l/")
    assert share["share_intent_url"].startswith("https://www.linkedin.com/sharing/share-offsite/")

    code = share["tracked_url"].rsplit("/", 1)[1]
    # A person's browser: link previews and scripts get the redirect but are not clicks.
    followed = await client.get(
        f"/l/{code}", headers={"User-Agent": "Mozilla/5.0 (X11) Firefox/121.0"}
    )
    assert followed.status_code == 302
    assert followed.headers["location"] == "https://example.com/a"

    # Program, sub-program, membership, program joined and social account declared come
    # first, on their own keys; then the share and its click.
    everything = await read_all(
        settings.kafka_bootstrap_servers, settings.topic(events.TOPIC), expected=7
    )
    records = [r for r in everything if r.key == share["id"].encode()]
    types = [dict(r.headers)["ce_type"] for r in records]
    assert types == [b"ambassadors.share.created.v1", b"ambassadors.link.clicked.v1"]
    created = events.ShareCreatedV1.model_validate_json(records[0].value)
    assert (created.audience_size, created.network, str(created.share_id)) == (
        800,
        "linkedin",
        share["id"],
    )
    assert records[0].key == records[1].key


async def test_share_rules_name_the_field(client: httpx.AsyncClient, settings: Settings) -> None:
    me, event = await member_with_item(client, settings, audience=10)

    not_in_feed = await client.post(
        "/v1/me/shares", json={"content_id": str(uuid.uuid4()), "network": "linkedin"}, headers=me
    )
    no_profile = await client.post(
        "/v1/me/shares", json={"content_id": event.key, "network": "x"}, headers=me
    )
    first = await client.post(
        "/v1/me/shares", json={"content_id": event.key, "network": "linkedin"}, headers=me
    )
    twice = await client.post(
        "/v1/me/shares", json={"content_id": event.key, "network": "linkedin"}, headers=me
    )

    assert (not_in_feed.status_code, not_in_feed.json()["errors"][0]["field"]) == (
        404,
        "content_id",
    )
    assert (no_profile.status_code, no_profile.json()["errors"][0]["field"]) == (409, "network")
    assert first.status_code == 201
    assert (twice.status_code, twice.json()["errors"][0]["field"]) == (409, "network")


async def test_other_tenant_cannot_use_a_sub_program(client: httpx.AsyncClient) -> None:
    owner, intruder = Tenant(), Tenant()
    sub_id = await new_sub_program(client, owner)
    response = await client.post(
        f"/v1/sub-programs/{sub_id}/members",
        json={"network": "x", "audience_size": 1},
        headers=intruder.headers(),
    )
    assert response.status_code == 404


async def test_unknown_link_is_404_and_bad_audience_is_422(client: httpx.AsyncClient) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    unknown = await client.get("/l/doesnotexist")
    negative = await client.post(
        f"/v1/sub-programs/{sub_id}/members",
        json={"network": "x", "audience_size": -3},
        headers=tenant.headers(),
    )
    assert unknown.status_code == 404
    assert (negative.status_code, negative.json()["errors"][0]["field"]) == (422, "audience_size")


async def test_leaving_stops_new_content_and_twice_is_404(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = tenant.headers(user_id=uuid.uuid4())
    membership = {"network": "linkedin", "audience_size": 5}
    await client.post(f"/v1/sub-programs/{sub_id}/members", json=membership, headers=me)
    topic = settings.topic(content.TOPIC)
    # One key for all three events: one partition, so they are handled in publication order.
    first, second, third = (replace(published_event(tenant, sub_id), key=sub_id) for _ in range(3))
    await publish(settings.kafka_bootstrap_servers, topic, [first])
    await eventually(lambda: feed(client, me), lambda items: len(items) == 1)

    left = await client.delete(f"/v1/sub-programs/{sub_id}/members/me", headers=me)
    again = await client.delete(f"/v1/sub-programs/{sub_id}/members/me", headers=me)
    await publish(settings.kafka_bootstrap_servers, topic, [second])
    # Once anything reaches this new member, `second` (earlier, same partition) was handled.
    member = tenant.headers(user_id=uuid.uuid4())
    await client.post(f"/v1/sub-programs/{sub_id}/members", json=membership, headers=member)
    await publish(settings.kafka_bootstrap_servers, topic, [third])
    await eventually(lambda: feed(client, member), lambda items: len(items) == 1)

    assert left.status_code == 204
    assert (again.status_code, again.json()["errors"][0]["field"]) == (404, "sub_program_id")
    assert len(await feed(client, me)) == 1
