"""Services as real OS processes (uvicorn), as `make run` starts them."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[4]
LOG_DIR = REPO / ".run" / "test-logs"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServiceProcess:
    """One process of a service: its web server (uvicorn) or its worker; start() waits for /healthz.

    A worker's port is its probe port (/healthz, /readyz, /metrics).
    """

    name: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    log_dir: Path = LOG_DIR
    process: subprocess.Popen[bytes] | None = None
    worker: bool = False
    worker_args: tuple[str, ...] = ()
    # uvicorn target when it is not "<name>.main:app" (e.g. the development issuer's factory).
    app: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        kind = "worker" if self.worker else "web"
        return self.log_dir / f"{self.name}-{kind}-{self.port}.log"

    @property
    def command(self) -> list[str]:
        port = ["--port", str(self.port)]
        if self.worker:
            return [sys.executable, "-m", f"{self.name}.worker", *port, *self.worker_args]
        target = self.app or (f"{self.name}.main:app",)
        web = [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1"]
        return [*web, *port, "--no-access-log"]

    def migrate(self) -> None:
        """Run the service's migration job."""
        subprocess.run(
            [sys.executable, "-m", f"{self.name}.migrate"], env=self._env(), check=True, cwd=REPO
        )

    # Generous: on 2 busy cores importing a service and migrating its checks takes tens of seconds.
    def start(self, timeout: float = 90.0) -> None:
        """Spawn uvicorn and wait until the service answers."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, env=self._env(), stdout=log, stderr=log, cwd=REPO
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {log.name}"
                )
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer /healthz within {timeout}s")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as in a node crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL if it hangs."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def _env(self) -> dict[str, str]:
        probe_host = {f"{self.name.upper()}_WORKER_PROBE_HOST": "127.0.0.1"} if self.worker else {}
        return {**os.environ, **probe_host, **self.env}
