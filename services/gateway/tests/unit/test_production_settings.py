"""A stack started as documented (.env.example untouched) must refuse to start."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY
from common.settings import ServiceSettings
from gateway.config import Settings

EXAMPLE = Path(__file__).resolve().parents[4] / ".env.example"


def example_values() -> dict[str, str]:
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name] = value.strip('"')
    return values


def real_pair() -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def test_example_values_are_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATEWAY_ENV", raising=False)
    monkeypatch.delenv("ENV", raising=False)
    values = example_values()
    private, public = real_pair()
    with pytest.raises(ValueError, match="internal_private_key"):
        Settings(internal_private_key=values["INTERNAL_PRIVATE_KEY"], internal_public_keys=public)
    with pytest.raises(ValueError, match="internal_public_keys"):
        ServiceSettings(internal_public_keys=values["INTERNAL_PUBLIC_KEY"])
    with pytest.raises(ValueError, match="placeholder"):
        Settings(
            internal_private_key=private,
            internal_public_keys=public,
            oidc_issuers=json.loads(values["OIDC_ISSUERS"]),
        )


def test_development_key_is_refused_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATEWAY_ENV", raising=False)
    _, public = real_pair()
    with pytest.raises(ValueError, match="internal_private_key"):
        Settings(internal_private_key=DEV_INTERNAL_PRIVATE_KEY, internal_public_keys=public)


def test_real_keys_and_issuer_start_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATEWAY_ENV", raising=False)
    private, public = real_pair()
    issuer = {
        "issuer": "https://login.acme.test",
        "audience": "advocacy",
        "jwks_url": "https://login.acme.test/jwks",
        "org_id": "3f0e2b8c-1d2a-4b9e-9c55-0a1b2c3d4e5f",
    }
    settings = Settings(
        internal_private_key=private, internal_public_keys=public, oidc_issuers=[issuer]
    )
    assert settings.env == "prod"
