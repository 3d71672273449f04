"""Content items: kinds and their details, several targets, translations, edits and revisions,
the library's filters and full-text search — on real PostgreSQL, events read back from Kafka."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import known_sub_program
from advocacy_testing.kafka import read_all
from common.events.contracts.content import TOPIC, ContentRevisedV1
from content import worker
from content.config import Settings
from content.main import build_app

Json = dict[str, Any]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


async def two_sub_programs(settings: Settings, tenant: Tenant) -> tuple[str, str, str]:
    """Program P with sub-programs S1 and S2 that content knows; (P, S1, S2)."""
    program = uuid.uuid4()
    first = await known_sub_program(settings.database_url, org_id=tenant.org_id, program_id=program)
    second = await known_sub_program(
        settings.database_url, org_id=tenant.org_id, program_id=program
    )
    return str(program), str(first), str(second)


async def create(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> Json:
    response = await client.post("/v1/content", json=body, headers=tenant.headers(admin=True))
    assert response.status_code == 201, response.text
    return dict(response.json())


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


async def test_create_each_kind_with_its_details(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    media = {"media": [{"type": "image", "url": "https://cdn.example/a.png", "alt_text": "Team"}]}
    points = {"occasion": "Student forum", "points": [{"question": "Remote?", "answer": "Yes"}]}
    kinds = {
        "article": {"url": "https://example.com/a"},
        "post": {"body": "We are hiring"},
        "media": {"details": media},
        "talking_points": {"details": points},
        "event": {"details": {"starts_at": "2027-03-01T09:00:00Z", "location": "Lyon"}},
        "crisis_message": {"details": {"severity": "critical", "facts": ["Plant closed today"]}},
    }
    for kind, extra in kinds.items():
        item = await create(client, tenant, kind=kind, title=kind, sub_program_ids=[s1], **extra)
        assert (item["kind"], item["status"], item["sub_program_ids"]) == (kind, "draft", [s1])
        assert item["details"] == extra.get("details", {})


async def test_bad_details_list_every_problem_by_field(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    body = {
        "kind": "media",
        "title": "Pictures",
        "sub_program_ids": [s1],
        "details": {"media": [{"type": "gif", "url": "nope"}]},
    }
    response = await client.post("/v1/content", json=body, headers=tenant.headers(admin=True))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert set(fields(response)) == {
        "details.media.0.type",
        "details.media.0.url",
        "details.media.0.alt_text",
    }


async def test_unknown_and_foreign_targets_are_one_422_naming_each(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    owner, other = Tenant(), Tenant()
    _, s1, _ = await two_sub_programs(settings, owner)
    _, foreign, _ = await two_sub_programs(settings, other)
    unknown, unknown_program = str(uuid.uuid4()), str(uuid.uuid4())
    body = {
        "title": "Aimed badly",
        "sub_program_ids": [s1, foreign, unknown],
        "program_ids": [unknown_program],
    }
    response = await client.post("/v1/content", json=body, headers=owner.headers(admin=True))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["sub_program_ids", "sub_program_ids", "program_ids"]
    named = " ".join(e["message"] for e in errors)
    assert foreign in named and unknown in named and unknown_program in named
    listed = await client.get("/v1/content", headers=owner.headers(admin=True))
    assert listed.json()["items"] == []  # nothing half-written


async def test_a_program_target_stands_for_its_sub_programs(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    program, s1, s2 = await two_sub_programs(settings, tenant)
    item = await create(client, tenant, title="To all of P", program_ids=[program])
    assert sorted(item["sub_program_ids"]) == sorted([s1, s2])
    assert item["program_ids"] == [program]

    await client.post(f"/v1/content/{item['id']}/approve", headers=tenant.headers(admin=True))
    records = await read_all(settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=4)
    published = [r for r in records if dict(r.headers)["ce_type"] == b"content.item.published.v1"]
    # One record per target, each with its own sub-program header, so filters need no decoding.
    assert sorted(dict(r.headers)["ce_subprogramid"].decode() for r in published) == sorted(
        [s1, s2]
    )


async def test_translation_is_a_linked_version_with_its_original_targets(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    original = await create(client, tenant, title="Launch", sub_program_ids=[s1], networks=["x"])
    french = await create(
        client, tenant, title="Lancement", language="fr", translation_of=original["id"]
    )
    same_language = await client.post(
        "/v1/content",
        json={"title": "Again", "translation_of": original["id"]},
        headers=tenant.headers(admin=True),
    )
    versions = await client.get(
        f"/v1/content/{french['id']}/translations", headers=tenant.headers(admin=True)
    )

    assert french["translation_group_id"] == original["id"]
    assert (french["sub_program_ids"], french["networks"]) == ([s1], ["x"])
    assert (same_language.status_code, fields(same_language)) == (422, ["language"])
    assert [v["language"] for v in versions.json()] == ["en", "fr"]


async def test_concurrent_translations_into_one_language_make_one(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    original = await create(client, tenant, title="Launch", sub_program_ids=[s1])
    body = {"title": "Lanzamiento", "language": "es", "translation_of": original["id"]}
    first, second = await asyncio.gather(
        client.post("/v1/content", json=body, headers=tenant.headers(admin=True)),
        client.post("/v1/content", json=body, headers=tenant.headers(admin=True)),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]


async def test_edit_of_a_draft_changes_it_in_place(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    _, s1, s2 = await two_sub_programs(settings, tenant)
    item = await create(client, tenant, title="Draft", sub_program_ids=[s1], topics=["csr"])
    edited = await client.patch(
        f"/v1/content/{item['id']}",
        json={"title": "Better", "topics": ["innovation"], "targeting": {"sub_program_ids": [s2]}},
        headers=tenant.headers(admin=True),
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["title"], body["topics"], body["sub_program_ids"], body["revision"]) == (
        "Better",
        ["innovation"],
        [s2],
        1,
    )


async def test_edit_after_publication_is_a_revision_consumers_receive(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    item = await create(client, tenant, title="Plant opens", sub_program_ids=[s1])
    await client.post(f"/v1/content/{item['id']}/approve", headers=tenant.headers(admin=True))
    revised = await client.patch(
        f"/v1/content/{item['id']}",
        json={"title": "Plant opens on Monday"},
        headers=tenant.headers(admin=True),
    )
    assert (revised.status_code, revised.json()["revision"]) == (200, 2)

    records = await read_all(settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=4)
    [record] = [r for r in records if dict(r.headers)["ce_type"] == b"content.item.revised.v1"]
    event = ContentRevisedV1.model_validate_json(record.value)
    assert (event.revision, event.title, event.sub_program_id) == (
        2,
        "Plant opens on Monday",
        uuid.UUID(s1),
    )


async def test_items_under_review_are_frozen(client: httpx.AsyncClient, settings: Settings) -> None:
    tenant = Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    item = await create(client, tenant, title="In review", sub_program_ids=[s1])
    await client.post(f"/v1/content/{item['id']}/submit", headers=tenant.headers(admin=True))
    edited = await client.patch(
        f"/v1/content/{item['id']}", json={"title": "Sneaky"}, headers=tenant.headers(admin=True)
    )
    assert (edited.status_code, fields(edited)) == (409, ["status"])


async def test_library_filters_combine(client: httpx.AsyncClient, settings: Settings) -> None:
    tenant = Tenant()
    program, s1, s2 = await two_sub_programs(settings, tenant)
    await create(client, tenant, title="a", sub_program_ids=[s1], topics=["csr"], networks=["x"])
    await create(client, tenant, title="b", sub_program_ids=[s2], topics=["csr"], language="fr")
    await create(client, tenant, title="c", sub_program_ids=[s1], kind="post", body="Hello")
    admin = tenant.headers(admin=True)

    async def titles(**params: Any) -> list[str]:
        response = await client.get("/v1/content", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert await titles(topic="csr") == ["b", "a"]
    assert await titles(sub_program_id=s1) == ["c", "a"]
    assert await titles(program_id=program, language="fr") == ["b"]
    assert await titles(kind="post") == ["c"]
    # Items naming no network are for every network; "a" names only X.
    assert await titles(network="linkedin") == ["c", "b"]
    assert await titles(network="x") == ["c", "b", "a"]
    assert await titles(status="published") == []
    bad = await client.get("/v1/content", params={"network": "myspace"}, headers=admin)
    assert (bad.status_code, fields(bad)) == (422, ["network"])


async def test_full_text_search_finds_words_in_title_and_body(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant, other = Tenant(), Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    _, foreign, _ = await two_sub_programs(settings, other)
    await create(client, tenant, title="Solar plant opens", sub_program_ids=[s1])
    await create(client, tenant, title="Hiring", body="Our solar team grows", sub_program_ids=[s1])
    await create(client, tenant, title="Wind farm", sub_program_ids=[s1])
    await create(client, other, title="Solar elsewhere", sub_program_ids=[foreign])

    async def found(q: str) -> list[str]:
        response = await client.get(
            "/v1/content", params={"q": q}, headers=tenant.headers(admin=True)
        )
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert await found("solar") == ["Hiring", "Solar plant opens"]
    assert await found("solar team") == ["Hiring"]
    assert await found("solar -team") == ["Solar plant opens"]  # websearch syntax
    assert await found("nuclear") == []


async def test_campaign_must_be_one_of_the_organisations(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant, other = Tenant(), Tenant()
    _, s1, _ = await two_sub_programs(settings, tenant)
    _, foreign, _ = await two_sub_programs(settings, other)
    moment = {"name": "Launch", "kind": "launch", "starts_at": "2027-05-01T09:00:00Z"}
    theirs = await client.post(
        "/v1/campaigns",
        json=moment | {"targeting": {"sub_program_ids": [foreign]}},
        headers=other.headers(admin=True),
    )
    assert theirs.status_code == 201, theirs.text
    mine = await client.post(
        "/v1/campaigns",
        json=moment | {"targeting": {"sub_program_ids": [s1]}},
        headers=tenant.headers(admin=True),
    )
    body = {"title": "Launch day", "sub_program_ids": [s1]}
    linked = await create(client, tenant, **body, campaign_id=mine.json()["id"])
    refused = await client.post(
        "/v1/content",
        json=body | {"campaign_id": theirs.json()["id"]},
        headers=tenant.headers(admin=True),
    )
    assert linked["campaign_id"] == mine.json()["id"]
    assert (refused.status_code, fields(refused)) == (422, ["campaign_id"])
