"""The permission table against the code: every public route has its rows, and the document
is what the table renders."""

from typing import Any

import pytest
from fastapi import FastAPI

from advocacy_testing import permissions_doc
from advocacy_testing.permissions import CALLER_NAMES, ROWS, Row
from ambassadors.config import Settings as AmbassadorsSettings
from ambassadors.main import build_app as ambassadors_app
from content.config import Settings as ContentSettings
from content.main import build_app as content_app
from gateway.routes import match
from metrics.config import Settings as MetricsSettings
from metrics.main import build_app as metrics_app

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def public_operations(service: str, app: FastAPI) -> set[tuple[str, str]]:
    """(METHOD, path) of the app's routes that the gateway sends to this service."""
    operations = set()
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    for path, methods in paths.items():
        route = match(path)
        for method in methods.keys() & HTTP_METHODS:
            if route and route.upstream == service and method.upper() in route.methods:
                operations.add((method.upper(), path))
    return operations


def test_every_public_route_has_rows_and_every_row_a_route() -> None:
    apps = {
        "ambassadors": ambassadors_app(AmbassadorsSettings(env="test")),
        "content": content_app(ContentSettings(env="test")),
        "metrics": metrics_app(MetricsSettings(env="test")),
    }
    served = {
        (service, *operation)
        for service, app in apps.items()
        for operation in public_operations(service, app)
    }
    tabled = {(row.service, row.method, row.path) for row in ROWS}

    assert served - tabled == set(), "public routes without a row in the permission table"
    assert tabled - served == set(), "rows for routes no service serves (or the gateway hides)"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: " ".join(row.key).strip())
def test_every_row_answers_for_every_caller(row: Row) -> None:
    assert set(row.outcomes) == set(CALLER_NAMES)


def test_rows_are_unique() -> None:
    keys = [row.key for row in ROWS]
    assert len(keys) == len(set(keys))


def test_permissions_doc_is_rendered_from_the_table() -> None:
    assert permissions_doc.current() == permissions_doc.render(), (
        "docs/permissions.md is stale: run python -m advocacy_testing.permissions_doc --write"
    )
