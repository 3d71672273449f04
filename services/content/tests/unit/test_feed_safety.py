"""The SSRF guard: which addresses the feed fetcher may connect to."""

import ipaddress

import pytest

from content.curation.safety import RefusedAddress, check_host, is_public, resolve_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_is_public_refuses_internal_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_is_public_accepts_global_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "127.0.0.1", "[::1]", "10.0.0.8"])
def test_check_host_refuses_internal_hosts_unless_allowed(host: str) -> None:
    with pytest.raises(RefusedAddress):
        check_host(host, allow_private=False)
    check_host(host, allow_private=True)


async def test_resolve_public_refuses_a_name_that_resolves_to_loopback() -> None:
    with pytest.raises(RefusedAddress, match="private or reserved"):
        await resolve_public("localhost", 80, allow_private=False)
    assert await resolve_public("localhost", 80, allow_private=True) in ("127.0.0.1", "::1")
