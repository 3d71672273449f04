"""Privacy through the gateway, the real processes and real Kafka: a person's own erasure, and
an HR departure told on the `hr.events` topic, reach every service. Content and metrics forget
the person's ids (metrics' counts survive), and the person's export is left empty.

What the APIs do not show (which id metrics files a share under) is read from the metrics
service's own database, as the e2e stack runs it.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.identity import user_token
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack
from common.db import Database
from common.events.contracts import hr
from common.events.envelope import Envelope

Headers = dict[str, str]
ANONYMOUS = str(uuid.UUID(int=0))


def person(tenant: Tenant, user_name: str) -> tuple[str, Headers]:
    user_id = uuid.uuid4()
    token = user_token(
        user_id=user_id, org_id=tenant.org_id, roles=["employee"], preferred_username=user_name
    )
    return str(user_id), {"Authorization": f"Bearer {token}"}


async def filed_under(stack: Stack, share_id: str) -> str:
    """The ambassador id the metrics service files a share under."""
    database = Database(stack.services["metrics"].env["METRICS_DATABASE_URL"])
    try:
        async with database.sessions() as session:
            query = text("SELECT ambassador_id FROM share_facts WHERE share_id = :id")
            found = (await session.execute(query, {"id": uuid.UUID(share_id)})).scalar_one()
    finally:
        await database.dispose()
    return str(found)


async def shared_and_asked_for_help(
    gw: httpx.AsyncClient, tenant: Tenant, sub: str, headers: Headers
) -> dict[str, str]:
    """The person (already a member of `sub`) shares a fresh item and asks content for help."""
    admin = tenant.headers(admin=True)
    body = {"sub_program_id": sub, "title": "Hiring", "url": "https://example.com/jobs"}
    item = await eventually(
        lambda: gw.post("/v1/content", json=body, headers=admin),
        lambda response: response.status_code != 422,  # content hears of S by event
    )
    assert item.status_code == 201, item.text
    content_id = item.json()["id"]
    assert (await gw.post(f"/v1/content/{content_id}/approve", headers=admin)).status_code == 200

    async def share() -> httpx.Response:
        body = {"content_id": content_id, "network": "linkedin"}
        return await gw.post("/v1/me/shares", json=body, headers=headers)

    shared = await eventually(share, lambda response: response.status_code == 201)
    ask = {"kind": "video", "message": "Help me film this", "content_id": content_id}
    helped = await eventually(
        lambda: gw.post("/v1/help-requests", json=ask, headers=headers),
        lambda response: response.status_code == 201,  # content hears of the membership
    )
    figures = await eventually(
        lambda: metrics(gw, tenant, content_id), lambda f: f["shares"]["value"] == 1
    )
    assert figures["shares"]["value"] == 1
    return {"content_id": content_id, "share_id": shared.json()["id"], "help": helped.json()["id"]}


async def metrics(gw: httpx.AsyncClient, tenant: Tenant, content_id: str) -> dict[str, Any]:
    headers = tenant.headers(admin=True)
    return dict((await gw.get(f"/v1/metrics/content/{content_id}", headers=headers)).json())


async def requested_by(gw: httpx.AsyncClient, tenant: Tenant, help_id: str) -> str:
    answer = await gw.get(f"/v1/help-requests/{help_id}", headers=tenant.headers(admin=True))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["requested_by"])


async def export(gw: httpx.AsyncClient, headers: Headers) -> dict[str, Any]:
    response = await gw.get("/v1/me/data", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    return dict(response.json())


def empty(value: Any) -> bool:
    """Nothing held: null, an empty list, or a section made only of empty parts."""
    if isinstance(value, dict):
        return all(empty(part) for part in value.values())
    return value is None or value == []


def held(data: dict[str, Any]) -> dict[str, Any]:
    """Sections still holding something about the person, HR's own record aside."""
    sections = data["sections"].items()
    return {name: v for name, v in sections if name != "employee" and not empty(v)}


async def forgotten_everywhere(
    gw: httpx.AsyncClient,
    stack: Stack,
    tenant: Tenant,
    user_id: str,
    headers: Headers,
    did: dict[str, str],
) -> None:
    """Content and metrics forgot the person; metrics still counts the share."""

    async def seen() -> int:
        return (await gw.get(f"/v1/content/{did['content_id']}", headers=headers)).status_code

    assert await eventually(seen, lambda code: code == 404) == 404
    assert (
        await eventually(lambda: requested_by(gw, tenant, did["help"]), lambda u: u != user_id)
        != user_id
    )
    filed = await eventually(lambda: filed_under(stack, did["share_id"]), lambda a: a == ANONYMOUS)
    assert filed == ANONYMOUS
    assert (await metrics(gw, tenant, did["content_id"]))["shares"]["value"] == 1
    assert (await gw.get("/v1/me/feed", headers=headers)).json()["items"] == []


