"""Handles and profile URLs per network (ambassadors.accounts.validation)."""

import pytest

from ambassadors.accounts.validation import normalise_handle, profile_url
from ambassadors.models import Network


@pytest.mark.parametrize(
    ("network", "given", "kept"),
    [
        (Network.linkedin, "ada-lovelace-1815", "ada-lovelace-1815"),
        (Network.linkedin, "  abc ", "abc"),
        (Network.x, "@ada_L", "ada_L"),
        (Network.x, "a", "a"),
        (Network.instagram, "@ada.lovelace_", "ada.lovelace_"),
        (Network.facebook, "ada.lovelace", "ada.lovelace"),
    ],
)
def test_good_handles_are_kept_without_blanks_or_at(
    network: Network, given: str, kept: str
) -> None:
    assert normalise_handle(network, given) == kept


@pytest.mark.parametrize(
    ("network", "handle"),
    [
        (Network.linkedin, "ab"),  # fewer than 3
        (Network.linkedin, "a" * 101),
        (Network.linkedin, "-ada"),
        (Network.linkedin, "ada lovelace"),
        (Network.linkedin, "@ada"),  # no @ on LinkedIn
        (Network.x, "a" * 16),
        (Network.x, "ada-l"),
        (Network.instagram, ".ada"),
        (Network.instagram, "ada..l"),
        (Network.instagram, "ada."),
        (Network.instagram, "a" * 31),
        (Network.facebook, "ada"),  # fewer than 5
        (Network.facebook, "ada_lovelace"),
        (Network.x, ""),
    ],
)
def test_bad_handles_say_what_the_network_allows(network: Network, handle: str) -> None:
    with pytest.raises(ValueError, match=f"a {network.value} handle is"):
        normalise_handle(network, handle)


def test_a_missing_profile_url_is_the_handles_canonical_one() -> None:
    assert profile_url(Network.linkedin, None, handle="ada") == "https://www.linkedin.com/in/ada"
    assert profile_url(Network.x, None, handle="ada") == "https://x.com/ada"
    assert profile_url(Network.instagram, None, handle="a.b") == "https://www.instagram.com/a.b"
    assert profile_url(Network.facebook, None, handle="ada.l") == "https://www.facebook.com/ada.l"


@pytest.mark.parametrize(
    ("network", "url"),
    [
        (Network.linkedin, "https://www.linkedin.com/in/ada"),
        (Network.linkedin, "https://fr.linkedin.com/in/ada/"),
        (Network.x, "https://twitter.com/ada"),
        (Network.x, "https://x.com/ada"),
        (Network.instagram, "https://instagram.com/ada"),
        (Network.facebook, "https://m.facebook.com/ada.l"),
    ],
)
def test_https_urls_on_the_networks_domain_are_accepted(network: Network, url: str) -> None:
    assert profile_url(network, url, handle="ada") == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://www.linkedin.com/in/ada", "https"),
        ("https://evil.example/in/ada", "on linkedin.com"),
        ("https://linkedin.com.evil.example/in/ada", "on linkedin.com"),
        ("https://notlinkedin.com/in/ada", "on linkedin.com"),
        ("https://user:pw@www.linkedin.com/in/ada", "no credentials"),
        ("https://www.linkedin.com:8443/in/ada", "no port"),
        ("https://www.linkedin.com:abc/in/ada", "not a URL"),
        ("javascript:alert(1)", "https"),
        ("www.linkedin.com/in/ada", "https"),
    ],
)
def test_other_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        profile_url(Network.linkedin, url, handle="ada")
