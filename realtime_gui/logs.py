"""Logging set-up shared by the command line and the window: one redaction filter on every handler.

Qt-free. httpx2 logs full URLs at INFO, httpcore2 every connection event and websockets the upgrade's headers at
DEBUG, so all three are capped at WARNING unless REALTIME_GUI_DEBUG is set (websockets further: see setup_logging);
the filter replaces every key and token (by value and by shape) and escapes control characters in every record
written (shown.py), since httpx2 logs the server's reason phrase and headers.
"""

from __future__ import annotations

import logging
import os
import sys

from realtime_gui.shown import shown

DEBUG_ENV = "REALTIME_GUI_DEBUG"


class RedactingFilter(logging.Filter):
    """Formats the record's message once and redacts keys and tokens from it (and from its traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _clean(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _clean(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = _clean(record.exc_text)
        return True


def _clean(text: str) -> str:
    return shown(text, multiline=True, limit=None)  # a traceback is many lines, and a debug log may be long


def setup_logging(handler: logging.Handler | None = None) -> logging.Handler:
    """Log warnings (everything with REALTIME_GUI_DEBUG=1) to stderr, or to `handler`, redacted."""
    debug = os.environ.get(DEBUG_ENV, "") not in ("", "0")
    if handler is None:
        # stderr closed (`2>&-`): nowhere to log. A StreamHandler would take sys.stderr, None, and fail on each record.
        handler = logging.StreamHandler() if sys.stderr is not None else logging.NullHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    for noisy in ("httpx2", "httpcore2", "websockets"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
    # websockets' reader thread logs what a hostile server makes of it (a wrong accept key followed by frames, an
    # endless refusal) as ERROR "unexpected internal error" with a traceback, beside the sentence verify prints for
    # the same failure. Nothing of websockets reaches a terminal or a log unless asked for.
    logging.getLogger("websockets").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    return handler
