"""One OpenAPI document for the whole platform, merged from the upstreams', and its Swagger UI."""

import asyncio
import copy
import logging
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from common.openapi import BEARER as BEARER_NAME
from common.openapi import PROBLEM_SCHEMAS, operations, problem_response, with_own_media
from gateway import routes
from gateway.dependencies import GatewaySettings, HttpClient

TITLE = "Employee advocacy platform API"
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An access token of a trusted identity provider (JWT), or an API key (adv_...)",
}
# What the gateway answers itself on any path it routes, before or instead of the service:
# path hygiene (400), body size (413), rate limits (429), an upstream down, broken or slow.
FRONT_DOOR_ERRORS = (400, 413, 429, 502, 503, 504)
_INTEGER_HEADER = {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}
RATE_LIMIT_HEADERS = dict.fromkeys(
    ("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"), _INTEGER_HEADER
)
LINK_PATH: dict[str, Any] = {
    "get": {
        "tags": ["links"],
        "summary": "Follow a tracked link",
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "302": {
                "description": "Redirect to the shared content",
                "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
            }
        },
    }
}

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

Document = dict[str, Any]


async def fetch(client: httpx.AsyncClient, base_url: str) -> Document | None:
    """An upstream's OpenAPI document, or None when it can't be had right now."""
    try:
        response = await client.get(f"{base_url}/openapi.json")
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("openapi fetch failed", extra={"upstream": base_url, "error": repr(exc)})
        return None
    return document if isinstance(document, dict) else None


def merge(documents: dict[str, Document], *, missing: list[str]) -> Document:
    """Paths the gateway exposes and their schemas, under one title and the bearer scheme."""
    paths: Document = {}
    schemas: Document = {}
    for name, document in documents.items():
        for path, item in document.get("paths", {}).items():
            # Upstream-only paths (probes, internal routes) would 404 here; don't advertise them.
            if routes.match(path) is not None:
                paths.setdefault(path, item)
        for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
            if schemas.setdefault(schema_name, schema) != schema:
                log.warning("schema name clash", extra={"schema": schema_name, "upstream": name})
    for schema_name, schema in PROBLEM_SCHEMAS.items():  # the gateway's own errors use them
        schemas.setdefault(schema_name, schema)
    link = paths.setdefault("/l/{code}", copy.deepcopy(LINK_PATH))
    link.get("get", {})["security"] = []
    merged: Document = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": "1.0.0"},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": {BEARER_NAME: BEARER}},
        "security": [{BEARER_NAME: []}],
    }
    add_front_door_errors(merged)
    if missing:
        merged["x-unavailable-upstreams"] = missing
    return merged


def add_front_door_errors(document: Document) -> None:
    """Document the gateway's own answers on every operation (401 where a credential is due)."""
    for path, _, operation in operations(document):
        route = routes.match(path)
        public = route is not None and route.public
        responses = operation.setdefault("responses", {})
        for status in (*FRONT_DOOR_ERRORS, *(() if public else (401,))):
            declared = responses.get(str(status), {})
            problem = problem_response(status, description=declared.get("description"))
            responses[str(status)] = with_own_media(problem, declared)
        responses["429"]["headers"] = RATE_LIMIT_HEADERS


@router.get("/openapi.json")
async def openapi_document(
    request: Request, settings: GatewaySettings, client: HttpClient
) -> JSONResponse:
    """The merged document; cached only once every upstream has answered."""
    cached: Document | None = request.app.state.openapi_document
    if cached is not None:
        return JSONResponse(cached)
    upstreams = settings.upstreams()
    fetched = await asyncio.gather(*(fetch(client, url) for url in upstreams.values()))
    documents = {name: doc for name, doc in zip(upstreams, fetched, strict=True) if doc is not None}
    missing = sorted(set(upstreams) - set(documents))
    merged = merge(documents, missing=missing)
    if not missing:
        request.app.state.openapi_document = merged
    return JSONResponse(merged)


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the merged document."""
    root_path = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(openapi_url=f"{root_path}/openapi.json", title=f"{TITLE} - docs")
