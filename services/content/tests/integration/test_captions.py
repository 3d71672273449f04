"""Caption variants per network and language: who writes and reads them, the rules they follow,
their bounds and races, and the rotation across ambassadors — on real PostgreSQL."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program, member
from content.config import Settings
from content.main import build_app

Json = dict[str, Any]
Headers = dict[str, str]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


@dataclass
class Org:
    """A tenant with a program, one sub-program content knows, and its people."""

    tenant: Tenant = field(default_factory=Tenant)
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    sub: uuid.UUID = field(default_factory=uuid.uuid4)
    member: uuid.UUID = field(default_factory=uuid.uuid4)
    reviewer: uuid.UUID = field(default_factory=uuid.uuid4)
    manager: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def as_(self, user_id: uuid.UUID, *roles: str) -> Headers:
        return self.tenant.headers(user_id=user_id, roles=list(roles))


async def known_org(settings: Settings) -> Org:
    org = Org()
    url, org_id = settings.database_url, org.tenant.org_id
    org.sub = await known_sub_program(url, org_id=org_id, program_id=org.program)
    await member(url, org_id=org_id, user_id=org.member, sub_program_id=org.sub)
    await grant(url, org_id=org_id, user_id=org.reviewer, scope_id=org.sub, role="reviewer")
    await grant(
        url,
        org_id=org_id,
        user_id=org.manager,
        scope_id=org.program,
        role="program_manager",
        scope_type="program",
    )
    return org


async def item(client: httpx.AsyncClient, org: Org, *, publish: bool = False, **body: Any) -> Json:
    payload = {"title": "Plant opens", "sub_program_ids": [str(org.sub)]} | body
    created = await client.post("/v1/content", json=payload, headers=org.admin)
    assert created.status_code == 201, created.text
    if publish:
        done = await client.post(f"/v1/content/{created.json()['id']}/approve", headers=org.admin)
        assert done.status_code == 200, done.text
    return dict(created.json())


async def add_caption(
    client: httpx.AsyncClient, org: Org, content: Json, headers: Headers | None = None, **body: Any
) -> httpx.Response:
    payload = {"network": "linkedin", "text": "Our plant opens today"} | body
    return await client.post(
        f"/v1/content/{content['id']}/captions", json=payload, headers=headers or org.admin
    )


def problem(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit(":", 1)[-1]


def codes(response: httpx.Response) -> list[str]:
    return [error.get("code", "") for error in response.json()["errors"]]


async def test_create_caption_defaults_language_and_tells_delivery(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org, language="fr")
    linkedin = await add_caption(client, org, content, label="short")
    facebook = await add_caption(client, org, content, network="facebook", language="en-gb")

    assert linkedin.status_code == 201, linkedin.text
    body = linkedin.json()
    assert (body["network"], body["language"], body["delivery"]) == ("linkedin", "fr", "prefill")
    assert (body["label"], body["problems"], body["content_id"]) == ("short", [], content["id"])
    assert facebook.status_code == 201, facebook.text
    assert (facebook.json()["language"], facebook.json()["delivery"]) == ("en-GB", "copy")
    for network in ("instagram", "x", "custom"):
        made = await add_caption(client, org, content, network=network)
        expected = "copy" if network == "instagram" else "prefill"
        assert made.json()["delivery"] == expected


async def test_list_captions_filters_by_network_and_language_and_paginates(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)
    for index in range(3):
        await add_caption(client, org, content, text=f"LinkedIn angle number {index}")
    await add_caption(client, org, content, network="x", text="Short one")
    await add_caption(client, org, content, language="de", text="Unser Werk")
    url = f"/v1/content/{content['id']}/captions"

    first = await client.get(url, params={"network": "linkedin", "limit": 2}, headers=org.admin)
    rest = await client.get(
        url,
        params={"network": "linkedin", "limit": 2, "cursor": first.json()["next_cursor"]},
        headers=org.admin,
    )
    german = await client.get(url, params={"language": "DE"}, headers=org.admin)
    bad = await client.get(url, params={"network": "myspace"}, headers=org.admin)

    texts = [c["text"] for c in first.json()["items"] + rest.json()["items"]]
    assert texts == ["Unser Werk", *(f"LinkedIn angle number {i}" for i in (2, 1, 0))]
    assert rest.json()["next_cursor"] is None
    assert [c["text"] for c in german.json()["items"]] == ["Unser Werk"]
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "network"


async def test_create_caption_lists_every_broken_rule_in_one_422(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    program_rules = {"banned_terms": ["cheap"], "disclosures": ["#employee", "I work at ACME"]}
    sub_rules = {"required_hashtags": ["#ACMEgreen"], "signature": "— Team ACME"}
    for path, rules in (("programs", program_rules), ("sub-programs", sub_rules)):
        scope = org.program if path == "programs" else org.sub
        put = await client.put(f"/v1/caption-rules/{path}/{scope}", json=rules, headers=org.admin)
        assert put.status_code == 200, put.text
    content = await item(client, org)

    refused = await add_caption(client, org, content, network="x", text="Cheap! " + "a" * 300)
    accepted = await add_caption(
        client, org, content, text="I work at ACME and love it #acmegreen — Team ACME"
    )

    assert refused.status_code == 422
    assert problem(refused) == "caption_breaks_rules"
    assert {e["field"] for e in refused.json()["errors"]} == {"text"}
    assert codes(refused) == [
        "too_long",
        "missing_hashtag",
        "banned_term",
        "missing_signature",
        "missing_disclosure",
    ]
    assert accepted.status_code == 201, accepted.text
    listed = await client.get(f"/v1/content/{content['id']}/captions", headers=org.admin)
    assert len(listed.json()["items"]) == 1  # the refused one was not stored, nor "fixed"


async def test_get_caption_shows_problems_with_rules_set_after_it(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)
    made = (await add_caption(client, org, content, text="A cheap trick")).json()
    rules = {"banned_terms": ["cheap"]}
    await client.put(f"/v1/caption-rules/sub-programs/{org.sub}", json=rules, headers=org.admin)

    got = await client.get(f"/v1/content/{content['id']}/captions/{made['id']}", headers=org.admin)

    assert got.json()["text"] == "A cheap trick"  # kept as written, never rewritten
    assert [p["code"] for p in got.json()["problems"]] == ["banned_term"]


async def test_create_caption_by_reviewer_analyst_or_member_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    published = await item(client, org, publish=True)
    draft = await item(client, org)
    reviewer = org.as_(org.reviewer, "reviewer")
    analyst = org.as_(uuid.uuid4(), "analyst")
    a_member = org.as_(org.member, "employee")
    outsider = org.as_(uuid.uuid4(), "employee")

    assert (await add_caption(client, org, draft, reviewer)).status_code == 403
    assert (await add_caption(client, org, draft, analyst)).status_code == 403
    assert (await add_caption(client, org, published, a_member)).status_code == 403
    assert (await add_caption(client, org, draft, a_member)).status_code == 404
    assert (await add_caption(client, org, published, outsider)).status_code == 404
    manager = await add_caption(client, org, draft, org.as_(org.manager, "program_manager"))
    assert manager.status_code == 201, manager.text


async def test_read_captions_by_member_of_published_item_only(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    published = await item(client, org, publish=True)
    draft = await item(client, org)
    made = (await add_caption(client, org, published)).json()
    await add_caption(client, org, draft)
    a_member = org.as_(org.member, "employee")

    listed = await client.get(f"/v1/content/{published['id']}/captions", headers=a_member)
    one = await client.get(f"/v1/content/{published['id']}/captions/{made['id']}", headers=a_member)
    hidden = await client.get(f"/v1/content/{draft['id']}/captions", headers=a_member)

    assert [c["id"] for c in listed.json()["items"]] == [made["id"]]
    assert one.status_code == 200
    assert hidden.status_code == 404 and hidden.json()["errors"][0]["field"] == "content_id"


async def test_captions_of_another_organisation_are_not_found(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    content = await item(client, org, publish=True)
    theirs = await item(client, other, publish=True)
    made = (await add_caption(client, org, content)).json()
    base = f"/v1/content/{content['id']}/captions"

    answers = [
        await client.get(base, headers=other.admin),
        await add_caption(client, other, content),
        await client.get(f"{base}/{made['id']}", headers=other.admin),
        await client.patch(f"{base}/{made['id']}", json={"label": "x"}, headers=other.admin),
        await client.delete(f"{base}/{made['id']}", headers=other.admin),
        await client.get(f"{base}/suggestion?network=linkedin", headers=other.admin),
    ]
    # Their own item, our caption's id: still not theirs.
    crossed = await client.get(
        f"/v1/content/{theirs['id']}/captions/{made['id']}", headers=other.admin
    )

    assert [a.status_code for a in answers] == [404] * 6
    assert crossed.status_code == 404 and crossed.json()["errors"][0]["field"] == "caption_id"


async def test_create_caption_concurrent_duplicates_one_created_one_conflict(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)

    first, second = await asyncio.gather(
        add_caption(client, org, content, text="Same words"),
        add_caption(client, org, content, text="same words!"),
    )

    assert sorted([first.status_code, second.status_code]) == [201, 409]
    lost = first if first.status_code == 409 else second
    assert (problem(lost), lost.json()["errors"][0]["field"]) == ("caption_exists", "text")
    other_network = await add_caption(client, org, content, network="x", text="Same words")
    assert other_network.status_code == 201


async def test_create_caption_beyond_twenty_per_network_and_language_conflicts(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)
    for index in range(19):
        made = await add_caption(client, org, content, text=f"Angle {index}")
        assert made.status_code == 201, made.text

    # Two different texts race for the last slot: one gets it.
    first, second = await asyncio.gather(
        add_caption(client, org, content, text="Racer one"),
        add_caption(client, org, content, text="Racer two"),
    )
    statuses = sorted([first.status_code, second.status_code])
    other_language = await add_caption(client, org, content, language="es", text="Angle 0")

    assert statuses == [201, 409]
    lost = first if first.status_code == 409 else second
    assert (problem(lost), lost.json()["errors"][0]["field"]) == (
        "too_many_variants",
        "network",
    )
    assert other_language.status_code == 201


async def test_delete_caption_frees_its_slot_and_is_gone(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)
    ids = [(await add_caption(client, org, content, text=f"A{i}")).json()["id"] for i in range(20)]
    url = f"/v1/content/{content['id']}/captions/{ids[3]}"

    deleted = await client.delete(url, headers=org.admin)
    again = await client.delete(url, headers=org.admin)
    replacement = await add_caption(client, org, content, text="A fresh angle")

    assert deleted.status_code == 204
    assert again.status_code == 404 and again.json()["errors"][0]["field"] == "caption_id"
    assert replacement.status_code == 201


async def test_update_caption_checks_rules_and_duplicates(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    await client.put(
        f"/v1/caption-rules/programs/{org.program}",
        json={"banned_terms": ["cheap"]},
        headers=org.admin,
    )
    content = await item(client, org)
    first = (await add_caption(client, org, content, text="First angle")).json()
    second = (await add_caption(client, org, content, text="Second angle")).json()
    url = f"/v1/content/{content['id']}/captions/{second['id']}"

    banned = await client.patch(url, json={"text": "A cheap angle"}, headers=org.admin)
    duplicate = await client.patch(url, json={"text": "FIRST angle"}, headers=org.admin)
    extra = await client.patch(url, json={"network": "x"}, headers=org.admin)
    edited = await client.patch(url, json={"text": "Better angle", "label": "b"}, headers=org.admin)

    assert banned.status_code == 422 and codes(banned) == ["banned_term"]
    assert duplicate.status_code == 409 and problem(duplicate) == "caption_exists"
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "network"
    assert edited.status_code == 200, edited.text
    assert (edited.json()["text"], edited.json()["label"]) == ("Better angle", "b")
    assert first["id"] != second["id"]


async def test_create_caption_of_archived_item_conflicts(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)
    archived = await client.post(f"/v1/content/{content['id']}/archive", headers=org.admin)
    assert archived.status_code == 200, archived.text

    refused = await add_caption(client, org, content)

    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "status"


async def test_create_caption_with_idempotency_key_replays(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)
    headers = org.admin | {"Idempotency-Key": "caption-1"}

    first = await add_caption(client, org, content, headers)
    replay = await add_caption(client, org, content, headers)
    other_body = await add_caption(client, org, content, headers, text="Another")

    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert other_body.status_code == 422


async def test_create_caption_rejects_malformed_fields(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org)

    answer = await add_caption(
        client, org, content, network="tiktok", language="not a tag", text="", extra=1
    )

    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"network", "language", "text", "extra"}


async def test_suggestion_is_stable_per_person_and_spreads_colleagues(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org, publish=True)
    texts = {f"Angle {i}" for i in range(3)}
    for text in sorted(texts):
        await add_caption(client, org, content, text=text)
    await add_caption(client, org, content, network="x", text="Not for LinkedIn")
    url = f"/v1/content/{content['id']}/captions/suggestion"
    people = [org.as_(uuid.uuid4(), "org_admin") for _ in range(30)]

    chosen = [
        (await client.get(url, params={"network": "linkedin"}, headers=person)).json()
        for person in people
    ]
    again = (await client.get(url, params={"network": "linkedin"}, headers=people[0])).json()

    assert {c["text"] for c in chosen} == texts  # 30 colleagues reach every variant
    assert again["id"] == chosen[0]["id"]
    assert chosen[0]["rotation"]["of"] == 3
    assert {c["rotation"]["index"] for c in chosen} == {0, 1, 2}


async def test_suggestion_without_variant_is_not_found(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    content = await item(client, org, publish=True)
    await add_caption(client, org, content, language="de", text="Unser Werk")
    url = f"/v1/content/{content['id']}/captions/suggestion"

    missing = await client.get(url, params={"network": "linkedin"}, headers=org.admin)
    german = await client.get(
        url, params={"network": "linkedin", "language": "de"}, headers=org.admin
    )
    no_network = await client.get(url, headers=org.admin)

    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "network"
    assert german.json()["text"] == "Unser Werk"
    assert no_network.status_code == 422 and no_network.json()["errors"][0]["field"] == "network"
