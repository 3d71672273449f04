"""Tracked links through the gateway: previews get the redirect, only a person's click counts."""

import uuid

import httpx
from sqlalchemy import text

from advocacy_testing.apps import Tenant
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack
from common.db import Database

TARGET = "https://example.com/launch"
BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
PREVIEWS = [
    (
        "GET",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    ),
    ("GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
    ("GET", "WhatsApp/2.23.20.0 A"),
    ("GET", "curl/8.5.0"),
    ("GET", ""),
    ("HEAD", BROWSER),
]


async def shared_link(gw: httpx.AsyncClient) -> tuple[str, str, dict[str, str]]:
    """An approved item shared by an ambassador: its content id, tracked URL, and admin headers."""
    tenant = Tenant()
    admin, employee = tenant.headers(admin=True), tenant.headers(user_id=uuid.uuid4())
    program = (await gw.post("/v1/programs", json={"name": "Launch"}, headers=admin)).json()
    sub = await gw.post(
        f"/v1/programs/{program['id']}/sub-programs", json={"name": "LinkedIn"}, headers=admin
    )
    sub_id = sub.json()["id"]
    membership = {"network": "linkedin", "audience_size": 300}
    joined = await gw.post(f"/v1/sub-programs/{sub_id}/members", json=membership, headers=employee)
    assert joined.status_code == 201, joined.text
    draft = {"sub_program_id": sub_id, "title": "We launched", "url": TARGET}
    content_id = (await gw.post("/v1/content", json=draft, headers=admin)).json()["id"]
    assert (await gw.post(f"/v1/content/{content_id}/approve", headers=admin)).status_code == 200

    async def feed() -> list[dict[str, str]]:
        return list((await gw.get("/v1/me/feed", headers=employee)).json()["items"])

    await eventually(feed, lambda items: len(items) == 1)
    body = {"content_id": content_id, "network": "linkedin"}
    share = await gw.post("/v1/me/shares", json=body, headers=employee)
    assert share.status_code == 201, share.text
    return content_id, share.json()["tracked_url"], admin


async def staged_clicks(stack: Stack, content_id: str) -> int:
    """Clicks the ambassadors service recorded for the item (its outbox, written per request)."""
    db = Database(stack.services["ambassadors"].env["AMBASSADORS_DATABASE_URL"])
    try:
        async with db.transaction() as session:
            query = text(
                "SELECT count(*) FROM outbox WHERE event_type = 'ambassadors.link.clicked.v1' "
                "AND convert_from(payload, 'UTF8')::jsonb ->> 'content_id' = :content_id"
            )
            return int((await session.execute(query, {"content_id": content_id})).scalar_one())
    finally:
        await db.dispose()


async def test_previews_are_redirected_but_only_the_person_counts(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        content_id, tracked, admin = await shared_link(gw)

        previews = [
            await gw.request(method, tracked, headers={"user-agent": agent})
            for method, agent in PREVIEWS
        ]
        after_previews = await staged_clicks(stack, content_id)
        person = await gw.get(tracked, headers={"user-agent": BROWSER})

        async def clicks() -> object:
            metrics = await gw.get(f"/v1/metrics/content/{content_id}", headers=admin)
            return metrics.json()["clicks"]["value"]

        counted = await eventually(clicks, lambda value: value == 1)

    for response in [*previews, person]:
        assert (response.status_code, response.headers["location"]) == (302, TARGET)
    assert after_previews == 0
    assert await staged_clicks(stack, content_id) == 1
    assert counted == 1
