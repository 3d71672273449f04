"""What a handle and a profile URL may be on each network (pure rules, unit-tested).

Handles follow each network's published username rules; a profile URL must be https, on the
network's own domain, without credentials or a port, and is derived from the handle when the
person gives none.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ambassadors.models import Network


@dataclass(frozen=True)
class Rules:
    """One network's handle pattern, what it means in words, its domains and profile URL."""

    pattern: re.Pattern[str]
    described: str
    domains: frozenset[str]
    profile: str  # format string taking the handle


RULES = {
    # A public profile URL's custom part: 3-100 letters, digits or hyphens.
    Network.linkedin: Rules(
        re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{1,98})[A-Za-z0-9]"),
        "3 to 100 letters, digits or hyphens (the part after linkedin.com/in/)",
        frozenset({"linkedin.com"}),
        "https://www.linkedin.com/in/{}",
    ),
    Network.x: Rules(
        re.compile(r"[A-Za-z0-9_]{1,15}"),
        "1 to 15 letters, digits or underscores",
        frozenset({"x.com", "twitter.com"}),
        "https://x.com/{}",
    ),
    Network.instagram: Rules(
        re.compile(r"(?!.*\.\.)[A-Za-z0-9_](?:[A-Za-z0-9._]{0,28}[A-Za-z0-9_])?"),
        "1 to 30 letters, digits, underscores or periods (not first, last or twice in a row)",
        frozenset({"instagram.com"}),
        "https://www.instagram.com/{}",
    ),
    Network.facebook: Rules(
        re.compile(r"[A-Za-z0-9.]{5,50}"),
        "5 to 50 letters, digits or periods",
        frozenset({"facebook.com"}),
        "https://www.facebook.com/{}",
    ),
}


def normalise_handle(network: Network, handle: str) -> str:
    """The handle without surrounding blanks or a leading @; ValueError saying what is allowed."""
    value = handle.strip()
    if network in (Network.x, Network.instagram):
        value = value.removeprefix("@")
    rules = RULES[network]
    if not rules.pattern.fullmatch(value):
        raise ValueError(f"a {network.value} handle is {rules.described}")
    return value


def profile_url(network: Network, url: str | None, *, handle: str) -> str:
    """The profile URL given (checked) or the handle's canonical one; ValueError why not."""
    if url is None:
        return RULES[network].profile.format(handle)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError("this is not a URL") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        raise ValueError("a profile URL must start with https://")
    if parts.username or parts.password or port is not None:
        raise ValueError("a profile URL carries no credentials and no port")
    domains = RULES[network].domains
    if not any(host == domain or host.endswith("." + domain) for domain in domains):
        names = " or ".join(sorted(domains))
        raise ValueError(f"a {network.value} profile URL is on {names}")
    return url.strip()
