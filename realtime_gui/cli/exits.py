"""What every command shares: the exit codes scripts rely on, UsageError, and the only two ways to write to stderr.

Qt-free. Exit codes: 0 done; 2 invalid input or missing key (nothing sent); 3 the API answered with an error;
4 network failure, timeout or an unusable answer. `exit_code` is the one map from the error tree (errors.py) to them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from realtime_gui.api.checks import Problem
from realtime_gui.errors import InputError, NoAnswerError, RealtimeGuiError, RefusedError
from realtime_gui.shown import shown

OK, INVALID, API_FAILED, NETWORK_FAILED = 0, 2, 3, 4
PROG = "realtime-gui"


class UsageError(InputError):
    """Bad input found before anything was sent; printed as is, exit 2."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


def exit_code(error: RealtimeGuiError) -> int:
    """The exit code for a failed command, from the error's kind (errors.py draws the tree)."""
    if isinstance(error, RefusedError):
        return API_FAILED
    if isinstance(error, NoAnswerError):
        return NETWORK_FAILED
    return INVALID  # InputError, and anything else the package raised on purpose: nothing usable was done


# Everything written to stderr goes through these two, so no key and no control character can reach the terminal.


def say(message: str, stream: TextIO | None = None) -> None:
    print(f"{PROG}: {shown(message)}", file=stream or sys.stderr)


def detail(label: str | None, value: str) -> None:
    print(f"  {label}: {shown(value)}" if label else f"  {shown(value)}", file=sys.stderr)
