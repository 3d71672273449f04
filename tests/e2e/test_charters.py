"""Charters and training through the gateway and the real processes: a charter in force refuses
a member's share until they accept it, a new version asks again; a required module does the
same until it is completed."""

import uuid
from typing import Any

import httpx

from advocacy_testing.apps import Tenant
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


async def test_a_charter_in_force_asks_for_acceptance_before_each_share(stack: Stack) -> None:
    org = Tenant()
    admin, me = org.headers(admin=True), org.headers(user_id=uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        program = await ok(await gw.post("/v1/programs", json={"name": "P"}, headers=admin), 201)
        sub = await ok(
            await gw.post(
                f"/v1/programs/{program['id']}/sub-programs",
                json={"name": "LinkedIn people", "kind": "network"},
                headers=admin,
            ),
            201,
        )
        membership = {"network": "linkedin", "audience_size": 300}
        await ok(
            await gw.post(f"/v1/sub-programs/{sub['id']}/members", json=membership, headers=me),
            201,
        )
        items = []
        for title in ("First", "Second", "Third"):
            body = {"sub_program_id": sub["id"], "title": title, "url": "https://example.com/a"}
            item = await ok(await gw.post("/v1/content", json=body, headers=admin), 201)
            await ok(await gw.post(f"/v1/content/{item['id']}/approve", headers=admin))
            items.append(item["id"])

        async def feed() -> list[Any]:
            return list((await gw.get("/v1/me/feed", headers=me)).json()["items"])

        await eventually(feed, lambda found: len(found) == 3)

        async def share(content_id: str) -> httpx.Response:
            body = {"content_id": content_id, "network": "linkedin"}
            return await gw.post("/v1/me/shares", json=body, headers=me)

        scope = f"/v1/programs/{program['id']}"

        async def publish(terms: str) -> dict[str, Any]:
            draft = await ok(
                await gw.post(f"{scope}/charters", json={"terms": terms}, headers=admin), 201
            )
            return await ok(await gw.post(f"/v1/charters/{draft['id']}/publish", headers=admin))

        v1 = await publish("Be yourself.")
        refused = await share(items[0])
        assert refused.status_code == 403
        assert refused.json()["type"] == "urn:advocacy:problem:charter_not_accepted"
        assert [(c["program_id"], c["version"]) for c in refused.json()["charters"]] == [
            (program["id"], 1)
        ]
        accepted = await ok(
            await gw.post(f"{scope}/charter/accept", json={"version": 1}, headers=me)
        )
        assert accepted["charter_id"] == v1["id"]
        await ok(await share(items[0]), 201)

        await publish("Be yourself, and say you work here.")
        again = await share(items[1])
        assert again.status_code == 403
        assert [c["version"] for c in again.json()["charters"]] == [2]
        stale = await gw.post(f"{scope}/charter/accept", json={"version": 1}, headers=me)
        assert stale.status_code == 409
        await ok(await gw.post(f"{scope}/charter/accept", json={"version": 2}, headers=me))
        await ok(await share(items[1]), 201)

        module = await ok(
            await gw.post(
                f"{scope}/training-modules",
                json={
                    "title": "Sharing well",
                    "url": "https://example.com/guide",
                    "required": True,
                },
                headers=admin,
            ),
            201,
        )
        untrained = await share(items[2])
        assert untrained.status_code == 403
        assert untrained.json()["type"] == "urn:advocacy:problem:training_required"
        await ok(await gw.post(f"/v1/training-modules/{module['id']}/complete", headers=me))
        await ok(await share(items[2]), 201)
