"""A service's OpenAPI document says what it really answers: errors, credential, links."""

import uuid
from typing import Annotated, Any

import httpx
import jsonschema_rs
import pytest
from fastapi import APIRouter, Header, status
from pydantic import BaseModel, Field

from common import openapi
from common.app import ServiceSpec, create_app
from common.dependencies import CurrentPrincipal
from common.errors import Conflict
from common.idempotency import HEADER as IDEMPOTENCY_KEY
from common.settings import ServiceSettings

router = APIRouter(prefix="/v1")


class ThingCreate(BaseModel):
    name: str = Field(min_length=1)


class ThingRead(BaseModel):
    id: uuid.UUID
    name: str


@router.post("/things", status_code=status.HTTP_201_CREATED, response_model=ThingRead)
async def create_thing(
    data: ThingCreate,
    principal: CurrentPrincipal,
    key: Annotated[str | None, Header(alias=IDEMPOTENCY_KEY)] = None,
) -> ThingRead:
    return ThingRead(id=uuid.uuid4(), name=data.name)


@router.get("/things/{thing_id}", response_model=ThingRead)
async def get_thing(thing_id: uuid.UUID, principal: CurrentPrincipal) -> ThingRead:
    return ThingRead(id=thing_id, name="x")


@router.post(
    "/things/{thing_id}/parts",
    status_code=status.HTTP_201_CREATED,
    response_model=ThingRead,
    openapi_extra={openapi.RESOURCE: "/v1/parts/{part_id}"},
)
async def create_part(thing_id: uuid.UUID, principal: CurrentPrincipal) -> ThingRead:
    return ThingRead(id=uuid.uuid4(), name="part")


@router.delete("/parts/{part_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_part(part_id: uuid.UUID, principal: CurrentPrincipal) -> None:
    raise Conflict("in use", field="part_id")


@router.get("/summary")
async def summary(principal: CurrentPrincipal) -> dict[str, int]:
    return {}


@router.get("/public/{code}", responses={410: {"description": "Gone for good"}})
async def public(code: str, limit: int = 1) -> dict[str, str]:
    return {"code": code}


@router.get(
    "/own-media/{item_id}",
    responses={
        404: {"content": {"application/scim+json": {"schema": {"type": "object"}}}},
        409: {"model": ThingRead},
    },
)
async def own_media(item_id: str, principal: CurrentPrincipal) -> dict[str, str]:
    return {}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    spec = ServiceSpec(
        settings=ServiceSettings(),
        title="t",
        description="t",
        routers=[router],
        uses_database=False,
    )
    return create_app(spec).openapi()


def responses(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(document["paths"][path][method]["responses"])


def test_errors_follow_the_route_shape(document: dict[str, Any]) -> None:
    statuses = {
        (method, path): sorted(responses(document, method, path))
        for method, path in [
            ("post", "/v1/things"),
            ("get", "/v1/things/{thing_id}"),
            ("delete", "/v1/parts/{part_id}"),
            ("get", "/v1/summary"),
            ("get", "/v1/public/{code}"),
        ]
    }

    assert statuses == {
        ("post", "/v1/things"): ["201", "401", "403", "409", "413", "422"],
        ("get", "/v1/things/{thing_id}"): ["200", "401", "403", "404", "422"],
        # A change to an existing object may meet its current state: 409.
        ("delete", "/v1/parts/{part_id}"): ["204", "401", "403", "404", "409", "422"],
        ("get", "/v1/summary"): ["200", "401", "403"],
        ("get", "/v1/public/{code}"): ["200", "404", "410", "422"],
    }


def test_credential_is_the_bearer_scheme_not_a_header_parameter(document: dict[str, Any]) -> None:
    thing = document["paths"]["/v1/things/{thing_id}"]["get"]
    public = document["paths"]["/v1/public/{code}"]["get"]

    assert thing["security"] == [{"bearerAuth": []}]
    assert [p["name"] for p in thing["parameters"]] == ["thing_id"]
    assert public["security"] == []
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_error_is_a_problem_with_its_own_status(document: dict[str, Any]) -> None:
    unauthorized = responses(document, "get", "/v1/things/{thing_id}")["401"]
    gone = responses(document, "get", "/v1/public/{code}")["410"]

    schema = gone["content"]["application/problem+json"]["schema"]
    assert schema["allOf"][1] == {"properties": {"status": {"const": 410}}}
    assert gone["description"] == "Gone for good"
    assert unauthorized["headers"]["WWW-Authenticate"]["required"] is True


def test_a_routes_own_error_media_stays_beside_the_problem(document: dict[str, Any]) -> None:
    """SCIM routes answer their errors as application/scim+json (RFC 7644 §3.12)."""
    answers = responses(document, "get", "/v1/own-media/{item_id}")

    assert sorted(answers["404"]["content"]) == [
        "application/problem+json",
        "application/scim+json",
    ]
    # FastAPI's default JSON body of a declared model is not what errors are: problem only.
    assert list(answers["409"]["content"]) == ["application/problem+json"]


def test_creating_posts_link_their_id_to_the_operations_that_take_it(
    document: dict[str, Any],
) -> None:
    things = responses(document, "post", "/v1/things")["201"]["links"]
    parts = responses(document, "post", "/v1/things/{thing_id}/parts")["201"]["links"]

    assert things["GET /v1/things/{thing_id}"]["parameters"] == {"thing_id": "$response.body#/id"}
    assert set(things) == {"GET /v1/things/{thing_id}", "POST /v1/things/{thing_id}/parts"}
    assert parts == {
        "DELETE /v1/parts/{part_id}": {
            "operationId": document["paths"]["/v1/parts/{part_id}"]["delete"]["operationId"],
            "parameters": {"part_id": "$response.body#/id"},
        }
    }
    assert openapi.RESOURCE not in document["paths"]["/v1/things/{thing_id}/parts"]["post"]


def test_idempotent_posts_document_the_replay_header(document: dict[str, Any]) -> None:
    created = responses(document, "post", "/v1/things")["201"]
    assert created["headers"]["Idempotent-Replayed"]["schema"] == {
        "type": "string",
        "enum": ["true"],
    }


async def test_the_problem_schema_matches_the_bodies_sent(document: dict[str, Any]) -> None:
    spec = ServiceSpec(
        settings=ServiceSettings(max_request_bytes=10),
        title="t",
        description="t",
        routers=[router],
        uses_database=False,
    )
    app = create_app(spec)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
        answers = [
            await client.get("/v1/public/x", headers={"content-length": "x"}),
            await client.get("/v1/things/not-a-uuid"),  # the credential is checked first
            await client.get("/v1/public/x?limit=many"),
            await client.get("/nowhere"),
        ]
    validator = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    )
    for answer in answers:
        assert answer.headers["content-type"] == "application/problem+json"
        assert validator.is_valid(answer.json()), answer.json()
    assert [answer.status_code for answer in answers] == [413, 401, 422, 404]
