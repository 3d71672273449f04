"""Liveness of background loops: each loop beats; a worker is alive while all beat recently."""

import time
from dataclasses import dataclass, field


@dataclass
class Heartbeats:
    """Last beat per loop name (monotonic seconds)."""

    beats: dict[str, float] = field(default_factory=dict)

    def beat(self, name: str) -> None:
        """The loop made progress (or is deliberately waiting): it is not stuck."""
        self.beats[name] = time.monotonic()

    def stalled(self, *, older_than: float) -> list[str]:
        """Loops whose last beat is older than the threshold."""
        now = time.monotonic()
        return sorted(name for name, at in self.beats.items() if now - at > older_than)
