"""A local stand-in for LinkedIn's OAuth 2.0 endpoints, following LinkedIn's documentation
(authorization code flow, programmatic refresh tokens): the accounts room's adapter is tested
against it because the real LinkedIn cannot be reached from tests.

- GET  /oauth/v2/authorization  (response_type=code, client_id, redirect_uri, state, scope):
  the member "approves" at once: 302 to redirect_uri?code=...&state=...
- POST /oauth/v2/accessToken    (form: grant_type=authorization_code | refresh_token, ...):
  {access_token, expires_in, scope[, refresh_token, refresh_token_expires_in]}; a wrong
  client is 401 invalid_client; an unknown, used or mismatched code is 400 invalid_request.
- POST /oauth/v2/revoke         (form: client_id, client_secret, token): 200.
"""

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

ACCESS_TTL = 60 * 24 * 3600  # LinkedIn: 60 days for most apps
REFRESH_TTL = 365 * 24 * 3600


@dataclass
class LinkedInApp:
    """What the fake LinkedIn knows and did; tests read and steer it."""

    client_id: str
    client_secret: str
    redirect_uri: str
    refresh_tokens: bool = False
    base_url: str = ""
    codes: dict[str, str] = field(default_factory=dict)  # code -> redirect_uri (unused ones)
    access_tokens: list[str] = field(default_factory=list)
    refresh_tokens_issued: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    # When set, the token endpoint answers this status (an outage).
    fail_with: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self) -> dict[str, object]:
        token = "AQ" + secrets.token_urlsafe(48)
        self.access_tokens.append(token)
        answer: dict[str, object] = {
            "access_token": token,
            "expires_in": ACCESS_TTL,
            "scope": "w_member_social",
        }
        if self.refresh_tokens:
            refresh = "AQR" + secrets.token_urlsafe(48)
            self.refresh_tokens_issued.append(refresh)
            answer |= {"refresh_token": refresh, "refresh_token_expires_in": REFRESH_TTL}
        return answer


def _handler(app: LinkedInApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path != "/oauth/v2/authorization":
                return self._json(404, {"error": "not_found"})
            if query.get("client_id") != app.client_id or query.get("response_type") != "code":
                return self._json(400, {"error": "invalid_request"})
            if query.get("redirect_uri") != app.redirect_uri:
                return self._json(400, {"error": "invalid_redirect_uri"})
            code = "AQT" + secrets.token_urlsafe(32)
            with app.lock:
                app.codes[code] = app.redirect_uri
            target = f"{app.redirect_uri}?{urlencode({'code': code, 'state': query['state']})}"
            self.send_response(302)
            self.send_header("location", target)
            self.send_header("content-length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.headers.get("content-type") != "application/x-www-form-urlencoded":
                return self._json(400, {"error": "invalid_request"})
            if (form.get("client_id"), form.get("client_secret")) != (
                app.client_id,
                app.client_secret,
            ):
                return self._json(401, {"error": "invalid_client"})
            if self.path == "/oauth/v2/revoke":
                with app.lock:
                    app.revoked.append(form.get("token", ""))
                return self._json(200, {})
            if self.path != "/oauth/v2/accessToken":
                return self._json(404, {"error": "not_found"})
            if app.fail_with is not None:
                return self._json(app.fail_with, {"error": "server_error"})
            with app.lock:
                answer = self._grant(form)
            self._json(200 if "access_token" in answer else 400, answer)

        def _grant(self, form: dict[str, str]) -> dict[str, object]:
            refused: dict[str, object] = {
                "error": "invalid_request",
                "error_description": "Unable to retrieve access token: appid/redirect uri/code "
                "verifier does not match authorization code. Or authorization code expired.",
            }
            if form.get("grant_type") == "authorization_code":
                redirect = app.codes.pop(form.get("code", ""), None)  # single use
                if redirect is None or redirect != form.get("redirect_uri"):
                    return refused
                return app.issue()
            if form.get("grant_type") == "refresh_token":
                if form.get("refresh_token") not in app.refresh_tokens_issued:
                    return refused
                return app.issue()
            return {"error": "unsupported_grant_type"}

        def _json(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
            return

    return Handler


@contextmanager
def linkedin_server(
    *, client_id: str, client_secret: str, redirect_uri: str, refresh_tokens: bool = False
) -> Iterator[LinkedInApp]:
    """Serve the fake LinkedIn on 127.0.0.1 (a free port); yields the app with its base_url."""
    app = LinkedInApp(client_id, client_secret, redirect_uri, refresh_tokens=refresh_tokens)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(app))
    app.base_url = f"http://127.0.0.1:{server.server_address[1]}/oauth/v2"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
