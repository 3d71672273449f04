"""Every log line is JSON with the correlation id: unhandled errors and uvicorn's own lines too."""

import io
import json
import logging
import logging.config
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from uvicorn.config import LOGGING_CONFIG

from advocacy_testing.processes import free_port
from common import logging as json_logging
from common.app import ServiceSpec, create_app
from common.settings import ServiceSettings

HERE = Path(__file__).parent
router = APIRouter()


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("kaboom")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure() changes process-wide state; give the next test what it had."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"]
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate) for n in names}
    levels = {n: logging.getLogger(n).level for n in names}
    hook = sys.excepthook
    yield
    for name, (handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.propagate, logger.level = handlers, propagate, levels[name]
    sys.excepthook = hook
    logging.captureWarnings(False)


def _records(text: str) -> list[dict[str, Any]]:
    lines = [line for line in text.splitlines() if line.strip()]
    not_json = [line for line in lines if not _is_json_object(line)]
    assert not_json == [], "lines that are not JSON"
    return [json.loads(line) for line in lines]


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


@pytest.mark.usefixtures("restored_logging")
async def test_unhandled_error_answers_500_problem_and_logs_one_json_line() -> None:
    settings = ServiceSettings(env="test", service_name="t")
    spec = ServiceSpec(
        settings=settings, title="t", description="t", routers=[router], uses_database=False
    )
    app = create_app(spec)
    captured = io.StringIO()
    json_logging.configure(service="t", stream=captured)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
        response = await client.get("/boom", headers={"X-Request-ID": "req-boom-1"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:advocacy:problem:internal"
    assert response.headers["x-request-id"] == "req-boom-1"
    failures = [r for r in _records(captured.getvalue()) if "exc" in r]
    assert len(failures) == 1
    assert failures[0]["level"] == "ERROR"
    assert failures[0]["correlation_id"] == "req-boom-1"
    assert failures[0]["path"] == "/boom"
    assert "RuntimeError: kaboom" in failures[0]["exc"]


@pytest.mark.usefixtures("restored_logging")
def test_uvicorn_loggers_write_json_once_configured() -> None:
    logging.config.dictConfig(LOGGING_CONFIG)  # what uvicorn does before it imports the app
    captured = io.StringIO()
    json_logging.configure(service="t", stream=captured)

    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("uvicorn.access").warning("odd request")

    messages = [r["msg"] for r in _records(captured.getvalue())]
    assert messages == ["Started server process [42]", "odd request"]


def test_uvicorn_process_writes_only_json_lines(tmp_path: Path) -> None:
    port = free_port()
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    command = [sys.executable, "-m", "uvicorn", "failing_app:app", "--app-dir", str(HERE)]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        server = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=err
        )
        try:
            _wait_until_serving(f"http://127.0.0.1:{port}/healthz", server)
            response = httpx.get(
                f"http://127.0.0.1:{port}/boom", headers={"X-Request-ID": "req-boom-2"}
            )
        finally:
            server.terminate()
            server.wait(timeout=15)

    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-boom-2"
    records = _records(stdout.read_text()) + _records(stderr.read_text())
    messages = [r["msg"] for r in records]
    assert any(m.startswith("Started server process") for m in messages)
    assert "Application startup complete." in messages
    failures = [r for r in records if "exc" in r]
    assert [r["correlation_id"] for r in failures] == ["req-boom-2"]


def _wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "uvicorn exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer")
