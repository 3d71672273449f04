"""Completes a service's OpenAPI document with what FastAPI cannot see from the route signatures.

- every error a route can answer, as the problem+json body `common.errors` really sends
  (schemathesis checks each answer's status, content type and body against this document);
- the caller's credential as the `bearerAuth` scheme rather than an `authorization` header
  parameter (the header `common.dependencies.current_principal` reads);
- OpenAPI links from each creating POST's `id` to the operations that take that id, which is
  what property-based stateful testing follows (tests/e2e/test_api_fuzz.py).

A route declares what the rules below cannot infer with FastAPI's `responses=` (the body of
every error status is filled in here) and, when what it creates is addressed under another
path than its own, with `openapi_extra={RESOURCE: "/v1/things/{thing_id}"}`.
"""

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from common.errors import PROBLEM_JSON

Document = dict[str, Any]

BEARER = "bearerAuth"
# openapi_extra key: the path template, ending in the id parameter, where a created object lives.
RESOURCE = "x-resource"
METHODS = ("get", "put", "post", "delete", "patch")
_PARAMETER = re.compile(r"\{([^}]+)\}")

PROBLEM_SCHEMAS: Document = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details, as every error of this API is answered.",
        "type": "object",
        "required": ["type", "title", "status", "detail", "instance"],
        "properties": {
            "type": {"type": "string", "pattern": "^urn:advocacy:problem:[a-z_]+$"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProblemFieldError"},
                "description": "The fields at fault, for invalid input.",
            },
        },
        # RFC 9457 extension members: a problem may add what the client needs (e.g. `key_id`).
        "additionalProperties": True,
    },
    "ProblemFieldError": {
        "title": "ProblemFieldError",
        "type": "object",
        "required": ["field", "message"],
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        "additionalProperties": False,
    },
}
ERROR_DESCRIPTIONS = {
    400: "The request path is not canonical (escapes, dot-segments, `;`, backslashes)",
    401: "No valid credential",
    403: "The caller's roles, scopes or grants do not allow this",
    404: "Not found, or not visible to the caller (another organisation's objects always)",
    409: "Conflicts with the current state, or with a concurrent use of the Idempotency-Key",
    413: "The request body is too large",
    422: "Invalid input; `errors` names each field",
    429: "Too many requests; retry after `Retry-After` seconds",
    502: "The service behind this path sent no valid answer",
    503: "A service or dependency this needs is unavailable right now",
    504: "The service behind this path did not answer in time",
}
_STRING = {"schema": {"type": "string"}}
ERROR_HEADERS: dict[int, Document] = {
    401: {"WWW-Authenticate": {"required": True, **_STRING}},
}


