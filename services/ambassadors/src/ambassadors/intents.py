"""Share intents: prefilled share dialogs, the only way to post for a person on most networks."""

import secrets
from urllib.parse import urlencode

from ambassadors.models import Network

# Facebook and LinkedIn read the text from the page; X takes it in the intent.
_INTENTS = {
    Network.linkedin: ("https://www.linkedin.com/sharing/share-offsite/", "url"),
    Network.x: ("https://x.com/intent/post", "url"),
    Network.facebook: ("https://www.facebook.com/sharer/sharer.php", "u"),
}


def share_intent_url(network: Network, tracked_url: str) -> str | None:
    """The network's share dialog prefilled with our tracked link; None for Instagram (app only)."""
    intent = _INTENTS.get(network)
    if intent is None:
        return None
    base, param = intent
    return f"{base}?{urlencode({param: tracked_url})}"


def new_link_code() -> str:
    """An unguessable short code (64 random bits) for a tracked link."""
    return secrets.token_urlsafe(8)


def tracked_url(public_base_url: str, code: str) -> str:
    """The public address of a tracked link (served by the gateway)."""
    return f"{public_base_url.rstrip('/')}/l/{code}"
