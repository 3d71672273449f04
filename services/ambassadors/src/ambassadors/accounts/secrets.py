"""Social-network tokens encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256, ADR 0018).

Keys come from AMBASSADORS_SECRETS_KEYS, comma-separated, newest first: the first encrypts,
every one decrypts, so a new key is rolled out by putting it first and the old one is dropped
once `rotate` has re-encrypted what it sealed. Each ciphertext is bound to the row it belongs
to (its context): a token copied into another account's row does not open there.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from common.dev_keys import is_development_or_placeholder

# Public in this repository: accepted with ENV=dev or test only (ambassadors.config).
DEV_SECRETS_KEY = "ZGV2LW9ubHktc29jaWFsLXRva2Vucy1rZXktMDAwMDA="
_SEPARATOR = b"\x00"


class SecretUnreadable(Exception):
    """A ciphertext no configured key opens, or one sealed for another row."""


def parse_keys(value: str) -> list[str]:
    """The configured keys, in order; ValueError naming the problem (never the key)."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    if not keys:
        raise ValueError("secrets_keys is empty: set at least one Fernet key")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"secrets_keys #{position} is not a Fernet key (32 url-safe base64 bytes)"
            ) from exc
    return keys


def require_real_keys(value: str) -> None:
    """Refuse the development key and copied placeholders (outside dev/test)."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    if DEV_SECRETS_KEY in keys or any(is_development_or_placeholder(key) for key in keys):
        raise ValueError(
            "secrets_keys holds the repository's development key or a placeholder: generate "
            "one (python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'), or ENV=dev for local development"
        )
    parse_keys(value)


class SecretBox:
    """Seals and opens secrets with the configured keys."""

    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in parse_keys(keys)])

    def seal(self, secret: str, *, context: str) -> bytes:
        """The secret encrypted with the newest key, bound to `context` (e.g. the account id)."""
        return self._fernet.encrypt(context.encode() + _SEPARATOR + secret.encode())

    def open(self, sealed: bytes, *, context: str) -> str:
        """The secret, if some key opens it and it was sealed for this context."""
        try:
            plain = self._fernet.decrypt(sealed)
        except InvalidToken as exc:
            raise SecretUnreadable("no configured key opens this secret") from exc
        bound, _, secret = plain.partition(_SEPARATOR)
        if bound != context.encode():
            raise SecretUnreadable("this secret was sealed for another row")
        return secret.decode()

    def rotate(self, sealed: bytes) -> bytes:
        """The same secret re-encrypted with the newest key (context unchanged)."""
        try:
            return self._fernet.rotate(sealed)
        except InvalidToken as exc:
            raise SecretUnreadable("no configured key opens this secret") from exc


@functools.lru_cache(maxsize=4)
def box(keys: str) -> SecretBox:
    """The box for a settings value (built once per process and keys)."""
    return SecretBox(keys)
