"""LinkedIn's OAuth 2.0 authorization code flow (3-legged), as LinkedIn documents it:
https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow and
programmatic-refresh-tokens. Tokens pass through here in memory only: never logged.

- authorization: GET {base}/authorization?response_type=code&client_id&redirect_uri&state&scope
- token: POST {base}/accessToken (form) grant_type=authorization_code, code, redirect_uri,
  client_id, client_secret -> {access_token, expires_in, refresh_token?,
  refresh_token_expires_in?, scope}; grant_type=refresh_token for refreshes (approved apps)
- revocation: POST {base}/revoke (form) client_id, client_secret, token
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

SCOPE = "w_member_social"  # posting on the member's behalf: what automated posting needs
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Tokens:
    """What a token endpoint granted (seconds are relative to the answer)."""

    access_token: str = field(repr=False)
    expires_in: int
    refresh_token: str | None = field(repr=False)
    refresh_expires_in: int | None
    scope: str


class ProviderRefused(Exception):
    """The network refused the code or refresh token (the person must authorize again)."""


class ProviderUnavailable(Exception):
    """The network could not be reached, failed, or refused our application's credentials."""


@dataclass(frozen=True)
class LinkedIn:
    """One LinkedIn app's OAuth client."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    base_url: str

    def authorization_url(self, *, state: str) -> str:
        """Where the person's browser goes to grant us `w_member_social`."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": state,
            "scope": SCOPE,
        }
        return f"{self.base_url.rstrip('/')}/authorization?{urlencode(query)}"

    async def exchange(self, *, code: str) -> Tokens:
        """Trade an authorization code for tokens."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        return _tokens(await self._post("accessToken", form))

    async def refresh(self, *, refresh_token: str) -> Tokens:
        """A new access token from a refresh token (apps LinkedIn approved for them)."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return _tokens(await self._post("accessToken", form))

    async def revoke(self, *, token: str) -> None:
        """Ask LinkedIn to revoke a token (an unknown or expired one counts as revoked)."""
        await self._post("revoke", {"token": token}, refused_is_done=True)

    async def _post(
        self, endpoint: str, form: dict[str, str], *, refused_is_done: bool = False
    ) -> dict[str, object]:
        url = f"{self.base_url.rstrip('/')}/{endpoint}"
        body = form | {"client_id": self.client_id, "client_secret": self.client_secret}
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                response = await client.post(url, data=body, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                f"LinkedIn could not be reached ({type(exc).__name__})"
            ) from exc
        if response.status_code == 400 and refused_is_done:
            return {}
        if response.status_code == 401:
            raise ProviderUnavailable("LinkedIn refused this application's client credentials")
        if response.status_code in (400, 403):
            raise ProviderRefused(_error(response))
        if response.status_code != 200:
            raise ProviderUnavailable(f"LinkedIn answered HTTP {response.status_code}")
        return _json(response)


def _json(response: httpx.Response) -> dict[str, object]:
    if not response.content:
        return {}
    try:
        data = response.json()
    except ValueError as exc:
        raise ProviderUnavailable("LinkedIn's answer is not JSON") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable("LinkedIn's answer is not a JSON object")
    return data


def _error(response: httpx.Response) -> str:
    # OAuth errors are {"error", "error_description"}; neither carries a token.
    try:
        data = response.json()
    except ValueError:
        return f"LinkedIn refused it (HTTP {response.status_code})"
    if not isinstance(data, dict):
        return f"LinkedIn refused it (HTTP {response.status_code})"
    error = str(data.get("error", "refused"))[:60]
    description = str(data.get("error_description", ""))[:200]
    return f"LinkedIn refused it: {error}" + (f" ({description})" if description else "")


def _tokens(data: dict[str, object]) -> Tokens:
    access, expires = data.get("access_token"), data.get("expires_in")
    if not isinstance(access, str) or not access or not isinstance(expires, int) or expires <= 0:
        raise ProviderUnavailable("LinkedIn's token answer lacks access_token or expires_in")
    refresh = data.get("refresh_token")
    refresh_expires = data.get("refresh_token_expires_in")
    return Tokens(
        access_token=access,
        expires_in=expires,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        refresh_expires_in=refresh_expires if isinstance(refresh_expires, int) else None,
        scope=str(data.get("scope", ""))[:500],
    )
