"""The development identity provider and the token printer that asks it."""

import json
import uuid
from pathlib import Path

import httpx
import pytest

from gateway import devissuer, devtoken
from gateway.identity.issuers import IssuerConfig
from gateway.identity.tokens import TokenVerifier


def _issuer(tmp_path: Path) -> devissuer.DevIssuerSettings:
    return devissuer.DevIssuerSettings(
        env="dev", url="http://issuer.test", key_file=tmp_path / "key.pem"
    )


async def test_gateway_verifies_dev_tokens_through_the_issuers_jwks(tmp_path: Path) -> None:
    settings = _issuer(tmp_path)
    app = devissuer.build_app(settings)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.url) as client:
        org = uuid.uuid4()
        minted = await client.post("/token", json={"roles": ["analyst"], "org": str(org)})
        configs = json.loads(devissuer.gateway_issuer_config(settings))
        issuers = [IssuerConfig.model_validate(config) for config in configs]
        principal = await TokenVerifier(issuers, client).verify(minted.json()["access_token"])

    assert principal.org_id == org
    assert principal.roles == {"analyst", "employee"}


def test_key_survives_restarts(tmp_path: Path) -> None:
    settings = _issuer(tmp_path)
    devissuer.build_app(settings)
    first = settings.key_file.read_bytes()
    devissuer.build_app(settings)
    assert settings.key_file.read_bytes() == first


def test_issuer_refuses_to_start_outside_dev(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="DEV_ISSUER_ENV=dev"):
        devissuer.build_app(devissuer.DevIssuerSettings(key_file=tmp_path / "k.pem"))


def test_devtoken_prints_the_issuers_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert b'"org_admin"' in request.content
        return httpx.Response(200, json={"access_token": "tok", "expires_in": 1})

    client = httpx.Client(transport=httpx.MockTransport(answer), base_url="http://issuer.test")
    assert devtoken.main(["--role", "org_admin"], client=client) == 0
    assert capsys.readouterr().out.strip() == "tok"


def test_devtoken_says_when_no_issuer_runs(capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse), base_url="http://issuer.test")
    assert devtoken.main(["--role", "employee"], client=client) == 2
    assert "make run" in capsys.readouterr().err


def test_devtoken_rejects_unknown_role() -> None:
    with pytest.raises(SystemExit):
        devtoken.main(["--role", "root"])
