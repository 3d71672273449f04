"""The development token printer."""

import uuid

import pytest

from common import auth
from gateway import devtoken
from gateway.config import Settings

SECRET = "unit-secret-0123456789abcdef-0123456789"


def test_devtoken_prints_token_verifiable_with_gateway_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    org, user = uuid.uuid4(), uuid.uuid4()
    settings = Settings(env="dev", jwt_secret=SECRET)

    code = devtoken.main(
        ["--role", "employee", "--org", str(org), "--user", str(user)], settings=settings
    )

    principal = auth.verify(capsys.readouterr().out.strip(), secret=SECRET, issuer="advocacy")
    assert code == 0
    assert (principal.org_id, principal.user_id, principal.roles) == (org, user, {"employee"})


def test_devtoken_defaults_to_stable_demo_identity(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(env="dev", jwt_secret=SECRET)
    principals = []
    for _ in range(2):
        devtoken.main(["--role", "admin"], settings=settings)
        out = capsys.readouterr().out.strip()
        principals.append(auth.verify(out, secret=SECRET, issuer="advocacy"))

    assert principals[0].org_id == principals[1].org_id == devtoken.DEMO_ORG
    assert principals[0].user_id == principals[1].user_id


def test_devtoken_refuses_in_prod(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(env="prod", jwt_secret=SECRET)

    code = devtoken.main(["--role", "admin"], settings=settings)

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == "" and "prod" in captured.err


def test_devtoken_rejects_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        devtoken.main(["--role", "root"], settings=Settings(env="dev", jwt_secret=SECRET))

    assert exited.value.code == 2
