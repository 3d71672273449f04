"""Internal trust through the real processes: only the gateway's assertions open a service."""

import uuid

import httpx
import pytest

from advocacy_testing import identity
from advocacy_testing.apps import Tenant
from advocacy_testing.stack import Stack
from common import assertions
from common.auth import Principal
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY

GATEWAY_KEY = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)


async def test_gateway_answers_with_a_user_token(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        response = await gw.get("/v1/programs", headers=Tenant().headers(admin=True))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("service", ["content", "ambassadors", "metrics"])
async def test_a_call_that_bypasses_the_gateway_is_refused(stack: Stack, service: str) -> None:
    tenant = Tenant()
    principal = Principal(
        user_id=tenant.admin_id, org_id=tenant.org_id, roles=frozenset({"org_admin"})
    )
    other = "metrics" if service != "metrics" else "content"
    credentials = {
        # The person's own IdP token, valid at the gateway, means nothing to a service.
        "user token": tenant.headers(admin=True)["Authorization"],
        # An assertion the gateway signed for another service cannot be replayed here.
        "assertion for another service": "Bearer "
        + assertions.sign(GATEWAY_KEY, principal=principal, audience=other),
        "none": "",
    }
    path = {
        "content": "/v1/content",
        "ambassadors": "/v1/programs",
        "metrics": "/v1/metrics/summary",
    }
    async with httpx.AsyncClient(base_url=stack.services[service].url, timeout=10) as direct:
        for name, value in credentials.items():
            headers = {"Authorization": value} if value else {}
            response = await direct.get(path[service], headers=headers)
            assert response.status_code == 401, (name, response.text)
        # The same principal, asserted for this service by the gateway's key, is let in.
        own = assertions.sign(GATEWAY_KEY, principal=principal, audience=service)
        response = await direct.get(path[service], headers={"Authorization": f"Bearer {own}"})
        assert response.status_code == 200, response.text


async def test_forged_and_expired_credentials_are_refused_at_the_gateway(stack: Stack) -> None:
    tenant = Tenant()
    expired = identity.user_token(
        user_id=uuid.uuid4(), org_id=tenant.org_id, roles=["org_admin"], ttl_seconds=-300
    )
    wrong_audience = identity.user_token(
        user_id=uuid.uuid4(), org_id=tenant.org_id, roles=["org_admin"], aud="another-api"
    )
    own = assertions.sign(
        GATEWAY_KEY,
        principal=Principal(
            user_id=uuid.uuid4(), org_id=tenant.org_id, roles=frozenset({"org_admin"})
        ),
        audience="ambassadors",
    )
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        for token in (expired, wrong_audience, own, "adv_0000_unknown"):
            response = await gw.get("/v1/programs", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, response.text
            assert response.headers["content-type"] == "application/problem+json"
