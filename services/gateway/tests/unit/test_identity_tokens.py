"""Identity providers' tokens at the gateway: what is accepted, what is refused, JWKS behaviour."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from common.errors import Unauthorized
from gateway.identity.issuers import IssuerConfig
from gateway.identity.tokens import TokenVerifier

ISSUER = "https://login.example-corp.invalid"
ORG = uuid.uuid4()
KEY = ec.generate_private_key(ec.SECP256R1())
PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": ISSUER,
        "aud": "advocacy",
        "sub": "00u1abcd",
        "groups": ["comms-team"],
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def token(key: Any = KEY, algorithm: str = "ES256", kid: str = "k1", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm=algorithm, headers={"kid": kid})


def static_issuer(**overrides: Any) -> IssuerConfig:
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "audience": "advocacy",
        "public_keys": PEM,
        "algorithms": ["ES256"],
        "org_id": str(ORG),
        "roles_claim": "groups",
        "role_map": {"comms-team": "org_admin", "platform-sre": "operator"},
    }
    values.update(overrides)
    return IssuerConfig.model_validate(values)


def verifier(*issuers: IssuerConfig, client: httpx.AsyncClient | None = None) -> TokenVerifier:
    return TokenVerifier(list(issuers) or [static_issuer()], client or httpx.AsyncClient())


async def test_valid_token_becomes_a_principal_of_the_issuers_org() -> None:
    principal = await verifier().verify(token())

    assert principal.org_id == ORG
    assert principal.roles == {"org_admin", "employee"}
    # Opaque IdP subjects become a stable UUID per (issuer, subject).
    assert principal.user_id == uuid.uuid5(uuid.NAMESPACE_URL, f"{ISSUER}#00u1abcd")


async def test_operator_and_integration_cannot_be_claimed_without_trust() -> None:
    sneaky = token(groups=["platform-sre", "integration", "operator"])

    assert (await verifier().verify(sneaky)).roles == {"employee"}
    trusted = verifier(static_issuer(allow_operator=True))
    assert (await trusted.verify(sneaky)).roles == {"employee", "operator"}


def _hs256_with(secret: bytes) -> str:
    def b64(raw: bytes) -> bytes:
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64(json.dumps(claims()).encode())
    mac = hmac.new(secret, head + b"." + body, hashlib.sha256).digest()
    return (head + b"." + body + b"." + b64(mac)).decode()


OTHER_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

REFUSED: dict[str, Callable[[], str]] = {
    "forged (other key, same kid)": lambda: token(key=OTHER_KEY),
    "expired beyond leeway": lambda: token(exp=int(time.time()) - 120),
    "not yet valid beyond leeway": lambda: token(nbf=int(time.time()) + 120),
    "wrong audience": lambda: token(aud="another-api"),
    "unknown issuer": lambda: token(iss="https://evil.invalid"),
    "no expiry": lambda: token(exp=None),
    "no subject": lambda: token(sub=None),
    "alg none": lambda: jwt.encode(claims(), None, algorithm="none"),  # type: ignore[arg-type]
    "HS256 keyed with the public key (key confusion)": lambda: _hs256_with(PEM.encode()),
    "RS256 where only ES256 is allowed": lambda: token(key=RSA_KEY, algorithm="RS256"),
    "garbage": lambda: "not.a.jwt",
    "no org for a shared issuer": lambda: token(),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_refused_tokens(case: str) -> None:
    issuer = static_issuer(org_id=None) if case == "no org for a shared issuer" else static_issuer()
    with pytest.raises(Unauthorized):
        await verifier(issuer).verify(REFUSED[case]())


async def test_small_clock_skew_is_forgiven() -> None:
    principal = await verifier().verify(token(exp=int(time.time()) - 10))
    assert principal.org_id == ORG


class FakeIdp:
    """Serves a JWKS document and counts how often it is fetched."""

    def __init__(self) -> None:
        self.keys: dict[str, ec.EllipticCurvePrivateKey] = {"k1": KEY}
        self.fetches = 0
        self.down = False
        self.extra: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        entries = [
            {**jwt.algorithms.ECAlgorithm.to_jwk(k.public_key(), as_dict=True), "kid": kid}
            for kid, k in self.keys.items()
        ]
        return httpx.Response(200, json={"keys": [*self.extra, *entries]})


def jwks_verifier(idp: FakeIdp) -> TokenVerifier:
    client = httpx.AsyncClient(transport=httpx.MockTransport(idp.handle))
    config = static_issuer(public_keys=None, jwks_url="https://login.example-corp.invalid/jwks")
    return TokenVerifier([config], client)


async def test_jwks_is_cached_and_refreshed_on_an_unknown_kid() -> None:
    idp = FakeIdp()
    tokens = jwks_verifier(idp)
    assert (await tokens.verify(token())).org_id == ORG
    assert (await tokens.verify(token(sub="someone-else"))).org_id == ORG
    assert idp.fetches == 1

    # The IdP rotates: a token with the new kid makes the gateway fetch the set again.
    new_key = ec.generate_private_key(ec.SECP256R1())
    idp.keys["k2"] = new_key
    tokens._issuers[ISSUER].jwks._fetched_at -= 60  # type: ignore[union-attr]  # past min gap
    assert (await tokens.verify(token(key=new_key, kid="k2"))).org_id == ORG
    assert idp.fetches == 2


async def test_invented_kids_cannot_make_the_gateway_hammer_the_idp() -> None:
    idp = FakeIdp()
    tokens = jwks_verifier(idp)
    await tokens.verify(token())
    for n in range(20):
        with pytest.raises(Unauthorized):
            await tokens.verify(token(key=OTHER_KEY, kid=f"invented-{n}"))
    assert idp.fetches == 1


async def test_symmetric_keys_in_a_jwks_are_ignored() -> None:
    idp = FakeIdp()
    secret = base64.urlsafe_b64encode(b"s" * 32).rstrip(b"=").decode()
    idp.extra = [{"kty": "oct", "kid": "hmac", "k": secret, "alg": "HS256"}]
    tokens = jwks_verifier(idp)
    hs = jwt.encode(claims(), b"s" * 32, algorithm="HS256", headers={"kid": "hmac"})
    with pytest.raises(Unauthorized):
        await tokens.verify(hs)
    assert (await tokens.verify(token())).org_id == ORG


async def test_idp_outage_keeps_the_known_keys() -> None:
    idp = FakeIdp()
    tokens = jwks_verifier(idp)
    await tokens.verify(token())
    idp.down = True
    tokens._issuers[ISSUER].jwks._fetched_at -= 3600  # type: ignore[union-attr]  # ttl passed
    assert (await tokens.verify(token(sub="after-outage"))).org_id == ORG
