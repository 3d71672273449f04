"""Principals and the internal assertions that carry them from the gateway to a service."""

import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common import assertions, auth
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY, DEV_INTERNAL_PUBLIC_KEY
from common.errors import Forbidden, Unauthorized

GATEWAY_KEY = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)
TRUSTED = assertions.load_public_keys(DEV_INTERNAL_PUBLIC_KEY)


def person(*roles: str) -> auth.Principal:
    return auth.Principal(user_id=uuid.uuid4(), org_id=uuid.uuid4(), roles=frozenset(roles))


def api_key(*scopes: str) -> auth.Principal:
    return auth.Principal(
        user_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        roles=frozenset({"integration"}),
        scopes=frozenset(scopes),
        kind="api_key",
    )


def test_assertion_round_trips_the_principal_for_its_audience() -> None:
    principal = api_key("metrics:read")
    token = assertions.sign(GATEWAY_KEY, principal=principal, audience="metrics")

    assert assertions.AssertionVerifier(TRUSTED, audience="metrics").verify(token) == principal


def test_assertion_for_another_service_is_refused() -> None:
    token = assertions.sign(GATEWAY_KEY, principal=person("org_admin"), audience="content")

    with pytest.raises(Unauthorized):
        assertions.AssertionVerifier(TRUSTED, audience="metrics").verify(token)


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": assertions.ISSUER,
        "aud": "content",
        "sub": str(uuid.uuid4()),
        "org": str(uuid.uuid4()),
        "roles": ["org_admin"],
        "iat": now,
        "exp": now + 60,
    }
    claims.update(overrides)
    return claims


OTHER_KEY = Ed25519PrivateKey.generate()
PUBLIC_PEM = DEV_INTERNAL_PUBLIC_KEY.encode()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: jwt.encode(_claims(), OTHER_KEY, algorithm="EdDSA"), id="other-key"),
        pytest.param(
            lambda: jwt.encode(_claims(exp=int(time.time()) - 60), GATEWAY_KEY, algorithm="EdDSA"),
            id="expired",
        ),
        pytest.param(
            lambda: jwt.encode(_claims(iss="someone"), GATEWAY_KEY, algorithm="EdDSA"),
            id="wrong-issuer",
        ),
        pytest.param(
            lambda: jwt.encode(_claims(), None, algorithm="none"),  # type: ignore[arg-type]
            id="alg-none",
        ),
        pytest.param(
            # Key confusion: an HMAC "signed" with the public key the services trust.
            lambda: _hmac_with(PUBLIC_PEM),
            id="hs256-with-public-key",
        ),
        pytest.param(lambda: "garbage", id="garbage"),
    ],
)
def test_verifier_refuses_anything_the_gateway_did_not_sign(token: object) -> None:
    with pytest.raises(Unauthorized):
        assertions.AssertionVerifier(TRUSTED, audience="content").verify(token())  # type: ignore[operator]


def _hmac_with(secret: bytes) -> str:
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    body = jwt.utils.base64url_encode(json.dumps(_claims()).encode())
    signature = hmac.new(secret, header + b"." + body, hashlib.sha256).digest()
    return b".".join([header, body, jwt.utils.base64url_encode(signature)]).decode()


def test_rotation_accepts_either_trusted_key() -> None:
    new_key = Ed25519PrivateKey.generate()
    new_pem = new_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    both = assertions.load_public_keys(DEV_INTERNAL_PUBLIC_KEY + new_pem.decode())
    verifier = assertions.AssertionVerifier(both, audience="content")

    for key in (GATEWAY_KEY, new_key):
        token = assertions.sign(key, principal=person("employee"), audience="content")
        assert verifier.verify(token).roles == {"employee"}


def test_bearer_token_requires_the_scheme() -> None:
    assert auth.bearer_token("Bearer abc") == "abc"
    for value in ("Basic abc", None, "Bearer ", ""):
        with pytest.raises(Unauthorized):
            auth.bearer_token(value)


def test_roles_and_scopes_decide() -> None:
    with pytest.raises(Forbidden):
        person("employee").require("org_admin", "analyst")
    person("analyst").require("org_admin", "analyst")
    # An API key is judged by its scopes only, never by role names.
    assert api_key("metrics:read").may("org_admin", scope="metrics:read")
    assert not api_key("content:read").may("org_admin", scope="metrics:read")
    with pytest.raises(Forbidden, match="metrics:read"):
        api_key().require_any("org_admin", scope="metrics:read")
    with pytest.raises(Forbidden):
        api_key("metrics:read").require_any("org_admin")
