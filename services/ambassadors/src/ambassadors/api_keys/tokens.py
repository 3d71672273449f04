"""The API key's wire format: `adv_<key id, 32 hex>_<secret>`, made, parsed and checked here.

The key id lets introspection find the row with one primary-key read; only the SHA-256 of the
whole key is stored, and a presented key is compared with it in constant time.
"""

import hashlib
import hmac
import re
import secrets
import uuid

PREFIX = "adv_"
# token_urlsafe(32) gives 43 characters; longer secrets stay acceptable if we ever mint them.
_FORMAT = re.compile(r"adv_(?P<key_id>[0-9a-f]{32})_[A-Za-z0-9_-]{43,128}")
MAX_LENGTH = len(PREFIX) + 32 + 1 + 128


def new_key(key_id: uuid.UUID) -> str:
    """A fresh key for the row `key_id`: 256 random bits after the id."""
    return f"{PREFIX}{key_id.hex}_{secrets.token_urlsafe(32)}"


def digest(key: str) -> str:
    """What the table keeps of a key (hex SHA-256); a slow hash buys nothing for 256 random bits."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> uuid.UUID | None:
    """The row id a well-formed key names, or None for anything else (checked before any I/O)."""
    if len(key) > MAX_LENGTH:
        return None
    found = _FORMAT.fullmatch(key)
    return uuid.UUID(found["key_id"]) if found else None


def matches(key: str, stored_digest: str) -> bool:
    """True when `key` is the one whose digest was stored; constant time in the digest."""
    return hmac.compare_digest(digest(key), stored_digest)
