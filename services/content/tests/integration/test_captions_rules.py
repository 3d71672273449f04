"""Caption rules per program and sub-program, who reads and writes them, and the dry-run check."""

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

Headers = dict[str, str]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


@dataclass
class Org:
    tenant: Tenant = field(default_factory=Tenant)
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    sub: uuid.UUID = field(default_factory=uuid.uuid4)
    sibling: uuid.UUID = field(default_factory=uuid.uuid4)
    member: uuid.UUID = field(default_factory=uuid.uuid4)
    reviewer: uuid.UUID = field(default_factory=uuid.uuid4)  # on sub
    manager: uuid.UUID = field(default_factory=uuid.uuid4)  # on the program
    sub_manager: uuid.UUID = field(default_factory=uuid.uuid4)  # on sub only

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def as_(self, user_id: uuid.UUID, *roles: str) -> Headers:
        return self.tenant.headers(user_id=user_id, roles=list(roles))


async def known_org(settings: Settings) -> Org:
    org = Org()
    url, org_id = settings.database_url, org.tenant.org_id
    org.sub = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.sibling = await known_sub_program(url, org_id=org_id, program_id=org.program)
    await member(url, org_id=org_id, user_id=org.member, sub_program_id=org.sub)
    await grant(url, org_id=org_id, user_id=org.reviewer, scope_id=org.sub, role="reviewer")
    await grant(
        url, org_id=org_id, user_id=org.sub_manager, scope_id=org.sub, role="program_manager"
    )
    await grant(
        url,
        org_id=org_id,
        user_id=org.manager,
        scope_id=org.program,
        role="program_manager",
        scope_type="program",
    )
    return org


def program_url(org: Org) -> str:
    return f"/v1/caption-rules/programs/{org.program}"


def sub_url(org: Org, sub: uuid.UUID | None = None) -> str:
    return f"/v1/caption-rules/sub-programs/{sub or org.sub}"


