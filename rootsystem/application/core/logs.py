"""Logging setup: one format, with the request id on every line; text by default, or JSON.

`LOG_FORMAT=json` writes one JSON object a line (time, level, logger, message, request id, the
logged-in user's id, the exception, and whatever fields a call passed as `extra`, such as the
request line's route, status and duration), for log collectors that index fields instead of
parsing text.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson

from core.http.context import RequestIdLogFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# What every LogRecord has: the rest of a record's attributes came from `extra`.
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_handler: logging.Handler | None = None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str, log_format: str = "text") -> None:
    """Install one handler on the root logger; calling it again changes only the level and format."""
    global _handler
    root = logging.getLogger()
    root.setLevel(level)
    if _handler is None:
        _handler = logging.StreamHandler()
        _handler.addFilter(RequestIdLogFilter())
        root.addHandler(_handler)
    _handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(FORMAT))
