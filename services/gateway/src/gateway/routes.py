"""The route table: the gateway's whole public API, path template -> upstream."""

from dataclasses import dataclass

from starlette.routing import compile_path

API_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Route:
    """One public path template, the upstream that serves it, and whether it needs a token."""

    path: str
    upstream: str
    methods: frozenset[str] = API_METHODS
    public: bool = False

    def matches(self, path: str) -> bool:
        """True when a concrete or templated path falls under this route."""
        regex, _, _ = compile_path(self.path)
        return regex.match(path) is not None


def _prefix(prefix: str, upstream: str) -> tuple[Route, Route]:
    # Two templates so "/v1/content" and "/v1/content/..." match but "/v1/contents" does not.
    return Route(prefix, upstream), Route(f"{prefix}/{{rest:path}}", upstream)


ROUTES: tuple[Route, ...] = (
    *_prefix("/v1/content", "content"),
    *_prefix("/v1/caption-rules", "content"),
    *_prefix("/v1/campaigns", "content"),
    *_prefix("/v1/calendar", "content"),
    *_prefix("/v1/ideas", "content"),
    *_prefix("/v1/submissions", "content"),
    *_prefix("/v1/help-requests", "content"),
    *_prefix("/v1/curation", "content"),
    *_prefix("/v1/programs", "ambassadors"),
    *_prefix("/v1/sub-programs", "ambassadors"),
    *_prefix("/v1/me", "ambassadors"),
    *_prefix("/v1/spotlights", "ambassadors"),
    *_prefix("/v1/api-keys", "ambassadors"),
    *_prefix("/v1/hr", "ambassadors"),
    *_prefix("/v1/employees", "ambassadors"),
    # SCIM 2.0 provisioning (Okta, Entra ID): its own root, as identity providers expect.
    *_prefix("/scim/v2", "ambassadors"),
    *_prefix("/v1/invitations", "ambassadors"),
    *_prefix("/v1/charters", "ambassadors"),
    *_prefix("/v1/training-modules", "ambassadors"),
    *_prefix("/v1/kit-resources", "ambassadors"),
    *_prefix("/v1/metrics", "metrics"),
    # Dead letters: each consumer's service serves its own (operators only, checked upstream).
    *_prefix("/v1/ops/dead-letters/metrics", "metrics"),
    *_prefix("/v1/ops/dead-letters/ambassadors", "ambassadors"),
    *_prefix("/v1/ops/dead-letters/content", "content"),
    # The tracked link people click on social networks: no token; HEAD for link previews.
    Route("/l/{code}", "ambassadors", methods=frozenset({"GET", "HEAD"}), public=True),
)

# Paths whose bodies may exceed max_request_bytes (1 MiB), with their own bound: an upload. The
# service behind holds the same bound itself (ambassadors.imports.service.MAX_BYTES).
LARGE_BODIES: dict[str, int] = {"/v1/hr/imports": 20 * 1024 * 1024}


def match(path: str) -> Route | None:
    """The route serving a path, or None when the gateway does not expose it."""
    return next((route for route in ROUTES if route.matches(path)), None)