async def test_put_rules_merges_sub_program_with_program(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    program = {
        "banned_terms": ["cheap"],
        "required_hashtags": ["#acme"],
        "disclosures": ["#employee"],
        "max_hashtags": 5,
    }
    sub = {
        "banned_terms": ["free", "Cheap"],
        "required_hashtags": ["esg"],
        "max_hashtags": 3,
        "signature": "— ESG team",
        "disclosures": ["#ad"],
    }

    put_program = await client.put(program_url(org), json=program, headers=org.admin)
    put_sub = await client.put(sub_url(org), json=sub, headers=org.admin)
    again = await client.put(sub_url(org), json=sub, headers=org.admin)
    got = await client.get(sub_url(org), headers=org.admin)

    assert put_program.status_code == put_sub.status_code == 200, put_sub.text
    assert (put_program.json()["version"], again.json()["version"]) == (1, 2)
    body = got.json()
    assert (body["scope_type"], body["program_id"]) == ("sub_program", str(org.program))
    assert body["banned_terms"] == ["free", "Cheap"]  # its own rules, as written
    effective = body["effective"]
    assert effective["signatures"] == [{"signature": "— ESG team", "at_end": True}]
    assert sorted(effective["disclosure_groups"]) == [["#ad"], ["#employee"]]
    assert (effective["max_hashtags"], effective["max_length"]) == (3, None)
    assert sorted(t.casefold() for t in effective["banned_terms"]) == ["cheap", "free"]
    assert sorted(effective["required_hashtags"]) == ["#acme", "esg"]


async def test_get_rules_before_any_is_empty_version_zero(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)

    got = await client.get(program_url(org), headers=org.admin)

    assert got.status_code == 200
    body = got.json()
    assert (body["version"], body["updated_at"], body["banned_terms"]) == (0, None, [])


async def test_rules_of_unknown_or_foreign_scopes_are_not_found(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)

    answers = [
        await client.get(program_url(org), headers=other.admin),
        await client.put(program_url(org), json={}, headers=other.admin),
        await client.get(sub_url(org), headers=other.admin),
        await client.put(sub_url(org), json={}, headers=other.admin),
        await client.get(f"/v1/caption-rules/programs/{uuid.uuid4()}", headers=org.admin),
        await client.get(sub_url(org, uuid.uuid4()), headers=org.admin),
    ]

    assert [a.status_code for a in answers] == [404] * 6
    fields = [a.json()["errors"][0]["field"] for a in answers]
    assert fields == [
        "program_id",
        "program_id",
        "sub_program_id",
        "sub_program_id",
        "program_id",
        "sub_program_id",
    ]


async def test_rules_readers_and_writers(client: httpx.AsyncClient, settings: Settings) -> None:
    org = await known_org(settings)
    reviewer = org.as_(org.reviewer, "reviewer")
    analyst = org.as_(uuid.uuid4(), "analyst")
    a_member = org.as_(org.member, "employee")
    manager = org.as_(org.manager, "program_manager")
    sub_manager = org.as_(org.sub_manager, "program_manager")

    assert (await client.get(sub_url(org), headers=reviewer)).status_code == 200
    assert (await client.get(program_url(org), headers=reviewer)).status_code == 200
    assert (await client.get(program_url(org), headers=analyst)).status_code == 200
    assert (await client.get(sub_url(org), headers=a_member)).status_code == 403
    assert (await client.get(sub_url(org, org.sibling), headers=reviewer)).status_code == 403
    assert (await client.put(sub_url(org), json={}, headers=reviewer)).status_code == 403
    assert (await client.put(sub_url(org), json={}, headers=analyst)).status_code == 403
    assert (await client.put(sub_url(org), json={}, headers=sub_manager)).status_code == 200
    # A grant on one sub-program does not cover the program's other sub-programs.
    assert (await client.put(program_url(org), json={}, headers=sub_manager)).status_code == 403
    assert (await client.put(program_url(org), json={}, headers=manager)).status_code == 200


async def test_put_rules_refuses_malformed_or_impossible_rules(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    malformed = {"required_hashtags": ["two words"], "max_hashtags": -1, "colour": "red"}
    impossible = {
        "required_hashtags": ["#a", "#b"],
        "max_hashtags": 1,
        "signature": "— a long signature",
        "max_length": 5,
    }

    bad = await client.put(program_url(org), json=malformed, headers=org.admin)
    contradictory = await client.put(program_url(org), json=impossible, headers=org.admin)

    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "required_hashtags.0",
        "max_hashtags",
        "colour",
    }
    assert contradictory.status_code == 422
    assert [e["field"] for e in contradictory.json()["errors"]] == ["max_hashtags", "max_length"]


async def test_put_rules_concurrently_keeps_one_row_and_counts_both(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)

    first, second = await asyncio.gather(
        client.put(sub_url(org), json={"banned_terms": ["a"]}, headers=org.admin),
        client.put(sub_url(org), json={"banned_terms": ["b"]}, headers=org.admin),
    )
    got = await client.get(sub_url(org), headers=org.admin)

    assert (first.status_code, second.status_code) == (200, 200)
    assert sorted([first.json()["version"], second.json()["version"]]) == [1, 2]
    assert got.json()["version"] == 2


async def check(client: httpx.AsyncClient, headers: Headers, **body: Any) -> httpx.Response:
    return await client.post("/v1/caption-rules/check", json=body, headers=headers)


async def test_check_lists_problems_of_an_items_rules(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    await client.put(
        sub_url(org),
        json={"banned_terms": ["cheap"], "disclosures": ["#employee"]},
        headers=org.admin,
    )
    created = await client.post(
        "/v1/content", json={"title": "T", "sub_program_ids": [str(org.sub)]}, headers=org.admin
    )
    content_id = created.json()["id"]
    await client.post(f"/v1/content/{content_id}/approve", headers=org.admin)
    a_member = org.as_(org.member, "employee")

    refused = await check(client, a_member, text="Cheap #x #y", network="x", content_id=content_id)
    fine = await check(client, a_member, text="Great #employee", network="x", content_id=content_id)

    assert refused.status_code == 200
    body = refused.json()
    assert body["ok"] is False
    assert [p["code"] for p in body["problems"]] == ["banned_term", "missing_disclosure"]
    assert (body["length"], body["max_length"], body["hashtags"]) == (11, 280, 2)
    assert fine.json()["ok"] is True and fine.json()["delivery"] == "prefill"


async def test_check_by_sub_programs_or_network_only(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    await client.put(program_url(org), json={"required_hashtags": ["#acme"]}, headers=org.admin)
    a_member = org.as_(org.member, "employee")
    outsider = org.as_(uuid.uuid4(), "employee")

    named = await check(
        client, a_member, text="Hi", network="linkedin", sub_program_ids=[str(org.sub)]
    )
    network_only = await check(client, outsider, text="#a " * 31, network="instagram")
    stranger = await check(
        client, outsider, text="Hi", network="linkedin", sub_program_ids=[str(org.sub)]
    )
    unknown = await check(
        client, org.admin, text="Hi", network="linkedin", sub_program_ids=[str(uuid.uuid4())]
    )
    both = await check(
        client,
        org.admin,
        text="Hi",
        network="linkedin",
        sub_program_ids=[str(org.sub)],
        content_id=str(uuid.uuid4()),
    )
    missing = await check(
        client, org.admin, text="Hi", network="linkedin", content_id=str(uuid.uuid4())
    )

    assert [p["code"] for p in named.json()["problems"]] == ["missing_hashtag"]
    assert [p["code"] for p in network_only.json()["problems"]] == ["too_many_hashtags"]
    assert network_only.json()["delivery"] == "copy"
    assert (
        stranger.status_code == 403 and stranger.json()["errors"][0]["field"] == "sub_program_ids"
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "sub_program_ids"
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "content_id"
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "content_id"
