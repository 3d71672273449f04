"""A departure through the gateway and the real processes: HR says the person left, and at once
they are out of their sub-program, their feed and content's visibility; with a retention of 0
days their identity is erased in every service while the counts survive."""

import uuid
from typing import Any

import httpx

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.identity import user_token
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack


async def test_an_hr_departure_removes_the_person_everywhere(stack: Stack) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    grace = {
        "Authorization": "Bearer "
        + user_token(
            user_id=uuid.uuid4(),
            org_id=tenant.org_id,
            roles=["employee"],
            preferred_username="grace@example.com",
        )
    }
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        assert (
            await gw.put("/v1/hr/retention", json={"erase_after_days": 0}, headers=admin)
        ).status_code == 200
        hired = await gw.put(
            "/v1/hr/employees/E-42",
            json={"user_name": "grace@example.com", "department": "Sales"},
            headers=admin,
        )
        assert hired.status_code == 201, hired.text
        sub_id = await new_sub_program(gw, tenant)
        joined = await gw.post(
            f"/v1/sub-programs/{sub_id}/members",
            json={"network": "linkedin", "audience_size": 500},
            headers=grace,
        )
        assert joined.status_code == 201, joined.text
        assert (await gw.get("/v1/me/employee", headers=grace)).json()["linked"] is True
        body = {"sub_program_id": sub_id, "title": "Hiring", "url": "https://example.com/jobs"}
        content_id = (await gw.post("/v1/content", json=body, headers=admin)).json()["id"]
        assert (
            await gw.post(f"/v1/content/{content_id}/approve", headers=admin)
        ).status_code == 200

        async def feed() -> list[dict[str, Any]]:
            return list((await gw.get("/v1/me/feed", headers=grace)).json()["items"])

        await eventually(feed, lambda items: len(items) == 1)
        share = {"content_id": content_id, "network": "linkedin"}
        assert (await gw.post("/v1/me/shares", json=share, headers=grace)).status_code == 201

        async def figures() -> dict[str, Any]:
            return dict((await gw.get(f"/v1/metrics/content/{content_id}", headers=admin)).json())

        await eventually(figures, lambda f: f["shares"]["value"] == 1)

        async def seen() -> int:
            return (await gw.get(f"/v1/content/{content_id}", headers=grace)).status_code

        assert await eventually(seen, lambda status: status == 200) == 200

        left = await gw.post("/v1/hr/employees/E-42/leave", headers=admin)
        assert left.status_code == 200, left.text
        assert left.json()["erased_at"] is not None and left.json()["display_name"] is None

        assert await feed() == []
        again = await gw.post("/v1/me/shares", json=share, headers=grace)
        assert again.status_code == 403, again.text
        # Content heard the departure: the item is no longer visible to them.
        assert await eventually(seen, lambda status: status == 404) == 404
        # The share still counts once the identity is gone.
        assert (await figures())["shares"]["value"] == 1
