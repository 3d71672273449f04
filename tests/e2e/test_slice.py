"""The thin vertical slice through the gateway and four real processes."""

import uuid

import httpx

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


async def test_approved_content_is_shared_clicked_and_counted(stack: Stack) -> None:
    tenant = Tenant()
    admin, employee = tenant.headers(admin=True), tenant.headers(user_id=uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        sub_id = await new_sub_program(gw, tenant)
        joined = await gw.post(
            f"/v1/sub-programs/{sub_id}/members",
            json={"network": "linkedin", "audience_size": 1234},
            headers=employee,
        )
        assert joined.status_code == 201

        draft = await gw.post(
            "/v1/content",
            json={
                "sub_program_id": sub_id,
                "title": "We are hiring",
                "url": "https://example.com/jobs",
            },
            headers=admin,
        )
        content_id = draft.json()["id"]
        approved = await gw.post(f"/v1/content/{content_id}/approve", headers=admin)
        assert approved.status_code == 200

        async def feed() -> list[dict[str, str]]:
            return list((await gw.get("/v1/me/feed", headers=employee)).json()["items"])

        items = await eventually(feed, lambda items: len(items) == 1)
        assert items[0]["content_id"] == content_id

        body = {"content_id": content_id, "network": "linkedin"}
        share = await gw.post("/v1/me/shares", json=body, headers=employee)
        assert share.status_code == 201
        tracked = share.json()["tracked_url"]
        assert tracked.startswith(stack.gateway + "/l/")

        # Anonymous, as a person from LinkedIn in a browser (previews and scripts are not clicks).
        click = await gw.get(tracked, headers={"user-agent": BROWSER})
        assert click.status_code == 302
        assert click.headers["location"] == "https://example.com/jobs"

        async def metrics() -> dict[str, dict[str, object]]:
            return dict((await gw.get(f"/v1/metrics/content/{content_id}", headers=admin)).json())

        counted = await eventually(metrics, lambda m: m["clicks"]["value"] == 1)
        reach = counted["potential_reach"]
        assert (counted["shares"]["value"], counted["shares"]["basis"]) == (1, "observed")
        assert (reach["value"], reach["basis"]) == (1234, "estimated")


async def test_gateway_rejects_missing_token_bad_input_and_unknown_routes(stack: Stack) -> None:
    admin = Tenant().headers(admin=True)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        anonymous = await gw.get("/v1/programs")
        bad = await gw.post("/v1/programs", json={"name": ""}, headers=admin)
        unknown = await gw.get("/v1/nothing-here", headers=admin)

    assert anonymous.status_code == 401
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "name")
    assert bad.headers["content-type"] == "application/problem+json"
    assert unknown.status_code == 404


async def test_tenants_cannot_read_each_other_through_the_gateway(stack: Stack) -> None:
    owner, intruder = Tenant(), Tenant()
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        created = await gw.post(
            "/v1/programs", json={"name": "Mine"}, headers=owner.headers(admin=True)
        )
        peek = await gw.get(
            f"/v1/programs/{created.json()['id']}", headers=intruder.headers(admin=True)
        )
    assert peek.status_code == 404
