"""A private Kafka broker a test may stop and restart (via scripts/kafka-local)."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from advocacy_testing.processes import REPO, free_port

SCRIPT = REPO / "scripts" / "kafka-local"


@dataclass
class PrivateBroker:
    """A second broker on its own ports and data dir, so stopping it harms no other test."""

    data_dir: Path
    port: int = 0

    def __post_init__(self) -> None:
        self.port = self.port or free_port()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (or restart on the same data) and wait until it serves clients."""
        self._run("start")

    def stop(self) -> None:
        """Stop it; what it stored stays on disk for the next start."""
        self._run("stop")

    def _run(self, command: str) -> None:
        env = {
            **os.environ,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "KAFKA_DATA_DIR": str(self.data_dir),
            "PYTHON": sys.executable,
        }
        subprocess.run([str(SCRIPT), command], env=env, check=True, timeout=180)
