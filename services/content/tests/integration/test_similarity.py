"""Anti-parrot on real PostgreSQL: scores against captions and colleagues' posts, recording one
post per person, item and network, and the circulation of an item's texts."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program, member
from content.config import Settings
from content.main import build_app

Headers = dict[str, str]
CAPTION = "Our new plant opens in Lyon today: 200 jobs and zero emissions. #ACME"


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


async def published_item(
    client: httpx.AsyncClient, settings: Settings, tenant: Tenant, *, publish: bool = True
) -> tuple[str, uuid.UUID]:
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    body = {"title": "Plant", "sub_program_ids": [str(sub)]}
    content_id = (await client.post("/v1/content", json=body, headers=admin)).json()["id"]
    if publish:
        done = await client.post(f"/v1/content/{content_id}/approve", headers=admin)
        assert done.status_code == 200, done.text
    caption = {"network": "linkedin", "text": CAPTION}
    made = await client.post(f"/v1/content/{content_id}/captions", json=caption, headers=admin)
    assert made.status_code == 201, made.text
    return content_id, sub


async def ambassador(settings: Settings, tenant: Tenant, sub: uuid.UUID) -> Headers:
    user = uuid.uuid4()
    await member(settings.database_url, org_id=tenant.org_id, user_id=user, sub_program_id=sub)
    return tenant.headers(user_id=user, roles=["employee"])


async def similar(
    client: httpx.AsyncClient, content_id: str, headers: Headers, text: str, **body: Any
) -> httpx.Response:
    payload = {"text": text, "network": "linkedin"} | body
    return await client.post(f"/v1/content/{content_id}/similarity", json=payload, headers=headers)


async def test_similarity_of_the_caption_with_a_link_is_verbatim(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, sub = await published_item(client, settings, tenant)
    person = await ambassador(settings, tenant, sub)

    answer = await similar(client, content_id, person, CAPTION.upper() + " https://t.co/abc")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["score"], body["verdict"], body["closest"]["source"]) == (
        1.0,
        "verbatim",
        "caption",
    )
    assert body["thresholds"] == {"verbatim": 0.95, "close": 0.75}
    assert (body["compared"], body["recorded"]) == (1, False)


async def test_similarity_of_an_own_text_is_personalised(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, sub = await published_item(client, settings, tenant)
    person = await ambassador(settings, tenant, sub)

    mine = "Three years on this site with my team, and Lyon finally gets its plant. Proud!"
    answer = await similar(client, content_id, person, mine)

    assert answer.json()["verdict"] == "personalised"
    assert answer.json()["score"] < 0.75


async def test_similarity_compares_with_a_colleagues_recorded_post(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, sub = await published_item(client, settings, tenant)
    alice, bob = await ambassador(settings, tenant, sub), await ambassador(settings, tenant, sub)
    own = "Three years on this site with my team, and Lyon finally gets its plant. Proud!"

    recorded = await similar(client, content_id, alice, own, record=True)
    bobs = await similar(client, content_id, bob, own + " Indeed.")
    on_x = await similar(client, content_id, bob, own, network="x")
    alice_again = await similar(client, content_id, alice, own)

    assert recorded.json()["recorded"] is True
    assert bobs.json()["closest"]["source"] == "post"
    assert bobs.json()["verdict"] == "verbatim"
    assert on_x.json()["verdict"] == "personalised"  # colleagues' posts of the same network only
    assert alice_again.json()["verdict"] == "personalised"  # never compared with one's own post


async def test_similarity_record_keeps_one_post_per_person_and_network(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, sub = await published_item(client, settings, tenant)
    alice = await ambassador(settings, tenant, sub)
    admin = tenant.headers(admin=True)

    answers = await asyncio.gather(
        similar(client, content_id, alice, CAPTION, record=True),
        similar(client, content_id, alice, "Completely my own words about it", record=True),
    )
    circulation = await client.get(f"/v1/content/{content_id}/circulation", headers=admin)

    assert [a.status_code for a in answers] == [200, 200]
    linkedin = next(n for n in circulation.json()["networks"] if n["network"] == "linkedin")
    assert linkedin["posts_recorded"] == 1


async def test_circulation_counts_distinct_texts_and_rates(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, sub = await published_item(client, settings, tenant)
    texts = [
        CAPTION,
        CAPTION + " https://acme.example/l/123",
        "So proud! " + CAPTION,
        "Three years on this site with my team, and Lyon finally gets its plant.",
    ]
    for text in texts:
        person = await ambassador(settings, tenant, sub)
        assert (await similar(client, content_id, person, text, record=True)).status_code == 200

    answer = await client.get(
        f"/v1/content/{content_id}/circulation", headers=tenant.headers(admin=True)
    )

    assert answer.status_code == 200
    networks = {n["network"]: n for n in answer.json()["networks"]}
    assert set(networks) == {"linkedin", "x", "facebook", "instagram", "custom"}
    linkedin = networks["linkedin"]
    assert (linkedin["variants_offered"], linkedin["posts_recorded"]) == (1, 4)
    assert linkedin["distinct_texts"] == 2
    assert (linkedin["verbatim"], linkedin["close"], linkedin["personalised"]) == (2, 1, 1)
    assert (linkedin["personalised_rate"], linkedin["verbatim_rate"]) == (0.25, 0.5)
    assert networks["x"]["personalised_rate"] is None


async def test_similarity_record_refused_for_drafts_and_api_keys(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, _ = await published_item(client, settings, tenant, publish=False)
    admin = tenant.headers(admin=True)

    draft = await similar(client, content_id, admin, CAPTION, record=True)
    dry = await similar(client, content_id, admin, CAPTION)

    assert draft.status_code == 409 and draft.json()["errors"][0]["field"] == "record"
    assert dry.status_code == 200


async def test_similarity_and_circulation_access(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant, other = Tenant(), Tenant()
    content_id, sub = await published_item(client, settings, tenant)
    person = await ambassador(settings, tenant, sub)
    outsider = tenant.headers(user_id=uuid.uuid4(), roles=["employee"])
    reviewer_id = uuid.uuid4()
    await grant(
        settings.database_url,
        org_id=tenant.org_id,
        user_id=reviewer_id,
        scope_id=sub,
        role="reviewer",
    )
    reviewer = tenant.headers(user_id=reviewer_id, roles=["reviewer"])
    analyst = tenant.headers(user_id=uuid.uuid4(), roles=["analyst"])
    circulation = f"/v1/content/{content_id}/circulation"

    assert (await similar(client, content_id, outsider, CAPTION)).status_code == 404
    assert (
        await similar(client, content_id, other.headers(admin=True), CAPTION)
    ).status_code == 404
    assert (await client.get(circulation, headers=person)).status_code == 403
    assert (await client.get(circulation, headers=outsider)).status_code == 404
    assert (await client.get(circulation, headers=other.headers(admin=True))).status_code == 404
    assert (await client.get(circulation, headers=reviewer)).status_code == 200
    assert (await client.get(circulation, headers=analyst)).status_code == 200


async def test_similarity_rejects_malformed_body(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    content_id, _ = await published_item(client, settings, tenant)

    answer = await similar(
        client, content_id, tenant.headers(admin=True), "", network="myspace", record="maybe"
    )

    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"text", "network", "record"}
