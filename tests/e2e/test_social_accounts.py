"""Social accounts through the gateway and the real processes: a person declares their LinkedIn
account, its audience changes, every change is in its history, and each share (and metrics'
potential reach) counts the audience the account had when it was shared."""

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack

ACCOUNT = "/v1/me/social-accounts/linkedin"


async def test_shares_and_reach_use_the_audience_declared_at_share_time(stack: Stack) -> None:
    tenant = Tenant()
    admin, me = tenant.headers(admin=True), tenant.headers(user_id=uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        declared = await gw.put(
            ACCOUNT, json={"handle": "ada-lovelace", "audience_size": 500}, headers=me
        )
        assert declared.status_code == 201, declared.text
        assert declared.json()["profile_url"] == "https://www.linkedin.com/in/ada-lovelace"
        sub_id = await new_sub_program(gw, tenant)
        joined = await gw.post(
            f"/v1/sub-programs/{sub_id}/members",
            json={"network": "linkedin", "audience_size": 500},
            headers=me,
        )
        assert joined.status_code == 201, joined.text

        async def publish(title: str) -> str:
            body = {"sub_program_id": sub_id, "title": title, "url": "https://example.com/a"}
            content_id = str((await gw.post("/v1/content", json=body, headers=admin)).json()["id"])
            approved = await gw.post(f"/v1/content/{content_id}/approve", headers=admin)
            assert approved.status_code == 200, approved.text
            return content_id

        async def feed() -> set[str]:
            items = (await gw.get("/v1/me/feed", headers=me)).json()["items"]
            return {item["content_id"] for item in items}

        async def share(content_id: str) -> int:
            await eventually(feed, lambda ids: content_id in ids)
            body = {"content_id": content_id, "network": "linkedin"}
            shared = await gw.post("/v1/me/shares", json=body, headers=me)
            assert shared.status_code == 201, shared.text
            return int(shared.json()["audience_size"])

        async def audience(size: int) -> None:
            body = {"handle": "ada-lovelace", "audience_size": size}
            assert (await gw.put(ACCOUNT, json=body, headers=me)).status_code == 200

        await audience(1200)
        first = await share(await publish("Plant opens"))
        await audience(2000)
        second = await share(await publish("Results"))
        assert (first, second) == (1200, 2000)

        history = (await gw.get(f"{ACCOUNT}/audience-history", headers=me)).json()["items"]
        assert [h["audience_size"] for h in history] == [2000, 1200, 500]

        async def reach() -> dict[str, Any]:
            summary = await gw.get("/v1/metrics/summary", headers=admin)
            return dict(summary.json())

        figures = await eventually(reach, lambda f: f["shares"]["value"] == 2)
        assert figures["potential_reach"]["value"] == 3200

        # The deployment's LinkedIn app is registered: a connection starts with w_member_social.
        started = await gw.post(f"{ACCOUNT}/connection", headers=me)
        assert started.status_code == 200, started.text
        query = parse_qs(urlsplit(started.json()["authorization_url"]).query)
        assert (query["client_id"], query["scope"]) == (["e2e-app"], ["w_member_social"])
