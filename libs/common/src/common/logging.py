"""Structured JSON logs, one object per line, carrying the correlation id."""

import logging
import sys
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TextIO

import orjson

from common import correlation

# uvicorn adds an ANSI-coloured copy of its message as extra=; the plain one is enough.
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
# uvicorn configures these with handlers of their own (plain text) before it imports the app.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


class JsonFormatter(logging.Formatter):
    """Render a record as JSON; extra= fields are kept as top-level keys."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if cid := correlation.current_id():
            data["correlation_id"] = cid
        data.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(data, default=str).decode()


def configure(*, service: str, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send every log line of the process to stdout (or stream) as JSON; safe to call again.

    12-factor: the platform collects stdout. Call it after uvicorn has set up its own logging
    (building the app is such a place): uvicorn's loggers are then re-pointed at the JSON root.
    """
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # aiokafka logs every reconnect attempt at ERROR while a broker is down; the relay says it once.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # Python warnings and crashes outside any handler would otherwise go to stderr as plain text.
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):  # Ctrl-C is an answer, not an error
        sys.__excepthook__(kind, exc, tb)
        return
    logging.getLogger("uncaught").critical("uncaught exception", exc_info=(kind, exc, tb))
