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


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "127.0.0.1", "[::1]"])
def test_check_host_refuses_loopback_unless_allowed(host: str) -> None:
    with pytest.raises(RefusedAddress):
        check_host(host, allow_loopback=False)
    check_host(host, allow_loopback=True)


@pytest.mark.parametrize("host", ["10.0.0.8", "192.168.1.1", "172.16.0.1", "169.254.169.254"])
def test_check_host_refuses_private_ranges_even_with_loopback_allowed(host: str) -> None:
    for allow_loopback in (False, True):
        with pytest.raises(RefusedAddress):
            check_host(host, allow_loopback=allow_loopback)


async def test_resolve_public_refuses_a_name_that_resolves_to_loopback() -> None:
    with pytest.raises(RefusedAddress, match="private or reserved"):
        await resolve_public("localhost", 80, allow_loopback=False)
    assert await resolve_public("localhost", 80, allow_loopback=True) in ("127.0.0.1", "::1")


async def test_an_allow_list_refuses_other_hosts_before_any_lookup() -> None:
    allowed = frozenset({"127.0.0.1"})
    check_host("127.0.0.1", allow_loopback=True, allowed_hosts=allowed)
    for host in ("example.com", "93.184.216.34", "localhost"):
        with pytest.raises(RefusedAddress, match="not among the hosts"):
            check_host(host, allow_loopback=True, allowed_hosts=allowed)
    # "no-such-host.invalid" would fail in DNS; the allow-list answers first.
    with pytest.raises(RefusedAddress, match="not among the hosts"):
        await resolve_public("no-such-host.invalid", 80, allow_loopback=True, allowed_hosts=allowed)
