import uuid
from datetime import timedelta

import pytest

from common import auth
from common.errors import Forbidden, Unauthorized

SECRET = "a-test-secret-that-is-long-enough-000000"


def mint(**overrides: object) -> str:
    args: dict[str, object] = {
        "secret": SECRET,
        "issuer": "advocacy",
        "user_id": uuid.uuid4(),
        "org_id": uuid.uuid4(),
        "roles": ["employee"],
    }
    args.update(overrides)
    return auth.mint(**args)  # type: ignore[arg-type]


def test_verify_returns_principal_from_claims() -> None:
    org = uuid.uuid4()
    principal = auth.verify(mint(org_id=org, roles=["admin"]), secret=SECRET, issuer="advocacy")
    assert principal.org_id == org
    assert "admin" in principal.roles


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: mint(secret="another-secret-another-secret-0000"), id="wrong-secret"),
        pytest.param(lambda: mint(ttl=timedelta(seconds=-5)), id="expired"),
        pytest.param(lambda: mint(issuer="elsewhere"), id="wrong-issuer"),
        pytest.param(lambda: "garbage", id="garbage"),
    ],
)
def test_verify_rejects_bad_tokens(token: object) -> None:
    with pytest.raises(Unauthorized):
        auth.verify(token(), secret=SECRET, issuer="advocacy")  # type: ignore[operator]


def test_bearer_token_requires_the_scheme() -> None:
    assert auth.bearer_token("Bearer abc") == "abc"
    with pytest.raises(Unauthorized):
        auth.bearer_token("Basic abc")
    with pytest.raises(Unauthorized):
        auth.bearer_token(None)


def test_require_role_refuses_missing_role() -> None:
    principal = auth.verify(mint(), secret=SECRET, issuer="advocacy")
    with pytest.raises(Forbidden):
        principal.require("admin")
