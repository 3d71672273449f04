"""The merged OpenAPI document and its Swagger UI."""

from typing import Any

import httpx


async def test_openapi_merges_paths_of_all_upstreams(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/openapi.json")

    document = response.json()
    assert document["info"]["title"] == "Employee advocacy platform API"
    paths = document["paths"]
    assert {"/v1/content/{content_id}", "/v1/programs", "/v1/metrics/summary"} <= set(paths)
    assert paths["/l/{code}"]["get"]["security"] == []
    assert not any(p.startswith("/internal") for p in paths)
    assert {"ContentRead", "AmbassadorsRead", "MetricsRead"} <= set(
        document["components"]["schemas"]
    )
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["security"] == [{"bearerAuth": []}]
    assert "x-unavailable-upstreams" not in document


async def test_openapi_is_cached_after_full_success(
    gateway: httpx.AsyncClient, upstreams: dict[str, Any]
) -> None:
    await gateway.get("/openapi.json")
    hits = {name: upstream.openapi_hits for name, upstream in upstreams.items()}

    again = await gateway.get("/openapi.json")

    assert again.status_code == 200
    assert {name: upstream.openapi_hits for name, upstream in upstreams.items()} == hits


async def test_openapi_is_partial_and_uncached_when_upstream_down(
    gateway_for: Any, dead_port: int, upstream_on: Any
) -> None:
    url = f"http://127.0.0.1:{dead_port}"
    async with gateway_for(metrics_url=url) as gateway:
        partial = (await gateway.get("/openapi.json")).json()
        with upstream_on("metrics", dead_port):
            full = (await gateway.get("/openapi.json")).json()

    assert partial["x-unavailable-upstreams"] == ["metrics"]
    assert "/v1/metrics/summary" not in partial["paths"]
    assert "/v1/content/{content_id}" in partial["paths"]
    assert "/v1/metrics/summary" in full["paths"]


async def test_docs_serves_swagger_ui_for_merged_document(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text


async def test_openapi_documents_the_gateways_own_answers(gateway: httpx.AsyncClient) -> None:
    document = (await gateway.get("/openapi.json")).json()

    link = document["paths"]["/l/{code}"]["get"]["responses"]
    content = document["paths"]["/v1/content/{content_id}"]["get"]["responses"]
    front_door = {"400", "413", "429", "502", "503", "504"}
    assert front_door <= set(link) and "401" not in link
    assert front_door | {"401"} <= set(content)
    assert set(content["429"]["headers"]) >= {"Retry-After", "RateLimit-Remaining"}
    problem = content["503"]["content"]["application/problem+json"]["schema"]
    assert problem["allOf"][0] == {"$ref": "#/components/schemas/Problem"}
    assert "Problem" in document["components"]["schemas"]
