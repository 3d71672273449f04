"""SCIM 2.0 through the gateway and the real processes, with a real hr:write API key: the
scim2-tester compliance checker runs against /scim/v2, and a scim2-client run creates, patches
and deactivates an employee as an identity provider would."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from scim2_models import PatchOp, PatchOperation, SearchRequest
from scim2_tester import CheckResult, Status, check_server

from advocacy_testing.apps import Tenant
from advocacy_testing.scim_clients import AsyncScimClient, SyncScimClient
from advocacy_testing.stack import Stack, running_stack

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
OURS = "urn:advocacy:params:scim:schemas:extension:employee:2.0:User"
SCIM_JSON = "application/scim+json"
# The checks scim2-tester may fail here, each explained in docs/people/scim.md ("What
# scim2-tester reports"): (check, the attribute its reason names). The e-mail ones fail or pass
# with the type and primary flag it draws at random.
EXPLAINED = {
    ("check_add_attribute", "'emails'"),
    ("check_replace_attribute", "'emails'"),
    ("check_remove_attribute", "'active'"),
    ("check_remove_attribute", f"'{OURS}'"),
    ("check_remove_attribute", f"'{OURS}:isExecutive'"),
}


@pytest.fixture(scope="module")
async def stack(postgres_url: str, kafka_bootstrap: str) -> AsyncIterator[Stack]:
    """The stack; the checker sends a few hundred requests a minute with one key."""
    limits = {"GATEWAY_RATE_LIMIT_CREDENTIAL_PER_MINUTE": "100000"}
    async with running_stack(
        postgres_url=postgres_url, kafka=kafka_bootstrap, gateway_env=limits
    ) as running:
        yield running


async def hr_key(gw: httpx.AsyncClient, org: Tenant) -> dict[str, str]:
    """A real API key with hr:write, made by the organisation's admin."""
    body = {"name": "Identity provider", "scopes": ["hr:write"]}
    made = await gw.post("/v1/api-keys", json=body, headers=org.headers(admin=True))
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['key']}"}


def run_checker(gateway: str, key: dict[str, str]) -> list[CheckResult]:
    with httpx.Client(base_url=gateway, headers=key, timeout=30) as http:
        return check_server(SyncScimClient(http))


def failures(results: list[CheckResult]) -> list[tuple[str, str]]:
    return [(r.title or "", r.reason or "") for r in results if r.status == Status.ERROR]


async def test_scim2_tester_finds_nothing_unexplained(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        key = await hr_key(gw, Tenant())
    results = await asyncio.to_thread(run_checker, stack.gateway, key)
    unexplained = [
        failure
        for failure in failures(results)
        if not any(check == failure[0] and named in failure[1] for check, named in EXPLAINED)
    ]
    assert sum(r.status == Status.SUCCESS for r in results) > 30
    assert unexplained == []


async def test_an_identity_provider_creates_patches_and_deactivates(stack: Stack) -> None:
    org = Tenant()
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        key = await hr_key(gw, org)
        async with httpx.AsyncClient(base_url=stack.gateway, headers=key, timeout=30) as http:
            scim = AsyncScimClient(http)
            await scim.discover()
            model: Any = scim.get_resource_model("User")
            created = await scim.create(
                model.model_validate(
                    {
                        "userName": "Noor@example.com",
                        "externalId": "HR-1",
                        ENTERPRISE: {"department": "Sales"},
                    }
                )
            )
            assert created.meta.location.startswith(f"{stack.gateway}/scim/v2/Users/")
            operation = PatchOperation(op="replace", path=f"{OURS}:isExecutive", value=True)
            moved = await scim.modify(model, created.id, PatchOp[model](operations=[operation]))
            assert moved[OURS].is_executive is True
            active = PatchOperation(op="replace", path="active", value=False)
            off = await scim.modify(model, created.id, PatchOp[model](operations=[active]))
            assert off.active is False
            found = await scim.search(model, SearchRequest(filter='externalId eq "HR-1"'))
            assert [u.active for u in found.resources or []] == [False]
        record = await gw.get(f"/v1/employees/{created.id}", headers=key)
        assert record.json()["employment_status"] == "left"
        assert record.json()["is_executive"] is True


async def test_the_merged_document_lists_scim_errors_beside_the_gateways(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        document = (await gw.get("/openapi.json")).json()
    answers = document["paths"]["/scim/v2/Users"]["get"]["responses"]
    # 400: a bad filter (SCIM) or a path the gateway refuses (problem+json).
    assert sorted(answers["400"]["content"]) == ["application/problem+json", SCIM_JSON]
    assert sorted(answers["401"]["content"]) == ["application/problem+json", SCIM_JSON]
    user = document["paths"]["/scim/v2/Users/{employee_id}"]["delete"]["responses"]
    assert SCIM_JSON in user["404"]["content"]
