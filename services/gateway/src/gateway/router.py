"""Proxy routes generated from the route table (unknown paths 404, wrong methods 405)."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request, Response

from gateway import proxy
from gateway.dependencies import GatewaySettings, HttpClient, authenticate
from gateway.routes import ROUTES, Route

router = APIRouter(include_in_schema=False)


def _endpoint(route: Route) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request, settings: GatewaySettings, client: HttpClient) -> Response:
        base_url = settings.upstreams()[route.upstream]
        return await proxy.forward(request, client=client, base_url=base_url)

    return endpoint


for _route in ROUTES:
    router.add_api_route(
        _route.path,
        _endpoint(_route),
        methods=sorted(_route.methods),
        dependencies=[] if _route.public else [Depends(authenticate)],
        name=f"proxy {_route.path}",
    )
