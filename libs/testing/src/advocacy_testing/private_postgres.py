"""A private PostgreSQL server a test may restart (via scripts/postgres-local)."""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from advocacy_testing.processes import REPO, free_port

SCRIPT = REPO / "scripts" / "postgres-local"


@dataclass
class PrivatePostgres:
    """A second server on its own port and data dir, so restarting it harms no other test."""

    port: int = 0
    data_dir: Path | None = None

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        # Under the repo's .run/, which the postgres OS user can reach (a pytest tmp dir may not).
        self.data_dir = self.data_dir or REPO / ".run" / f"pg-private-{self.port}"

    @property
    def admin_url(self) -> str:
        return f"postgresql+asyncpg://advocacy:advocacy@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start (or restart on the same data) and wait until it accepts connections."""
        self._run("start")

    def stop(self) -> None:
        """Fast shutdown: clients are disconnected, data stays for the next start."""
        self._run("stop")

    def purge(self) -> None:
        """Stop and delete its data."""
        self._run("stop", "--purge")

    def _run(self, *args: str) -> None:
        env = {**os.environ, "PG_PORT": str(self.port), "PG_DATA_DIR": str(self.data_dir)}
        subprocess.run([str(SCRIPT), *args], env=env, check=True, timeout=180)
