"""Access events lost on the way to content are recovered by `python -m ambassadors.republish`.

Content's read model of an organisation is wiped (as if its events had never arrived: state
older than the events, or a consumer rebuilt from nothing); the ambassadors service's republish
command, run as an operator runs it, brings memberships and grants back through the outbox, the
relay, Kafka and content's worker.
"""

import asyncio
import json
import os
import subprocess
import sys
import uuid

import httpx
from sqlalchemy import text

from advocacy_testing.apps import Tenant
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack
from common.db import Database

Headers = dict[str, str]
READ_MODEL = ("access_memberships", "access_staff_grants", "access_sub_programs")


async def forget_access(stack: Stack, org_id: uuid.UUID) -> None:
    """Delete the organisation's rows of content's read model, tombstones included."""
    db = Database(stack.services["content"].env["CONTENT_DATABASE_URL"])
    try:
        async with db.transaction() as session:
            for table in READ_MODEL:
                await session.execute(
                    text(f"DELETE FROM {table} WHERE org_id = :org"), {"org": org_id}
                )
    finally:
        await db.dispose()


def republish(stack: Stack, org_id: uuid.UUID) -> dict[str, object]:
    """The operator's command, in the ambassadors service's environment."""
    done = subprocess.run(
        [sys.executable, "-m", "ambassadors.republish", "access", "--org", str(org_id)],
        env={**os.environ, **stack.services["ambassadors"].env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


async def test_memberships_and_grants_lost_by_content_come_back_after_a_republish(
    stack: Stack,
) -> None:
    tenant = Tenant()
    employee_id, reviewer_id, manager_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    admin, employee = tenant.headers(admin=True), tenant.headers(user_id=employee_id)
    reviewer = tenant.headers(user_id=reviewer_id, roles=["reviewer"])
    manager = tenant.headers(user_id=manager_id, roles=["program_manager"])
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        program = (await gw.post("/v1/programs", json={"name": "P"}, headers=admin)).json()["id"]
        sub = await gw.post(
            f"/v1/programs/{program}/sub-programs",
            json={"name": "LinkedIn people", "kind": "network"},
            headers=admin,
        )
        sub_id = sub.json()["id"]
        members = f"/v1/sub-programs/{sub_id}/members"
        linkedin = {"network": "linkedin", "audience_size": 500}
        assert (await gw.post(members, json=linkedin, headers=employee)).status_code == 201
        for url, person, role in (
            (f"/v1/sub-programs/{sub_id}/staff", reviewer_id, "reviewer"),
            (f"/v1/programs/{program}/staff", manager_id, "program_manager"),
        ):
            body = {"user_id": str(person), "role": role}
            assert (await gw.post(url, json=body, headers=admin)).status_code == 201

        async def create(title: str) -> str:
            body = {"sub_program_id": sub_id, "title": title, "url": "https://example.com/a"}
            created = await gw.post("/v1/content", json=body, headers=admin)
            assert created.status_code == 201, created.text
            return str(created.json()["id"])

        draft, published = await create("Draft"), await create("Out now")
        assert (await gw.post(f"/v1/content/{published}/approve", headers=admin)).is_success

        async def views() -> tuple[set[str], ...]:
            seen = []
            for headers in (employee, reviewer, manager):
                response = await gw.get("/v1/content", headers=headers)
                assert response.status_code == 200, response.text
                seen.append({item["id"] for item in response.json()["items"]})
            return tuple(seen)

        everything = ({published}, {draft, published}, {draft, published})
        await eventually(views, lambda seen: seen == everything)

        await forget_access(stack, tenant.org_id)
        assert await views() == (set(), set(), set())

        report = await asyncio.to_thread(republish, stack, tenant.org_id)

        assert report["staged"] == {
            "programs": 1,
            "sub_programs": 1,
            "memberships": 1,
            "staff_grants": 2,
        }
        await eventually(views, lambda seen: seen == everything)
        # A departure after the republish still ends the membership in content.
        assert (await gw.delete(f"{members}/me", headers=employee)).status_code == 204
        await eventually(views, lambda seen: seen == (set(), *everything[1:]))
