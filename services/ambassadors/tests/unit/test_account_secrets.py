"""Tokens at rest (ambassadors.accounts.secrets): sealed, bound to their row, readable after a
key rotation, and the development key refused outside dev/test."""

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from ambassadors.accounts.secrets import (
    DEV_SECRETS_KEY,
    SecretBox,
    SecretUnreadable,
    parse_keys,
    require_real_keys,
)
from ambassadors.config import Settings

TOKEN = "AQV-very-secret-access-token"


def key() -> str:
    return Fernet.generate_key().decode()


def test_a_sealed_token_is_not_readable_and_opens_back() -> None:
    box = SecretBox(key())
    sealed = box.seal(TOKEN, context="account-1")
    assert TOKEN.encode() not in sealed and b"account-1" not in sealed
    assert box.open(sealed, context="account-1") == TOKEN
    assert box.seal(TOKEN, context="account-1") != sealed  # fresh IV each time


def test_a_token_moved_to_another_row_does_not_open() -> None:
    box = SecretBox(key())
    sealed = box.seal(TOKEN, context="account-1")
    with pytest.raises(SecretUnreadable, match="another row"):
        box.open(sealed, context="account-2")


def test_after_a_rotation_old_ciphertext_opens_and_rotate_moves_it_to_the_new_key() -> None:
    old, new = key(), key()
    sealed = SecretBox(old).seal(TOKEN, context="a")
    rotated_box = SecretBox(f"{new},{old}")
    assert rotated_box.open(sealed, context="a") == TOKEN
    moved = rotated_box.rotate(sealed)
    assert SecretBox(new).open(moved, context="a") == TOKEN
    with pytest.raises(SecretUnreadable, match="no configured key"):
        SecretBox(new).open(sealed, context="a")  # the old key dropped: old ciphertext is lost
    assert rotated_box.seal(TOKEN, context="a") != sealed
    assert SecretBox(new).open(rotated_box.seal(TOKEN, context="a"), context="a") == TOKEN


def test_malformed_keys_are_refused_without_echoing_them() -> None:
    with pytest.raises(ValueError, match="#2 is not a Fernet key") as refused:
        parse_keys(f"{key()},not-a-key-at-all")
    assert "not-a-key-at-all" not in str(refused.value)
    with pytest.raises(ValueError, match="empty"):
        parse_keys(" , ")


def test_the_development_key_is_refused_outside_dev_and_test() -> None:
    require_real_keys(key())
    with pytest.raises(ValueError, match="development key"):
        require_real_keys(f"{key()},{DEV_SECRETS_KEY}")
    with pytest.raises(ValidationError, match="secrets_keys"):
        Settings(env="prod", internal_public_keys=_real_public_key())
    with pytest.raises(ValidationError, match="placeholder"):  # as .env.example ships it
        Settings(
            env="prod",
            internal_public_keys=_real_public_key(),
            secrets_keys="placeholder-social-token-keys",
        )
    production = Settings(env="prod", internal_public_keys=_real_public_key(), secrets_keys=key())
    assert production.secrets_keys != DEV_SECRETS_KEY
    assert Settings(env="test").secrets_keys == DEV_SECRETS_KEY
    with pytest.raises(ValidationError, match="linkedin_client_secret"):
        Settings(
            env="prod",
            internal_public_keys=_real_public_key(),
            secrets_keys=key(),
            linkedin_client_secret="change-me",
        )


def _real_public_key() -> str:
    public = Ed25519PrivateKey.generate().public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()
