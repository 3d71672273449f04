"""Errors, size limits and correlation ids as every service renders them."""

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field

from common.app import ServiceSpec, create_app
from common.errors import Conflict
from common.settings import ServiceSettings

router = APIRouter()


class Body(BaseModel):
    audience_size: int = Field(ge=0)


@router.post("/things")
async def make_thing(body: Body) -> dict[str, int]:
    return {"audience_size": body.audience_size}


@router.post("/conflict")
async def conflict() -> None:
    raise Conflict("already there", field="name")


@pytest.fixture
def client() -> httpx.AsyncClient:
    settings = ServiceSettings(max_request_bytes=100)
    app = create_app(
        ServiceSpec(
            settings=settings, title="t", description="t", routers=[router], uses_database=False
        )
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


async def test_invalid_field_gets_422_problem_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"audience_size": -1})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "audience_size"


async def test_domain_error_carries_its_status(client: httpx.AsyncClient) -> None:
    response = await client.post("/conflict")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:advocacy:problem:conflict"
    assert response.json()["errors"] == [{"field": "name", "message": "already there"}]


async def test_unknown_route_gets_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_oversized_body_gets_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"x" * 500, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["type"] == "urn:advocacy:problem:payload_too_large"


async def test_request_id_is_echoed_or_minted(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "abc-123"})
    minted = await client.get("/healthz")
    assert given.headers["x-request-id"] == "abc-123"
    assert len(minted.headers["x-request-id"]) == 32


def test_settings_default_to_prod_and_refuse_the_development_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ENV", raising=False)
    with pytest.raises(ValueError, match="internal_public_keys"):
        ServiceSettings()
    with pytest.raises(ValueError, match="internal_public_keys"):
        ServiceSettings(env="prod", internal_public_keys="-----BEGIN PUBLIC KEY-----placeholder")


def test_prod_refuses_a_placeholder_database_password() -> None:
    real_key = (
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA8Ydmq0Ebk4UKJz7e1tYSxm2lBFZ1v0xH1Kq4aJcSx3g=\n"
        "-----END PUBLIC KEY-----\n"
    )
    url = "postgresql+asyncpg://content:placeholder-content-db-password@db/content"
    with pytest.raises(ValueError, match="database_url"):
        ServiceSettings(env="prod", internal_public_keys=real_key, database_url=url)
    assert ServiceSettings(env="prod", internal_public_keys=real_key).env == "prod"
