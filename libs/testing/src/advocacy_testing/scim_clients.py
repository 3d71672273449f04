"""scim2-client's SCIM clients over httpx (its own engine needs httpx2, which we do not ship):
the sync one drives scim2-tester through the gateway, the async one a service in-process.

scim2-client does the SCIM work (payloads, validation, ETags, errors); these only send."""

from typing import Any

import httpx
from scim2_client import BaseAsyncSCIMClient, BaseSyncSCIMClient, RequestNetworkException
from scim2_client.client import RawResponse

SCIM_ROOT = "/scim/v2"


def _url(url: str) -> str:
    # scim2-client names endpoints relative to the SCIM root ("/Users", "Users/1").
    return url if url.startswith(("http://", "https://")) else f"{SCIM_ROOT}/{url.lstrip('/')}"


def _relative(url: str) -> bool:
    return not url.startswith(("http://", "https://")) and ".." not in url.split("/")


class SyncScimClient(BaseSyncSCIMClient):
    """scim2-client's synchronous client on an httpx.Client (base URL: the gateway)."""

    def __init__(self, client: httpx.Client, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client = client

    def _stays_under_base_url(self, endpoint: str) -> bool:
        return _relative(endpoint)

    def _parse_json(self, response: RawResponse) -> Any:
        return response.json()  # type: ignore[attr-defined]

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, _url(url), **kwargs)
        except httpx.RequestError as exc:
            raise RequestNetworkException() from exc


class AsyncScimClient(BaseAsyncSCIMClient):
    """scim2-client's asynchronous client on an httpx.AsyncClient."""

    def __init__(self, client: httpx.AsyncClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client = client

    def _stays_under_base_url(self, endpoint: str) -> bool:
        return _relative(endpoint)

    def _parse_json(self, response: RawResponse) -> Any:
        return response.json()  # type: ignore[attr-defined]

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.client.request(method, _url(url), **kwargs)
        except httpx.RequestError as exc:
            raise RequestNetworkException() from exc
