"""SSRF guard: the server fetches URLs that customers type, so where it may connect is checked.

Loopback, private, link-local, multicast, reserved and unspecified addresses are refused;
CONTENT_CURATION_ALLOW_LOOPBACK (local development and tests) lets loopback through, and only
loopback: private ranges stay refused everywhere. CONTENT_CURATION_ALLOWED_HOSTS, when set, is
an allow-list checked before any DNS lookup (the e2e stack allows only 127.0.0.1, so API fuzzing
never makes the service reach out anywhere else). The check runs on a
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


def may_connect(address: Address, *, allow_loopback: bool) -> bool:
    """Public addresses always; loopback only when allowed (never private or reserved ranges)."""
    return is_public(address) or (allow_loopback and address.is_loopback)


def check_allowed(host: str, *, allowed_hosts: frozenset[str]) -> None:
    """With an allow-list configured, refuse any other host before even resolving it."""
    if allowed_hosts and host.lower().strip("[]").rstrip(".") not in allowed_hosts:
        raise RefusedAddress(f"{host} is not among the hosts this deployment may fetch from")


def check_host(
    host: str, *, allow_loopback: bool, allowed_hosts: frozenset[str] = frozenset()
) -> None:
    """Refuse a literal internal address (or `localhost`) before any network access."""
    check_allowed(host, allowed_hosts=allowed_hosts)
    address = literal_address(host)
    if host.lower().rstrip(".") in ("localhost", "localhost.localdomain"):
        if allow_loopback:
            return
        raise RefusedAddress(f"{host} is a loopback address")
    if address is not None and not may_connect(address, allow_loopback=allow_loopback):
        raise RefusedAddress(f"{host} is a loopback, private or reserved address")


async def resolve_public(
    host: str, port: int, *, allow_loopback: bool, allowed_hosts: frozenset[str] = frozenset()
) -> str:
    """An address of the host that may be connected to (every address it resolves to checked)."""
    check_allowed(host, allowed_hosts=allowed_hosts)
    literal = literal_address(host)
    if literal is not None:
        addresses: Iterable[str] = [str(literal)]
    else:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
    chosen = list(dict.fromkeys(addresses))
    if not chosen:
        raise RefusedAddress(f"{host} does not resolve")
    refused = [
        a
        for a in chosen
        if not may_connect(ipaddress.ip_address(a.split("%")[0]), allow_loopback=allow_loopback)
    ]
    if refused:
        raise RefusedAddress(f"{host} resolves to a private or reserved address ({refused[0]})")
    return chosen[0]


class GuardedBackend(AsyncNetworkBackend):
    """httpcore's network backend that connects only to addresses `resolve_public` accepts.

    The address checked is the address connected to (no second lookup a rebinding DNS could
    answer differently); TLS still verifies the certificate against the host name.
    """

    def __init__(
        self, *, allow_loopback: bool, allowed_hosts: frozenset[str] = frozenset()
    ) -> None:
        self.allow_loopback = allow_loopback
        self.allowed_hosts = allowed_hosts
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        address = await resolve_public(
            host, port, allow_loopback=self.allow_loopback, allowed_hosts=self.allowed_hosts
        )
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
