"""What every command shares: the exit codes scripts rely on, UsageError, and the only two ways to write to stderr.

Qt-free. Exit codes: 0 done; 2 invalid input or missing key (nothing sent); 3 the API answered with an error;
4 network failure, timeout or an unusable answer.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TextIO

from realtime_gui.api.checks import Problem
from realtime_gui.shown import shown

OK, INVALID, API_FAILED, NETWORK_FAILED = 0, 2, 3, 4
PROG = "realtime-gui"


class UsageError(Exception):
    """Bad input found before anything was sent; printed as is, exit 2."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


# Everything written to stderr goes through these two, so no key and no control character can reach the terminal.


def say(message: str, stream: TextIO | None = None) -> None:
    print(f"{PROG}: {sentence_start(shown(message))}", file=stream or sys.stderr)


# A plain lower-case word: not a path (session.model), a flag (--port), a name (gpt-realtime, ek_…), whose case is
# part of what they are.
_PLAIN_WORD = re.compile(r"[a-z]+(?![\w.\-/…])")


def sentence_start(message: str) -> str:
    """The CLI's one rule for "realtime-gui: <sentence>": the sentence starts in upper case, unless it opens with a
    path, a flag or a name, which stay as they are spelled."""
    return message[:1].upper() + message[1:] if _PLAIN_WORD.match(message) else message


def detail(label: str | None, value: str) -> None:
    print(f"  {label}: {shown(value)}" if label else f"  {shown(value)}", file=sys.stderr)
