"""Voluntary membership through the gateway and the real processes: an HR record in Sales and
an eligibility rule make an invitation (never a membership); the person accepts, joins
sub-programs, gets content; opting out of the whole program takes them out of every
sub-program, their feed and content's visibility at once."""

import uuid
from typing import Any

import httpx

from advocacy_testing.apps import Tenant
from advocacy_testing.membership import LINKEDIN, person
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack


async def created(gw: httpx.AsyncClient, url: str, body: Any, headers: dict[str, str]) -> Any:
    response = await gw.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_rule_invites_the_person_accepts_and_opts_out_of_everything(
    stack: Stack,
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    grace = person(org, "grace@example.com")
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        program = (await created(gw, "/v1/programs", {"name": "Advocates"}, admin))["id"]
        subs = [
            (await created(gw, f"/v1/programs/{program}/sub-programs", {"name": n}, admin))["id"]
            for n in ("LinkedIn", "Sales stories")
        ]
        rule = {"rules": [{"department": "Sales"}]}
        ruled = await gw.put(f"/v1/programs/{program}/eligibility", json=rule, headers=admin)
        assert ruled.status_code == 200, ruled.text
        for external_id, user_name, department in (
            ("E-1", "grace@example.com", "Sales"),
            ("E-2", "linus@example.com", "CSR"),
        ):
            hired = await gw.put(
                f"/v1/hr/employees/{external_id}",
                json={"user_name": user_name, "department": department},
                headers=admin,
            )
            assert hired.status_code == 201, hired.text

        mine = await gw.get("/v1/me/invitations", headers=grace)
        [invitation] = mine.json()["items"]
        assert (invitation["reason"], invitation["program_id"]) == ("eligibility", program)
        assert (await gw.get(f"/v1/programs/{program}/members", headers=admin)).json()[
            "items"
        ] == []
        linus = await gw.get("/v1/me/invitations", headers=person(org, "linus@example.com"))
        assert linus.json()["items"] == []

        accepted = await gw.post(
            f"/v1/me/invitations/{invitation['id']}/accept",
            headers=grace | {"Idempotency-Key": str(uuid.uuid4())},
        )
        assert accepted.status_code == 200, accepted.text
        for sub in subs:
            await created(gw, f"/v1/sub-programs/{sub}/members", LINKEDIN, grace)
        body = {"sub_program_id": subs[0], "title": "Win", "url": "https://example.com/win"}
        content_id = (await created(gw, "/v1/content", body, admin))["id"]
        approved = await gw.post(f"/v1/content/{content_id}/approve", headers=admin)
        assert approved.status_code == 200, approved.text

        async def feed() -> list[Any]:
            return list((await gw.get("/v1/me/feed", headers=grace)).json()["items"])

        async def seen() -> int:
            return (await gw.get(f"/v1/content/{content_id}", headers=grace)).status_code

        await eventually(feed, lambda items: len(items) == 1)
        assert await eventually(seen, lambda status: status == 200) == 200
        members = await gw.get(f"/v1/programs/{program}/members", headers=admin)
        assert len(members.json()["items"]) == 1

        left = await gw.delete(f"/v1/programs/{program}/members/me", headers=grace)

        assert left.status_code == 204, left.text
        assert await feed() == []
        for url in (f"/v1/programs/{program}", *(f"/v1/sub-programs/{s}" for s in subs)):
            listed = await gw.get(f"{url}/members", headers=admin)
            assert listed.json()["items"] == [], url
        again = await gw.delete(f"/v1/programs/{program}/members/me", headers=grace)
        assert again.status_code == 404
        # Content heard each sub-program's `left`: the item is no longer visible to them.
        assert await eventually(seen, lambda status: status == 404) == 404
        # The rule does not ask again: their opt-out was their answer.
        reapplied = await gw.put(f"/v1/programs/{program}/eligibility", json=rule, headers=admin)
        assert reapplied.json()["invited"] == 0
