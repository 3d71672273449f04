"""The small uvicorn server of operational endpoints (probes, /metrics): a worker's only server,
or a second one beside a web process's public server, on a port the public never reaches."""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Generator
from typing import Any

import uvicorn
from starlette.types import ASGIApp


def config(app: ASGIApp, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    """uvicorn settings for an ops server: our JSON logging as configured, no access log."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # the process's JSON logging is already configured
        access_log=False,
        **options,
    )


class _BesideMainServer(uvicorn.Server):
    # The process's main server owns SIGTERM/SIGINT and stops us from its lifespan; were we to
    # capture them too, a signal would stop this server and reach the main one only afterwards.
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@contextlib.asynccontextmanager
async def serving(app: ASGIApp, *, host: str, port: int, **options: Any) -> AsyncIterator[str]:
    """Serve `app` on host:port (0: any free port) in this event loop; yields its base URL."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        # Bound here, not by uvicorn: a taken port is a clear OSError, not uvicorn's sys.exit.
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    bound_port = sock.getsockname()[1]
    server = _BesideMainServer(config(app, host=host, port=bound_port, lifespan="off", **options))
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"ops-server-{bound_port}")
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError(f"ops server on {host}:{bound_port} stopped while starting")
        await asyncio.sleep(0.01)
    try:
        yield f"http://{'[' + host + ']' if family == socket.AF_INET6 else host}:{bound_port}"
    finally:
        server.should_exit = True
        await task
