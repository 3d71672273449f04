"""NUL characters are a 422 naming the part of the request, before any handler runs."""

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from common.errors import install
from common.nul_characters import NulCharacterMiddleware


class Body(BaseModel):
    text: str


def app() -> FastAPI:
    application = FastAPI()
    install(application)
    application.add_middleware(NulCharacterMiddleware)

    @application.post("/echo")
    async def echo(body: Body) -> dict[str, str]:
        return {"text": body.text}

    @application.get("/search")
    async def search(q: str = "") -> dict[str, str]:
        return {"q": q}

    return application


@pytest.fixture
async def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app()), base_url="http://test")


@pytest.mark.parametrize("raw", [b'{"text": "a\\u0000b"}', b'{"text": "\\u0000"}'])
async def test_nul_in_a_json_body_is_422_naming_the_body(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    response = await client.post("/echo", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body"


async def test_an_escaped_backslash_before_u0000_is_plain_text(client: httpx.AsyncClient) -> None:
    raw = b'{"text": "C:\\\\u0000"}'  # the text C:\u0000, no NUL in it
    response = await client.post("/echo", content=raw, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (200, {"text": "C:\\u0000"})


async def test_nul_in_the_query_is_422_naming_the_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/search?q=a%00b")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "query")
    assert (await client.get("/search?q=ab")).status_code == 200
