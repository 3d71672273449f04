"""The request latency histogram: labelled by route template and the status actually sent."""

import httpx
from fastapi import APIRouter
from prometheus_client import REGISTRY

from common.app import ServiceSpec, create_app
from common.errors import Conflict
from common.settings import ServiceSettings

router = APIRouter()


@router.get("/widgets/{widget_id}")
async def widget(widget_id: int) -> dict[str, int]:
    if widget_id == 409:
        raise Conflict("taken")
    if widget_id == 500:
        raise RuntimeError("bug")
    return {"id": widget_id}


def observed(route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "http_request_duration_seconds_count",
        {"method": "GET", "route": route, "status": status},
    )
    return value or 0.0


async def test_requests_are_counted_by_template_and_status() -> None:
    settings = ServiceSettings()
    spec = ServiceSpec(settings=settings, title="t", description="t", routers=[router])
    spec.uses_database = False
    transport = httpx.ASGITransport(create_app(spec), raise_app_exceptions=False)
    before = {s: observed("/widgets/{widget_id}", s) for s in ("200", "409", "500")}
    unmatched = observed("unmatched", "404")
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        for path in ("/widgets/1", "/widgets/2", "/widgets/409", "/widgets/500", "/nowhere"):
            await client.get(path)

    assert observed("/widgets/{widget_id}", "200") - before["200"] == 2
    assert observed("/widgets/{widget_id}", "409") - before["409"] == 1
    assert observed("/widgets/{widget_id}", "500") - before["500"] == 1
    assert observed("unmatched", "404") - unmatched == 1
