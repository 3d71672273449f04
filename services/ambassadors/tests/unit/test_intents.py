from urllib.parse import parse_qs, urlparse

import pytest

from ambassadors.intents import new_link_code, share_intent_url, tracked_url
from ambassadors.models import Network

LINK = "https://go.example.com/l/abc123"


@pytest.mark.parametrize(
    ("network", "host", "param"),
    [
        (Network.linkedin, "www.linkedin.com", "url"),
        (Network.x, "x.com", "url"),
        (Network.facebook, "www.facebook.com", "u"),
    ],
)
def test_share_intent_prefills_the_tracked_link(network: Network, host: str, param: str) -> None:
    url = urlparse(share_intent_url(network, LINK) or "")
    assert url.netloc == host
    assert parse_qs(url.query)[param] == [LINK]


def test_instagram_has_no_web_share_intent() -> None:
    assert share_intent_url(Network.instagram, LINK) is None


def test_link_codes_are_distinct_and_url_safe() -> None:
    codes = {new_link_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(code.replace("-", "").replace("_", "").isalnum() for code in codes)


def test_tracked_url_joins_without_double_slash() -> None:
    assert tracked_url("http://gw:8000/", "abc") == "http://gw:8000/l/abc"
