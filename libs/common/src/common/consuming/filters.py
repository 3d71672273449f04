"""Sub-program filters: which events a worker takes, decided from one header, never the payload."""

from collections.abc import Sequence
from dataclasses import dataclass

HEADER = "ce_subprogramid"


@dataclass(frozen=True)
class SubProgramFilter:
    """An allow-list or a deny-list of sub-program ids (both empty: everything).

    Two workers with complementary filters (one allows X, the other denies X) take every event
    exactly once between them: events without a sub-program go to the deny-list side.
    """

    allow: frozenset[bytes] = frozenset()
    deny: frozenset[bytes] = frozenset()

    def __post_init__(self) -> None:
        if self.allow and self.deny:
            raise ValueError("a worker takes either an allow-list or a deny-list, not both")

    @classmethod
    def parse(cls, *, allow: str = "", deny: str = "") -> "SubProgramFilter":
        """From comma-separated ids (settings, command line)."""
        return cls(allow=_ids(allow), deny=_ids(deny))

    @property
    def active(self) -> bool:
        return bool(self.allow or self.deny)

    def accepts(self, headers: Sequence[tuple[str, bytes | None]]) -> bool:
        """True when this worker should handle a record with these headers."""
        if not self.active:
            return True
        value = next((v for k, v in headers if k == HEADER), None)
        if self.allow:
            return value is not None and value.strip().lower() in self.allow
        return value is None or value.strip().lower() not in self.deny


def _ids(text: str) -> frozenset[bytes]:
    return frozenset(p.strip().lower().encode() for p in text.split(",") if p.strip())
