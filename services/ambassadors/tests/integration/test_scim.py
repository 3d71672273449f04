"""SCIM 2.0 provisioning on real PostgreSQL: Users are employee records, written through the
people service (one event per real change, departures at once), errors are SCIM errors, and
one organisation's key never sees or touches another's users."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from scim2_models import EnterpriseUser as LibraryEnterprise
from scim2_models import PatchOp, PatchOperation, ResourceType, ScimProvider, SearchRequest
from scim2_models import User as LibraryUser
from sqlalchemy import select, text, update
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import GatewayShim, user_token
from advocacy_testing.polling import eventually
from advocacy_testing.scim_clients import AsyncScimClient
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.people import service as people
from ambassadors.people.models import Employee
from ambassadors.people.schemas import EmployeeRecord
from ambassadors.privacy.personal_data import PersonRef
from ambassadors.scim import privacy as scim_privacy
from common.db import Database
from common.outbox import OutboxMessage

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
OURS = "urn:advocacy:params:scim:schemas:extension:employee:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_JSON = "application/scim+json"
SYNCED = "ambassadors.employee.synced.v1"
LEFT = "ambassadors.employee.left.v1"


def hr_key(org: Tenant, scopes: list[str] | None = None) -> dict[str, str]:
    token = user_token(
        user_id=uuid.uuid4(),
        org_id=org.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=scopes if scopes is not None else ["hr:write"],
    )
    return {"Authorization": f"Bearer {token}", "Content-Type": SCIM_JSON}


def user(user_name: str = "ada@example.com", **attributes: Any) -> dict[str, Any]:
    return {
        "schemas": [CORE, ENTERPRISE],
        "userName": user_name,
        "displayName": "Ada L.",
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        ENTERPRISE: {"department": "Sales"},
    } | attributes


def patch(*operations: dict[str, Any]) -> str:
    return json.dumps({"schemas": [PATCH], "Operations": list(operations)})


async def create(client: httpx.AsyncClient, org: Tenant, **attributes: Any) -> dict[str, Any]:
    body = user(**attributes)
    response = await client.post("/scim/v2/Users", content=json.dumps(body), headers=hr_key(org))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def staged(db: Database, event_type: str, employee_id: str) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(
            col(OutboxMessage.event_type) == event_type, col(OutboxMessage.key) == employee_id
        )
        rows = (await session.execute(query)).scalars().all()
    return [json.loads(row.payload) for row in rows]


def scim_error(response: httpx.Response, status: int, scim_type: str | None = None) -> str:
    """The SCIM error's detail, once its status, media type and shape are checked."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == SCIM_JSON
    error = response.json()
    assert error["schemas"] == [ERROR] and error["status"] == str(status)
    assert error.get("scimType") == scim_type
    return str(error.get("detail", ""))


