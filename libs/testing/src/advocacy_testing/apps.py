"""One service in-process: its real lifespan (relay, consumers) and an HTTP client to it."""

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI

from advocacy_testing.identity import GatewayShim, user_token


@asynccontextmanager
async def serving(
    app: FastAPI, *, worker: FastAPI | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (and its worker's: relay, consumers) and yield a client to the app.

    The client sits behind a `GatewayShim`: requests carry user tokens as at the gateway, and the
    service receives internal assertions for its own audience, as in production.
    """
    async with AsyncExitStack() as stack:
        if worker is not None:
            await stack.enter_async_context(worker.router.lifespan_context(worker))
        await stack.enter_async_context(app.router.lifespan_context(app))
        transport = GatewayShim(httpx.ASGITransport(app), audience=app.state.settings.service_name)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


@dataclass(frozen=True)
class Tenant:
    """An organisation with an admin and a way to make employees, for multi-tenant tests."""

    org_id: uuid.UUID = field(default_factory=uuid.uuid4)
    admin_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def headers(
        self,
        *,
        user_id: uuid.UUID | None = None,
        admin: bool = False,
        roles: list[str] | None = None,
    ) -> dict[str, str]:
        """Authorization header for the org admin (admin=True), an employee, or given roles."""
        if roles is None:
            roles = ["org_admin", "employee"] if admin else ["employee"]
        token = user_token(
            user_id=self.admin_id if admin else (user_id or uuid.uuid4()),
            org_id=self.org_id,
            roles=roles,
        )
        return {"Authorization": f"Bearer {token}"}


async def new_sub_program(client: httpx.AsyncClient, tenant: Tenant) -> str:
    """A program and one LinkedIn sub-program of the tenant, created by its admin; the id."""
    admin = tenant.headers(admin=True)
    program = (await client.post("/v1/programs", json={"name": "Advocates"}, headers=admin)).json()
    sub = await client.post(
        f"/v1/programs/{program['id']}/sub-programs",
        json={"name": "LinkedIn people", "kind": "network"},
        headers=admin,
    )
    assert sub.status_code == 201, sub.text
    return str(sub.json()["id"])