async def test_a_person_exports_then_erases_their_data(stack: Stack) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    user_id, ada = person(tenant, "ada@example.com")
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        record = {"user_name": "ada@example.com", "display_name": "Ada L."}
        assert (await gw.put("/v1/hr/employees/E-1", json=record, headers=admin)).status_code == 201
        sub = await new_sub_program(gw, tenant)
        membership = {"network": "linkedin", "audience_size": 500}
        joined = await gw.post(f"/v1/sub-programs/{sub}/members", json=membership, headers=ada)
        assert joined.status_code == 201, joined.text
        did = await shared_and_asked_for_help(gw, tenant, sub, ada)
        assert await filed_under(stack, did["share_id"]) == joined.json()["ambassador_id"]

        before = await export(gw, ada)
        assert [s["id"] for s in before["sections"]["shares"]] == [did["share_id"]]
        assert before["sections"]["employee"]["display_name"] == "Ada L."
        assert {"ambassador", "memberships", "feed", "shares"} <= set(held(before))

        erased = await gw.post("/v1/me/erasure", headers=ada | {"Idempotency-Key": "e2e-erase"})
        assert erased.status_code == 201, erased.text
        again = await gw.post("/v1/me/erasure", headers=ada)
        assert again.status_code == 409 and again.json()["type"].endswith("already_erased")

        await forgotten_everywhere(gw, stack, tenant, user_id, ada, did)
        after = await export(gw, ada)
        assert held(after) == {} and after["erasure"] is not None
        # HR's record is HR's own while the person is employed (docs/people/privacy.md).
        assert after["sections"]["employee"]["display_name"] == "Ada L."


async def test_an_hr_left_event_on_kafka_removes_the_person_everywhere(stack: Stack) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    user_id, grace = person(tenant, "grace@example.com")
    env = stack.services["ambassadors"].env
    bootstrap = env["AMBASSADORS_KAFKA_BOOTSTRAP_SERVERS"]
    topic = env["AMBASSADORS_KAFKA_TOPIC_PREFIX"] + hr.TOPIC
    now = datetime.now(UTC)

    def told(payload: hr.EmployeeHiredV1 | hr.EmployeeLeftHRV1) -> Envelope:
        return Envelope.wrap(payload, source="/hr-connector", subject="E-42", key="E-42")

    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        retention = {"erase_after_days": 0}
        assert (await gw.put("/v1/hr/retention", json=retention, headers=admin)).status_code == 200
        hired = hr.EmployeeHiredV1(
            org_id=tenant.org_id,
            external_id="E-42",
            user_name="grace@example.com",
            display_name="Grace H.",
            occurred_at=now,
        )
        await publish(bootstrap, topic, [told(hired)])

        async def linked() -> int:
            return (await gw.get("/v1/me/employee", headers=grace)).status_code

        await eventually(linked, lambda code: code == 200)
        sub = await new_sub_program(gw, tenant)
        membership = {"network": "linkedin", "audience_size": 300}
        joined = await gw.post(f"/v1/sub-programs/{sub}/members", json=membership, headers=grace)
        assert joined.status_code == 201, joined.text
        did = await shared_and_asked_for_help(gw, tenant, sub, grace)
        page = f"/v1/sub-programs/{sub}/moments"
        assert (await gw.get(page, headers=grace)).status_code == 200

        left = hr.EmployeeLeftHRV1(org_id=tenant.org_id, external_id="E-42", occurred_at=now)
        await publish(bootstrap, topic, [told(left)])

        async def record() -> dict[str, Any]:
            return dict((await gw.get("/v1/me/employee", headers=grace)).json())

        erased = await eventually(record, lambda r: r["erased_at"] is not None)
        assert erased["employment_status"] == "left" and erased["display_name"] is None
        # Out of the sub-program at once: its page is no longer theirs; sharing is refused.
        assert (await gw.get(page, headers=grace)).status_code == 403
        share = {"content_id": did["content_id"], "network": "linkedin"}
        assert (await gw.post("/v1/me/shares", json=share, headers=grace)).status_code == 403
        await forgotten_everywhere(gw, stack, tenant, user_id, grace, did)
        assert held(await export(gw, grace)) == {}
