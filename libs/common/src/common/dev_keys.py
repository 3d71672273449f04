"""Development-only keys, public in this repository: accepted with ENV=dev or test, else refused.

The gateway signs internal assertions with INTERNAL_PRIVATE_KEY; the services trust only the
matching public key. Anyone who has read this file can sign with the development pair, so a
process that is not in dev/test refuses to start while it is configured.
"""

DEV_INTERNAL_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIAIsicrbL1t5gReOuj0VFJOknBmBdVCuQKoNZDEc53zT
-----END PRIVATE KEY-----
"""

DEV_INTERNAL_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGNxRuIl747GPVlRhR4Pj5YNd68uDVHeQRUBuNpCSnmY=
-----END PUBLIC KEY-----
"""

# Base64 bodies of the development keys, compared without PEM framing or whitespace.
_DEV_KEY_BODIES = frozenset(
    {
        "MC4CAQAwBQYDK2VwBCIEIAIsicrbL1t5gReOuj0VFJOknBmBdVCuQKoNZDEc53zT",
        "MCowBQYDK2VwAyEAGNxRuIl747GPVlRhR4Pj5YNd68uDVHeQRUBuNpCSnmY=",
    }
)
# Words that mark a value copied from an example rather than generated.
_PLACEHOLDER_MARKERS = ("placeholder", "change-me", "changeme", "replace-me", "example", "dev-only")


def _body(pem: str) -> str:
    lines = [line.strip() for line in pem.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


def is_development_or_placeholder(value: str) -> bool:
    """True for the repository's development keys and for values that look copied from docs."""
    lowered = value.lower()
    if any(marker in lowered for marker in _PLACEHOLDER_MARKERS):
        return True
    return any(_body(block) in _DEV_KEY_BODIES for block in split_pem_blocks(value))


def split_pem_blocks(value: str) -> list[str]:
    """Each PEM block of a value holding one or several (key rotation lists several)."""
    blocks: list[str] = []
    current: list[str] = []
    for line in value.replace("\\n", "\n").splitlines():
        if line.strip().startswith("-----BEGIN"):
            current = [line.strip()]
        elif line.strip().startswith("-----END"):
            current.append(line.strip())
            blocks.append("\n".join(current) + "\n")
            current = []
        elif current:
            current.append(line.strip())
    return blocks
