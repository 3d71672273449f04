"""Content visibility through the real processes: memberships and grants reach content as events."""

import uuid

import httpx

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack


async def test_employee_sees_published_items_only_and_a_granted_reviewer_approves(
    stack: Stack,
) -> None:
    tenant = Tenant()
    reviewer_id = uuid.uuid4()
    admin, employee = tenant.headers(admin=True), tenant.headers(user_id=uuid.uuid4())
    reviewer = tenant.headers(user_id=reviewer_id, roles=["reviewer"])
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        sub_id = await new_sub_program(gw, tenant)
        joined = await gw.post(
            f"/v1/sub-programs/{sub_id}/members",
            json={"network": "linkedin", "audience_size": 500},
            headers=employee,
        )
        assert joined.status_code == 201, joined.text

        async def create(title: str) -> str:
            body = {"sub_program_id": sub_id, "title": title, "url": "https://example.com/a"}
            created = await gw.post("/v1/content", json=body, headers=admin)
            assert created.status_code == 201, created.text
            return str(created.json()["id"])

        draft, published = await create("Still a draft"), await create("Out now")
        assert (await gw.post(f"/v1/content/{published}/approve", headers=admin)).is_success

        async def listed(headers: dict[str, str]) -> list[str]:
            response = await gw.get("/v1/content", headers=headers)
            assert response.status_code == 200, response.text
            return [item["id"] for item in response.json()["items"]]

        # The membership reaches content through ambassadors.events: wait for its projection.
        assert await eventually(lambda: listed(employee), lambda ids: ids != []) == [published]
        assert (await gw.get(f"/v1/content/{draft}", headers=employee)).status_code == 404
        # A reviewer without a grant sees nothing, so approving is "not found".
        before = await gw.post(f"/v1/content/{draft}/approve", headers=reviewer)
        assert before.status_code == 404

        granted = await gw.post(
            f"/v1/sub-programs/{sub_id}/staff",
            json={"user_id": str(reviewer_id), "role": "reviewer"},
            headers=admin,
        )
        assert granted.status_code == 201, granted.text
        await eventually(lambda: listed(reviewer), lambda ids: set(ids) == {draft, published})
        approved = await gw.post(f"/v1/content/{draft}/approve", headers=reviewer)

        assert approved.status_code == 200, approved.text
        assert approved.json()["approved_by"] == str(reviewer_id)
        assert set(await listed(employee)) == {draft, published}
