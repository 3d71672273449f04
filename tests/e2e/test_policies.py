"""A sub-program's daily share cap through the gateway and the real processes: with a cap of 1,
the member's first share of the day goes through and the second is refused with its code; the
program's roll-up counts the one share."""

import uuid
from typing import Any

import httpx

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack


async def test_a_cap_of_one_refuses_the_second_share_of_the_day(stack: Stack) -> None:
    tenant = Tenant()
    admin, member = tenant.headers(admin=True), tenant.headers(user_id=uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        sub_id = await new_sub_program(gw, tenant)
        policy = {"version": 0, "daily_share_cap": 1, "time_zone": "Europe/Paris"}
        written = await gw.put(f"/v1/sub-programs/{sub_id}/policy", json=policy, headers=admin)
        assert (written.status_code, written.json()["version"]) == (200, 1), written.text
        joined = await gw.post(
            f"/v1/sub-programs/{sub_id}/members",
            json={"network": "linkedin", "audience_size": 300},
            headers=member,
        )
        assert joined.status_code == 201, joined.text
        content_ids = []
        for title in ("First", "Second"):
            body = {"sub_program_id": sub_id, "title": title, "url": "https://example.com/a"}
            created = await gw.post("/v1/content", json=body, headers=admin)
            assert created.status_code == 201, created.text
            content_ids.append(created.json()["id"])
            approved = await gw.post(f"/v1/content/{content_ids[-1]}/approve", headers=admin)
            assert approved.status_code == 200, approved.text

        async def feed() -> list[dict[str, Any]]:
            return list((await gw.get("/v1/me/feed", headers=member)).json()["items"])

        await eventually(feed, lambda items: len(items) == 2)
        effective = await gw.get(f"/v1/sub-programs/{sub_id}/policy/effective", headers=member)
        first = await gw.post(
            "/v1/me/shares",
            json={"content_id": content_ids[0], "network": "linkedin"},
            headers=member,
        )
        second = await gw.post(
            "/v1/me/shares",
            json={"content_id": content_ids[1], "network": "linkedin"},
            headers=member,
        )
        program_id = (await gw.get(f"/v1/sub-programs/{sub_id}", headers=admin)).json()[
            "program_id"
        ]
        rollup = await gw.get(f"/v1/programs/{program_id}/rollup", headers=admin)

    assert (effective.status_code, effective.json()["daily_share_cap"]) == (200, 1)
    assert first.status_code == 201, first.text
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    problem = second.json()
    assert problem["type"] == "urn:advocacy:problem:daily_share_cap_reached"
    assert (problem["daily_share_cap"], problem["time_zone"]) == (1, "Europe/Paris")
    assert rollup.status_code == 200, rollup.text
    figures = rollup.json()["program"]
    assert (figures["shares"]["value"], figures["potential_reach"]["value"]) == (1, 300)
    assert figures["active_rate"]["value"] == 100.0
