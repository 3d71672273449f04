"""SSRF guard: the server fetches URLs that customers type, so where it may connect is checked.

Loopback, private, link-local, multicast, reserved and unspecified addresses are refused unless
CONTENT_CURATION_ALLOW_PRIVATE_HOSTS is set (local development and tests). The check runs on a
literal address when a source is saved, and on every address a host name resolves to at connect
time (GuardedBackend), so a name that resolves — or is re-pointed — to an internal address is
refused too, redirects included.
"""

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(Exception):
    """The URL points at an address the server must not connect to."""


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def literal_address(host: str) -> Address | None:
    """The host as an IP address, if it is one."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_host(host: str, *, allow_private: bool) -> None:
    """Refuse a literal internal address (or `localhost`) before any network access."""
    if allow_private:
        return
    address = literal_address(host)
    if host.lower().rstrip(".") in ("localhost", "localhost.localdomain") or (
        address is not None and not is_public(address)
    ):
        raise RefusedAddress(f"{host} is a loopback, private or reserved address")


async def resolve_public(host: str, port: int, *, allow_private: bool) -> str:
    """An address of the host that may be connected to (every address it resolves to checked)."""
    literal = literal_address(host)
    if literal is not None:
        addresses: Iterable[str] = [str(literal)]
    else:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
    chosen = list(dict.fromkeys(addresses))
    if not chosen:
        raise RefusedAddress(f"{host} does not resolve")
    if not allow_private:
        refused = [a for a in chosen if not is_public(ipaddress.ip_address(a.split("%")[0]))]
        if refused:
            raise RefusedAddress(f"{host} resolves to a private or reserved address ({refused[0]})")
    return chosen[0]


class GuardedBackend(AsyncNetworkBackend):
    """httpcore's network backend that connects only to addresses `resolve_public` accepts.

    The address checked is the address connected to (no second lookup a rebinding DNS could
    answer differently); TLS still verifies the certificate against the host name.
    """

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        address = await resolve_public(host, port, allow_private=self.allow_private)
        return await self.inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> AsyncNetworkStream:
        raise RefusedAddress("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
