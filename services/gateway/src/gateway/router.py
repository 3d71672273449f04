"""Proxy routes generated from the route table (unknown paths 404, wrong methods 405)."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response

from gateway import proxy
from gateway.dependencies import Caller, GatewaySettings, Upstream
from gateway.identity.signing import AssertionSigner
from gateway.routes import ROUTES, Route

router = APIRouter(include_in_schema=False)


def _authenticated(route: Route) -> Callable[..., Awaitable[Response]]:
    async def endpoint(
        request: Request, settings: GatewaySettings, client: Upstream, caller: Caller
    ) -> Response:
        signer: AssertionSigner = request.app.state.signer
        return await proxy.forward(
            request,
            client=client,
            base_url=settings.upstreams()[route.upstream],
            assertion=signer.assertion(caller, route.upstream),
        )

    return endpoint


def _public(route: Route) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request, settings: GatewaySettings, client: Upstream) -> Response:
        base_url = settings.upstreams()[route.upstream]
        return await proxy.forward(request, client=client, base_url=base_url)

    return endpoint


for _route in ROUTES:
    router.add_api_route(
        _route.path,
        _public(_route) if _route.public else _authenticated(_route),
        methods=sorted(_route.methods),
        name=f"proxy {_route.path}",
    )