def install(app: FastAPI) -> None:
    """Make `app.openapi()` return the completed document (built once, like FastAPI's own)."""
    generate = app.openapi

    def openapi() -> Document:
        if app.openapi_schema is None:
            app.openapi_schema = complete(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: Document) -> Document:
    """The document with security, problem responses and links; changed in place and returned."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body; ours differs
        schemas.pop(unused, None)
    schemas.update(PROBLEM_SCHEMAS)
    components.setdefault("securitySchemes", {})[BEARER] = {"type": "http", "scheme": "bearer"}
    for path, method, operation in operations(document):
        authenticated = _take_credential_parameter(operation)
        operation["security"] = [{BEARER: []}] if authenticated else []
        statuses = inferred_errors(path, method, operation, authenticated=authenticated)
        add_errors(operation, statuses)
        _document_replays(operation)
    add_links(document)
    return document


def operations(document: Document) -> Iterator[tuple[str, str, Document]]:
    """(path, method, operation) for every operation of the document."""
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def inferred_errors(
    path: str, method: str, operation: Document, *, authenticated: bool
) -> set[int]:
    """The error statuses every route of this shape can answer (errors, limits, idempotency)."""
    statuses: set[int] = set()
    if authenticated:
        statuses |= {401, 403}
    if _PARAMETER.search(path):
        statuses.add(404)
    # Creations meet duplicates; a change to an existing object meets its current state.
    creates = _has_header(operation, "idempotency-key") or _creates(operation)
    changes = method in ("put", "patch", "delete") or (method == "post" and _PARAMETER.search(path))
    if (method == "post" and creates) or changes:
        statuses.add(409)
    if "requestBody" in operation:
        statuses |= {413, 422}
    if operation.get("parameters"):
        statuses.add(422)
    return statuses


def add_errors(operation: Document, statuses: set[int]) -> None:
    """Add these statuses, and give every error status the problem+json body (ours or declared)."""
    responses = operation.setdefault("responses", {})
    if "422" not in map(str, statuses) and _fastapi_422(responses.get("422")):
        del responses["422"]  # added for the `authorization` header alone, which cannot fail
    for status in statuses:
        responses.setdefault(str(status), {})
    for key, response in responses.items():
        if key.isdigit() and int(key) >= 400:
            responses[key] = with_own_media(
                problem_response(int(key), description=response.get("description")), response
            )


def problem_response(status: int, *, description: str | None = None) -> Document:
    """A response whose body is a Problem carrying this very status."""
    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"properties": {"status": {"const": status}}},
        ]
    }
    response: Document = {
        "description": _describe(status, description),
        "content": {PROBLEM_JSON: {"schema": schema}},
    }
    if status in ERROR_HEADERS:
        response["headers"] = ERROR_HEADERS[status]
    return response


def with_own_media(problem: Document, declared: Document) -> Document:
    """The problem response, plus the error bodies of other media a route declared itself
    (SCIM routes answer their own errors as application/scim+json, RFC 7644 §3.12)."""
    own = {
        media: body
        for media, body in declared.get("content", {}).items()
        if media not in ("application/json", PROBLEM_JSON)
    }
    problem["content"] = own | problem["content"]
    return problem


def _describe(status: int, declared: str | None) -> str:
    # FastAPI labels the 422 it adds "Validation Error" and undeclared ones "Additional Response".
    if declared and declared not in ("Validation Error", "Additional Response"):
        return declared
    return ERROR_DESCRIPTIONS.get(status, "Error")


def add_links(document: Document) -> None:
    """Link each creating POST's 201 `id` to the operations addressed by that id."""
    for path, method, operation in list(operations(document)):
        created = operation.get("responses", {}).get("201")
        if method != "post" or created is None:
            continue
        resource = operation.pop(RESOURCE, None) or _resource_under(document, path)
        if resource is None:
            continue
        links = _links_to(document, resource, known=set(_PARAMETER.findall(path)))
        if links:
            created.setdefault("links", {}).update(links)


def _resource_under(document: Document, collection: str) -> str | None:
    # POST /things creates what GET /things/{thing_id} and everything below it address.
    pattern = re.compile(re.escape(collection.rstrip("/")) + r"/\{[^}/]+\}")
    found = (pattern.match(path) for path in document.get("paths", {}))
    return next((match.group(0) for match in found if match is not None), None)


def _links_to(document: Document, resource: str, *, known: set[str]) -> Document:
    """Links to every operation under `resource` whose path parameters all have a source."""
    id_parameter = _PARAMETER.findall(resource)[-1]
    links: Document = {}
    for path, method, operation in operations(document):
        if path != resource and not path.startswith(resource + "/"):
            continue
        parameters: Document = {}
        for name in _PARAMETER.findall(path):
            if name == id_parameter:
                parameters[name] = "$response.body#/id"
            elif name in known:
                parameters[name] = f"$request.path.{name}"
        if len(parameters) == len(_PARAMETER.findall(path)) and "operationId" in operation:
            name = f"{method.upper()} {path}"
            links[name] = {"operationId": operation["operationId"], "parameters": parameters}
    return links


def _take_credential_parameter(operation: Document) -> bool:
    """Drop the `authorization` header parameter; True when the operation had one."""
    parameters = operation.get("parameters", [])
    kept = [p for p in parameters if not _is_header(p, "authorization")]
    if len(kept) == len(parameters):
        return bool(operation.get("security"))
    if kept:
        operation["parameters"] = kept
    else:
        operation.pop("parameters")
    return True


def _document_replays(operation: Document) -> None:
    # common.idempotency answers a replayed request with this header on the stored response.
    if not _has_header(operation, "idempotency-key"):
        return
    header = {"schema": {"type": "string", "enum": ["true"]}, "required": False}
    for key, response in operation.get("responses", {}).items():
        if key.startswith("2"):
            response.setdefault("headers", {})["Idempotent-Replayed"] = header


def _fastapi_422(response: Document | None) -> bool:
    return response is not None and response.get("description") == "Validation Error"


def _creates(operation: Document) -> bool:
    return "201" in operation.get("responses", {})


def _has_header(operation: Document, name: str) -> bool:
    return any(_is_header(p, name) for p in operation.get("parameters", []))


def _is_header(parameter: Document, name: str) -> bool:
    return parameter.get("in") == "header" and str(parameter.get("name", "")).lower() == name
