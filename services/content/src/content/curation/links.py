"""The key an entry is deduplicated by: its link, normalised so that trivial variants collide.

Rules: scheme and host lowercased; the default port (80 for http, 443 for https) dropped; the
fragment dropped; `utm_*` query parameters dropped (the others kept, in their order); a trailing
slash dropped from the path, except the root path `/`, which an empty path becomes. `http` and
`https` stay distinct: a site may serve different things on them.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(link: str) -> str:
    """The deduplication key of a link (see the module's rules)."""
    parts = urlsplit(link.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    kept = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_")
    ]
    return urlunsplit((scheme, host, path, urlencode(kept), ""))
