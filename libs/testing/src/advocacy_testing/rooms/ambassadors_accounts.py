"""Permission rows of social accounts: a person's own accounts, audience history, API
connection and consent to automated posting (employees, for themselves; other people, API
keys and operators are refused).

Each call first declares the caller's account on the network it uses, so an allowed call acts
on an account of the caller's own; accounts are deleted on Facebook only, which no other row
of the table shares on. Completing a connection with a state nobody issued is the 422 of a
caller who may act on what they named.
"""

import uuid
from collections.abc import Awaitable, Callable

import httpx

from advocacy_testing.permission_cells import Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

ACCOUNTS = "/v1/me/social-accounts"
ACCOUNT = f"{ACCOUNTS}/{{network}}"
HANDLES = {"linkedin": "ada-lovelace", "facebook": "ada.lovelace"}


def rows() -> list[Row]:
    own = "employees: their own accounts"

    def row(method: str, path: str, rule: str = own, **exceptions: Outcome) -> Row:
        return Row(method, path, "ambassadors", rule, cells("member", "employee", **exceptions))

    return [
        row("GET", ACCOUNTS),
        row("PUT", ACCOUNT),
        row("GET", ACCOUNT),
        row("DELETE", ACCOUNT),
        row("GET", f"{ACCOUNT}/audience-history"),
        row("POST", f"{ACCOUNT}/connection"),
        row(
            "POST",
            f"{ACCOUNT}/connection/callback",
            f"{own} (a state nobody issued: 422)",
            member="422",
            employee="422",
        ),
        row("DELETE", f"{ACCOUNT}/connection"),
        row("GET", f"{ACCOUNT}/posting-consent"),
        row("POST", f"{ACCOUNT}/posting-consent"),
        row("DELETE", f"{ACCOUNT}/posting-consent"),
    ]


async def _declare(client: httpx.AsyncClient, network: str, headers: Headers) -> httpx.Response:
    body = {"handle": HANDLES[network], "audience_size": 250}
    return await client.put(f"{ACCOUNTS}/{network}", json=body, headers=headers)


def _on(
    network: str, act: Callable[[httpx.AsyncClient, str, Headers], Awaitable[httpx.Response]]
) -> Call:
    """Declare the caller's account on `network`, then act on it."""

    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        await _declare(client, network, headers)
        return await act(client, f"{ACCOUNTS}/{network}", headers)

    return call


async def _list(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.get(ACCOUNTS, headers=headers)


async def _put(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await _declare(client, "linkedin", headers)


async def _callback(client: httpx.AsyncClient, url: str, headers: Headers) -> httpx.Response:
    body = {"code": "AQT-code", "state": uuid.uuid4().hex}
    return await client.post(f"{url}/connection/callback", json=body, headers=headers)


async def _withdraw(client: httpx.AsyncClient, url: str, headers: Headers) -> httpx.Response:
    await client.post(f"{url}/posting-consent", json={"wording_version": "v1"}, headers=headers)
    return await client.delete(f"{url}/posting-consent", headers=headers)


def calls() -> dict[RowKey, Call]:
    return {
        ("GET", ACCOUNTS, ""): _list,
        ("PUT", ACCOUNT, ""): _put,
        ("GET", ACCOUNT, ""): _on("linkedin", lambda c, url, h: c.get(url, headers=h)),
        ("DELETE", ACCOUNT, ""): _on("facebook", lambda c, url, h: c.delete(url, headers=h)),
        ("GET", f"{ACCOUNT}/audience-history", ""): _on(
            "linkedin", lambda c, url, h: c.get(f"{url}/audience-history", headers=h)
        ),
        ("POST", f"{ACCOUNT}/connection", ""): _on(
            "linkedin", lambda c, url, h: c.post(f"{url}/connection", headers=h)
        ),
        ("POST", f"{ACCOUNT}/connection/callback", ""): _on("linkedin", _callback),
        ("DELETE", f"{ACCOUNT}/connection", ""): _on(
            "linkedin", lambda c, url, h: c.delete(f"{url}/connection", headers=h)
        ),
        ("GET", f"{ACCOUNT}/posting-consent", ""): _on(
            "linkedin", lambda c, url, h: c.get(f"{url}/posting-consent", headers=h)
        ),
        ("POST", f"{ACCOUNT}/posting-consent", ""): _on(
            "linkedin",
            lambda c, url, h: c.post(
                f"{url}/posting-consent", json={"wording_version": "v1"}, headers=h
            ),
        ),
        ("DELETE", f"{ACCOUNT}/posting-consent", ""): _on("linkedin", _withdraw),
    }
