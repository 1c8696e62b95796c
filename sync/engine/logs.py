"""Log lines for the daemon: one per sync, human on a terminal, JSON otherwise.

Every line passes through :func:`sync.config.keystore.redact`, tracebacks included, so a token that
slipped into an exception message never reaches a terminal, a journal or the log file. The
log file lives in the state directory (0700) and is created 0600, like the database: it
names runs and places. It is rotated so months of unattended running stay a few megabytes.
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import os
import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from sync.config.keystore import redact

LOG_NAME = "hamsync.log"
MAX_LOG_BYTES = 1_000_000
BACKUPS = 3

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record (counts of one sync, a part's name...)."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class HumanFormatter(logging.Formatter):
    """``2026-11-25 05:00:02 CET sync: 2 runs pulled, ...`` in the runner's time zone (the
    config's ``timezone``; the machine's when none is given), with the zone named."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        super().__init__()
        self.tz = tz

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, self.tz or UTC)
        if self.tz is None:
            when = when.astimezone()
        stamp = f"{when:%Y-%m-%d %H:%M:%S %Z}"
        text = f"{stamp} {record.getMessage()}"
        if record.levelno >= logging.WARNING:
            text = f"{stamp} {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return redact(text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC), ``level``, ``message`` and the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            body["traceback"] = self.formatException(record.exc_info)
        return redact(json.dumps(body, ensure_ascii=False, default=str, sort_keys=True))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file is created 0600."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        Path(self.baseFilename).chmod(0o600)  # an older file may have been created wider
        return io.TextIOWrapper(os.fdopen(fd, "ab"), encoding="utf-8")


def setup(
    log_file: Path | None,
    stream: IO[str] | None = None,
    as_json: bool | None = None,
    tz: tzinfo | None = None,
) -> list[logging.Handler]:
    """Attach handlers to the ``hamsync`` logger; returns them for :func:`teardown`.

    ``as_json`` None means: human when ``stream`` is a terminal, JSON otherwise (systemd's
    journal, a container's log collector). The file always gets JSON.
    """
    stream = stream if stream is not None else sys.stderr
    if as_json is None:
        as_json = not (hasattr(stream, "isatty") and stream.isatty())
    console = logging.StreamHandler(stream)
    console.setFormatter(JsonFormatter() if as_json else HumanFormatter(tz))
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        to_file = PrivateRotatingFileHandler(
            log_file, maxBytes=MAX_LOG_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        to_file.setFormatter(JsonFormatter())
        handlers.append(to_file)
    logger = logging.getLogger("hamsync")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in handlers:
        logger.addHandler(handler)
    return handlers


def teardown(handlers: list[logging.Handler]) -> None:
    """Detach what :func:`setup` attached and let records propagate again, as before it."""
    logger = logging.getLogger("hamsync")
    for handler in handlers:
        logger.removeHandler(handler)
        handler.close()
    logger.propagate = True