async def test_create_read_replace_patch_and_delete_an_employee(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    key = hr_key(org)
    created = await client.post(
        "/scim/v2/Users", content=json.dumps(user(externalId="E-1")), headers=key
    )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == SCIM_JSON
    ada = created.json()
    url = f"/scim/v2/Users/{ada['id']}"
    assert created.headers["location"].endswith(url)
    assert created.headers["etag"] == ada["meta"]["version"]
    assert (ada["externalId"], ada["userName"], ada["active"]) == ("E-1", "ada@example.com", True)
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert (record["external_id"], record["source"], record["department"]) == (
        "E-1",
        "scim",
        "Sales",
    )

    replaced = await client.put(
        url, content=json.dumps(user(externalId="E-1", title="CFO", displayName="Ada")), headers=key
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["title"], replaced.json()["displayName"]) == ("CFO", "Ada")
    moved = await client.patch(
        url,
        content=patch(
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "CSR"},
            {"op": "add", "path": f"{OURS}:location", "value": "Lyon"},
            {"op": "replace", "path": f"{OURS}:isExecutive", "value": True},
        ),
        headers=key,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()[ENTERPRISE]["department"] == "CSR"
    assert moved.json()[OURS] == {"location": "Lyon", "isExecutive": True}
    assert (await client.get(url, headers=key)).json() == moved.json()
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert (record["department"], record["location"], record["is_executive"]) == (
        "CSR",
        "Lyon",
        True,
    )
    assert record["job_title"] == "CFO" and record["employment_status"] == "active"

    deleted = await client.delete(url, headers=key)
    assert deleted.status_code == 204, deleted.text
    scim_error(await client.get(url, headers=key), 404)
    scim_error(
        await client.patch(url, content=patch({"op": "remove", "path": "title"}), headers=key), 404
    )
    scim_error(await client.delete(url, headers=key), 404)
    listed = (await client.get("/scim/v2/Users", headers=key)).json()
    assert listed["totalResults"] == 0 and listed["Resources"] == []
    # HR keeps the record of someone who left, as after any departure.
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert record["employment_status"] == "left" and record["left_at"] is not None


async def test_each_real_change_is_told_once_and_deactivation_is_a_departure(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    key = hr_key(org)
    ada = await create(client, org, externalId="E-2")
    url = f"/scim/v2/Users/{ada['id']}"
    same = await client.put(url, content=json.dumps(user(externalId="E-2")), headers=key)
    assert same.status_code == 200 and same.headers["etag"] == ada["meta"]["version"]
    noop = await client.patch(
        url, content=patch({"op": "replace", "path": "displayName", "value": "Ada L."}), headers=key
    )
    assert noop.headers["etag"] == ada["meta"]["version"]
    renamed = await client.patch(
        url, content=patch({"op": "replace", "path": "displayName", "value": "Ada"}), headers=key
    )
    assert renamed.headers["etag"] != ada["meta"]["version"]
    assert [e["change"] for e in await staged(db, SYNCED, ada["id"])] == ["created", "updated"]

    deactivate = patch({"op": "replace", "value": {"active": False}})
    first = await client.patch(url, content=deactivate, headers=key)
    again = await client.patch(url, content=deactivate, headers=key)
    assert first.json()["active"] is False and again.json()["active"] is False
    left = await staged(db, LEFT, ada["id"])
    assert len(left) == 1 and left[0]["erase_after"] is not None
    assert len(await staged(db, SYNCED, ada["id"])) == 3
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert record["employment_status"] == "left"

    rehired = await client.patch(
        url, content=patch({"op": "replace", "path": "active", "value": True}), headers=key
    )
    assert rehired.json()["active"] is True
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert record["employment_status"] == "active" and record["left_at"] is None


async def test_delete_is_a_departure_and_creating_the_key_again_is_a_rehire(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    key = hr_key(org)
    ada = await create(client, org, externalId="E-3")
    assert (await client.delete(f"/scim/v2/Users/{ada['id']}", headers=key)).status_code == 204
    assert len(await staged(db, LEFT, ada["id"])) == 1

    back = await client.post(
        "/scim/v2/Users", content=json.dumps(user(externalId="E-3")), headers=key
    )
    assert back.status_code == 201, back.text
    assert back.json()["id"] == ada["id"] and back.json()["active"] is True
    again = await client.post(
        "/scim/v2/Users", content=json.dumps(user(externalId="E-3")), headers=key
    )
    assert "E-3" in scim_error(again, 409, "uniqueness")


async def test_user_names_and_external_ids_are_unique(client: httpx.AsyncClient) -> None:
    org = Tenant()
    key = hr_key(org)
    await create(client, org, externalId="E-4")
    taken = await client.post(
        "/scim/v2/Users",
        content=json.dumps(user("ADA@example.com", externalId="E-5")),
        headers=key,
    )
    assert scim_error(taken, 409, "uniqueness").startswith("userName")
    twin = await client.post(
        "/scim/v2/Users", content=json.dumps(user("bob@example.com", externalId="E-4")), headers=key
    )
    assert scim_error(twin, 409, "uniqueness").startswith("externalId")
    bob = await create(client, org, user_name="bob@example.com", externalId="E-6")
    clash = await client.patch(
        f"/scim/v2/Users/{bob['id']}",
        content=patch({"op": "replace", "path": "externalId", "value": "E-4"}),
        headers=key,
    )
    assert scim_error(clash, 409, "uniqueness").startswith("externalId")


async def test_without_external_id_the_user_name_is_the_hr_key_and_external_ids_can_change(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    key = hr_key(org)
    body = user("Grace@Example.com")
    created = await client.post("/scim/v2/Users", content=json.dumps(body), headers=key)
    grace = created.json()
    assert "externalId" not in grace and grace["userName"] == "grace@example.com"
    record = (await client.get(f"/v1/employees/{grace['id']}", headers=key)).json()
    assert record["external_id"] == "grace@example.com"
    unnamed = {"filter": 'externalId eq "grace@example.com"'}
    listed = await client.get("/scim/v2/Users", params=unnamed, headers=key)
    assert listed.json()["totalResults"] == 0  # not shown, so not found either

    url = f"/scim/v2/Users/{grace['id']}"
    named = await client.patch(
        url, content=patch({"op": "add", "path": "externalId", "value": "E-77"}), headers=key
    )
    assert named.json()["externalId"] == "E-77"
    assert named.headers["etag"] != grace["meta"]["version"]
    # HR addresses the same person by the new key.
    hr = await client.put(
        "/v1/hr/employees/E-77",
        json={"user_name": "grace@example.com", "department": "R&D"},
        headers=key,
    )
    assert hr.status_code == 200 and hr.json()["id"] == grace["id"]
    assert (await client.get(url, headers=key)).json()[ENTERPRISE]["department"] == "R&D"


async def test_manager_value_is_the_managers_id_here(client: httpx.AsyncClient) -> None:
    org = Tenant()
    key = hr_key(org)
    boss = await create(client, org, user_name="boss@example.com", externalId="E-BOSS")
    ada = await create(
        client, org, externalId="E-10", **{ENTERPRISE: {"manager": {"value": boss["id"]}}}
    )
    assert ada[ENTERPRISE]["manager"] == {"value": boss["id"]}
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert record["manager_external_id"] == "E-BOSS"
    # A manager HR has not sent yet: their HR key is kept, and shown until they exist.
    carl = await create(
        client,
        org,
        user_name="carl@example.com",
        externalId="E-11",
        **{ENTERPRISE: {"manager": {"value": "E-99"}}},
    )
    assert carl[ENTERPRISE]["manager"] == {"value": "E-99"}
    later = await create(client, org, user_name="dora@example.com", externalId="E-99")
    carl_now = (await client.get(f"/scim/v2/Users/{carl['id']}", headers=key)).json()
    assert carl_now[ENTERPRISE]["manager"] == {"value": later["id"]}


async def test_filters_on_mapped_attributes(client: httpx.AsyncClient) -> None:
    org = Tenant()
    key = hr_key(org)
    ada = await create(client, org, externalId="E-20", title="Engineer")
    bob = await create(
        client,
        org,
        user_name="bob@example.com",
        externalId="e-20b",
        **{ENTERPRISE: {"department": "CSR", "employeeNumber": "0042"}},
    )

    async def found(expression: str) -> set[str]:
        response = await client.get("/scim/v2/Users", params={"filter": expression}, headers=key)
        assert response.status_code == 200, response.text
        assert response.json()["totalResults"] == len(response.json()["Resources"])
        return {u["userName"] for u in response.json()["Resources"]}

    assert await found('userName eq "ADA@Example.COM"') == {"ada@example.com"}
    assert await found('externalId eq "E-20"') == {"ada@example.com"}
    assert await found('externalId eq "e-20"') == set()  # externalId is caseExact
    assert await found(f'{ENTERPRISE}:department eq "csr"') == {"bob@example.com"}
    assert await found(f'{ENTERPRISE}:employeeNumber eq "0042"') == {"bob@example.com"}
    assert await found("title pr") == {"ada@example.com"}
    assert await found("not (title pr)") == {"bob@example.com"}
    assert await found('userName sw "B" or displayName co "zzz"') == {"bob@example.com"}
    assert await found('emails.value ew "@example.com" and active eq true') == {
        "ada@example.com",
        "bob@example.com",
    }
    assert await found(f'id eq "{bob["id"]}"') == {"bob@example.com"}
    assert await found('userName co "%"') == set()  # LIKE wildcards are escaped
    assert await found(f'meta.created ge "{ada["meta"]["created"]}"') == {
        "ada@example.com",
        "bob@example.com",
    }


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("userName eq", "filter"),
        ('nickName eq "x"', "nickName"),
        (f'{ENTERPRISE}:manager.value eq "E-1"', "manager"),
        ('emails[type eq "work"]', "emails"),
        ("active gt true", "active"),
    ],
)
async def test_an_invalid_filter_is_a_400_naming_it(
    client: httpx.AsyncClient, expression: str, named: str
) -> None:
    response = await client.get(
        "/scim/v2/Users", params={"filter": expression}, headers=hr_key(Tenant())
    )
    detail = scim_error(response, 400, "invalidFilter")
    assert detail.startswith("filter") and named in detail


async def test_pages_by_start_index_and_count_at_most_100(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    records = [
        EmployeeRecord(external_id=f"E-{n:03d}", user_name=f"p{n:03d}@example.com")
        for n in range(101)
    ]
    async with db.transaction() as session:
        await people.sync(session, org_id=org.org_id, records=records, source="api")
    key = hr_key(org)

    async def page(**params: Any) -> dict[str, Any]:
        response = await client.get("/scim/v2/Users", params=params, headers=key)
        assert response.status_code == 200, response.text
        return dict(response.json())

    capped = await page(count=500)
    assert (capped["totalResults"], capped["itemsPerPage"]) == (101, 100)
    seen: list[str] = []
    for start in range(1, 102, 40):
        current = await page(startIndex=start, count=40)
        assert current["startIndex"] == start
        seen += [u["externalId"] for u in current["Resources"]]
    assert sorted(seen) == sorted(r.external_id for r in records)
    assert len(seen) == len(set(seen))
    assert (await page(count=0))["Resources"] in ([], None)
    assert scim_error(
        await client.get("/scim/v2/Users", params={"count": "many"}, headers=key),
        400,
        "invalidValue",
    ).startswith("count")


async def test_another_organisation_neither_sees_nor_touches_the_users(
    client: httpx.AsyncClient,
) -> None:
    org_a, org_b = Tenant(), Tenant()
    ada = await create(client, org_a, externalId="E-30")
    url = f"/scim/v2/Users/{ada['id']}"
    b = hr_key(org_b)
    await create(client, org_b, user_name="bea@example.com", externalId="E-30")

    scim_error(await client.get(url, headers=b), 404)
    scim_error(await client.put(url, content=json.dumps(user()), headers=b), 404)
    scim_error(
        await client.patch(url, content=patch({"op": "remove", "path": "title"}), headers=b), 404
    )
    scim_error(await client.delete(url, headers=b), 404)
    for params in (
        {},
        {"filter": 'userName eq "ada@example.com"'},
        {"filter": f'id eq "{ada["id"]}"'},
    ):
        listed = (await client.get("/scim/v2/Users", params=params, headers=b)).json()
        assert ada["id"] not in {u["id"] for u in listed["Resources"]}
    assert (await client.get("/scim/v2/Users", headers=b)).json()["totalResults"] == 1
    after = await client.get(url, headers=hr_key(org_a))
    assert after.status_code == 200 and after.json() == ada


async def test_hr_writers_only_and_refusals_are_scim_errors(client: httpx.AsyncClient) -> None:
    org = Tenant()
    assert (await client.get("/scim/v2/Users", headers=org.headers(admin=True))).status_code == 200
    for headers in (org.headers(), hr_key(org, ["programs:read"])):
        scim_error(await client.get("/scim/v2/Users", headers=headers), 403)
    anonymous = await client.get("/scim/v2/Users")
    scim_error(anonymous, 401)
    assert anonymous.headers["www-authenticate"].startswith("Bearer")


async def test_if_match_and_content_types(client: httpx.AsyncClient) -> None:
    org = Tenant()
    key = hr_key(org)
    ada = await create(client, org, externalId="E-40")
    url = f"/scim/v2/Users/{ada['id']}"
    fresh = await client.put(
        url,
        json=user(externalId="E-40", title="CTO"),  # application/json is accepted too
        headers={"Authorization": key["Authorization"], "If-Match": ada["meta"]["version"]},
    )
    assert fresh.status_code == 200, fresh.text
    stale = await client.put(
        url,
        content=json.dumps(user(externalId="E-40", title="CEO")),
        headers=key | {"If-Match": ada["meta"]["version"]},
    )
    scim_error(stale, 412)
    current = await client.get(url, headers=key)
    assert current.json()["title"] == "CTO"
    unchanged = await client.get(url, headers=key | {"If-None-Match": current.headers["etag"]})
    assert unchanged.status_code == 304
    plain = await client.post(
        "/scim/v2/Users", content="userName=x", headers=key | {"Content-Type": "text/plain"}
    )
    scim_error(plain, 415)


async def test_bad_values_name_the_attribute(client: httpx.AsyncClient) -> None:
    org = Tenant()
    key = hr_key(org)
    for body, attribute in (
        (user("has space@example.com"), "userName"),
        (user(emails=[{"value": "not-an-address"}]), "emails.value"),
        (user(externalId="E 1"), "externalId"),
        (user(**{ENTERPRISE: {"department": "x" * 201}}), "department"),
        ({"schemas": [CORE]}, "userName"),
    ):
        response = await client.post("/scim/v2/Users", content=json.dumps(body), headers=key)
        assert response.status_code == 400, response.text
        assert attribute in response.json()["detail"]
    assert (await client.get("/scim/v2/Users", headers=key)).json()["totalResults"] == 0


async def test_size_limit_and_nul_guard_still_apply(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    key = hr_key(Tenant())
    huge = user(displayName="x" * settings.max_request_bytes)
    too_large = await client.post("/scim/v2/Users", content=json.dumps(huge), headers=key)
    assert too_large.status_code == 413
    nul = await client.post(
        "/scim/v2/Users", content=json.dumps(user(displayName="a\u0000b")), headers=key
    )
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "body"


async def test_a_retried_creation_with_an_idempotency_key_is_answered_again(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    headers = hr_key(org) | {"Idempotency-Key": str(uuid.uuid4())}
    body = json.dumps(user(externalId="E-50"))
    first = await client.post("/scim/v2/Users", content=body, headers=headers)
    again = await client.post("/scim/v2/Users", content=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["content-type"] == SCIM_JSON


async def test_discovery_and_what_is_not_served(client: httpx.AsyncClient) -> None:
    key = hr_key(Tenant())
    config = (await client.get("/scim/v2/ServiceProviderConfig", headers=key)).json()
    assert config["patch"]["supported"] and config["etag"]["supported"]
    assert config["filter"] == {"supported": True, "maxResults": 100}
    assert not config["bulk"]["supported"] and not config["sort"]["supported"]
    types = (await client.get("/scim/v2/ResourceTypes/User", headers=key)).json()
    assert {e["schema"] for e in types["schemaExtensions"]} == {ENTERPRISE, OURS}
    core = (await client.get(f"/scim/v2/Schemas/{CORE}", headers=key)).json()
    assert {a["name"] for a in core["attributes"]} == {
        "userName",
        "displayName",
        "title",
        "active",
        "emails",
    }
    scim_error(
        await client.get("/scim/v2/Schemas", params={"filter": 'id eq "x"'}, headers=key), 403
    )
    scim_error(await client.get("/scim/v2/Groups", headers=key), 404)
    scim_error(await client.get(f"/scim/v2/{uuid.uuid4()}", headers=key), 404)
    refused = await client.delete("/scim/v2/ServiceProviderConfig", headers=key)
    scim_error(refused, 405)
    assert refused.headers["allow"] == "GET"
    scim_error(await client.post("/scim/v2/Bulk", content="{}", headers=key), 501)
    scim_error(await client.get("/scim/v2/Users", params={"sortBy": "userName"}, headers=key), 501)


@asynccontextmanager
async def scim_client(settings: Settings, org: Tenant) -> AsyncIterator[AsyncScimClient]:
    """scim2-client in front of the service, discovering it as any SCIM client would."""
    app = build_app(settings)
    async with app.router.lifespan_context(app):
        transport = GatewayShim(httpx.ASGITransport(app), audience=settings.service_name)
        headers = {"Authorization": hr_key(org)["Authorization"]}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://service", headers=headers
        ) as http:
            scim = AsyncScimClient(http)
            await scim.discover()
            yield scim


async def test_a_scim_client_creates_patches_and_deactivates(
    settings: Settings, client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    async with scim_client(settings, org) as scim:
        model = scim.get_resource_model("User")
        assert model is not None
        created = await scim.create(
            model.model_validate(
                {
                    "userName": "lin@example.com",
                    "externalId": "E-60",
                    "displayName": "Lin",
                    ENTERPRISE: {"department": "Sales", "employeeNumber": "7"},
                }
            )
        )
        assert created.id is not None and created.meta.version is not None
        moved = await scim.modify(
            model,
            created.id,
            PatchOp[model](
                operations=[
                    PatchOperation(op="replace", path=f"{ENTERPRISE}:department", value="CSR"),
                    PatchOperation(op="replace", path="title", value="Buyer"),
                ]
            ),
        )
        assert moved is not None and moved.title == "Buyer"
        deactivated = await scim.modify(
            model,
            created.id,
            PatchOp[model](operations=[PatchOperation(op="replace", path="active", value=False)]),
        )
        assert deactivated is not None and deactivated.active is False
        found = await scim.search(model, SearchRequest(filter='userName eq "LIN@example.com"'))
        assert [u.id for u in found.resources or []] == [created.id]
    record = (await client.get(f"/v1/employees/{created.id}", headers=hr_key(org))).json()
    assert (record["department"], record["job_title"], record["employment_status"]) == (
        "CSR",
        "Buyer",
        "left",
    )
    assert len(await staged(db, LEFT, str(created.id))) == 1


async def test_the_standard_user_models_of_a_client_work_too(settings: Settings) -> None:
    """A client that knows only RFC 7643's User and enterprise User (as Okta and Entra do)."""
    org = Tenant()
    async with scim_client(settings, org) as scim:
        model = LibraryUser[LibraryEnterprise]
        scim.provider = ScimProvider(
            models=[LibraryUser, LibraryEnterprise],
            resource_types=[ResourceType.from_resource(model)],
            config=scim.provider.config,
        )
        created = await scim.create(
            model.model_validate(
                {
                    "userName": "Kim@example.com",
                    "name": {"givenName": "Kim", "familyName": "Doe"},
                    "emails": [{"value": "kim@example.com", "type": "work", "primary": True}],
                    "phoneNumbers": [{"value": "+33 1 23 45 67 89"}],
                    "password": "not kept",
                }
            ),
            check_response_payload=False,
        )
        assert created["userName"] == "kim@example.com" and "name" not in created


async def test_the_employee_number_is_exported_and_erased_with_the_record(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    key = hr_key(org)
    lin = await create(client, org, externalId="E-70", **{ENTERPRISE: {"employeeNumber": "0070"}})
    person = PersonRef(
        org_id=org.org_id, user_id=None, ambassador_id=None, employee_id=uuid.UUID(lin["id"])
    )
    async with db.transaction() as session:
        assert await scim_privacy.export(session, person) == {
            "employee_number": "0070",
            "deleted_at": None,
        }
    admin = org.headers(admin=True)
    await client.put("/v1/hr/retention", json={"erase_after_days": 0}, headers=admin)
    gone = await client.patch(
        f"/scim/v2/Users/{lin['id']}",
        content=patch({"op": "replace", "path": "active", "value": False}),
        headers=key,
    )
    assert gone.status_code == 200, gone.text
    assert "employeeNumber" not in gone.json().get(ENTERPRISE, {})
    async with db.transaction() as session:
        assert await scim_privacy.export(session, person) is None


async def test_a_change_written_meanwhile_is_not_overwritten(
    client: httpx.AsyncClient, db: Database
) -> None:
    """A PATCH reads the user, applies itself, then writes only if nobody wrote in between."""
    org = Tenant()
    ada = await create(client, org, externalId="E-80")
    employee_id = uuid.UUID(ada["id"])
    async with db.transaction() as hr:
        # HR holds the row, as a concurrent writer would, while the PATCH reads and applies.
        await hr.execute(select(Employee).where(col(Employee.id) == employee_id).with_for_update())
        body = patch({"op": "replace", "path": "title", "value": "Engineer"})
        patching = asyncio.create_task(
            client.patch(f"/scim/v2/Users/{ada['id']}", content=body, headers=hr_key(org))
        )

        async def waiting() -> int:
            query = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return int((await hr.execute(query)).scalar_one())

        await eventually(waiting, lambda count: count > 0)
        await hr.execute(
            update(Employee)
            .where(col(Employee.id) == employee_id)
            .values(department="Moved", version=Employee.version + 1)
        )
    scim_error(await patching, 412)
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=hr_key(org))).json()
    assert (record["department"], record["job_title"]) == ("Moved", None)


async def test_entra_id_style_patches_are_understood(client: httpx.AsyncClient) -> None:
    """PATCH forms Microsoft Entra ID sends: capitalised ops, a filtered e-mail path, the
    manager as a bare id, `active` as the string "False"."""
    org = Tenant()
    key = hr_key(org)
    boss = await create(client, org, user_name="boss@example.com", externalId="E-90")
    ada = await create(client, org, externalId="E-91")
    url = f"/scim/v2/Users/{ada['id']}"
    changed = await client.patch(
        url,
        content=patch(
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada@new.example"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]},
            {"op": "Replace", "path": "active", "value": "False"},
        ),
        headers=key,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["emails"][0]["value"] == "ada@new.example"
    assert changed.json()[ENTERPRISE]["manager"] == {"value": boss["id"]}
    assert changed.json()["active"] is False
    record = (await client.get(f"/v1/employees/{ada['id']}", headers=key)).json()
    assert (record["email"], record["manager_external_id"], record["employment_status"]) == (
        "ada@new.example",
        "E-90",
        "left",
    )
