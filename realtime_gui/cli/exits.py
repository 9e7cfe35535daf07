"""What every command shares: the exit codes scripts rely on, UsageError, and the only ways to write stdout and stderr.

Qt-free. Exit codes: 0 done; 2 invalid input or missing key (nothing sent); 3 the API answered with an error;
4 network failure, timeout or an unusable answer; 5 standard output could not take the answer (closed or full).
`exit_code` is the one map from the error tree (errors.py) to them.

A closed stream is None in sys.stdout or sys.stderr, and print(file=None) writes to stdout: a sentence meant for a
closed stderr would land where `TOKEN=$(…)` reads. So stdout is written through `out` (what --output asks for, or
OutputFailed) or `note` (a confirmation, dropped when it cannot be written), stderr through `say`/`detail`/`err_line`
(dropped when stderr is closed), and nothing else.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from realtime_gui.errors import InputError, NoAnswerError, RealtimeGuiError, RefusedError
from realtime_gui.shown import shown

if TYPE_CHECKING:
    from realtime_gui.api.checks import Problem  # a type only: `verify` never loads the checks

OK, INVALID, API_FAILED, NETWORK_FAILED, OUTPUT_FAILED = 0, 2, 3, 4, 5
PROG = "realtime-gui"


class UsageError(InputError):
    """Bad input found before anything was sent; printed as is, exit 2."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


class OutputFailed(RealtimeGuiError):
    """What the command was asked to print could not be written to stdout; str() says why, exit 5. `reason`: the
    bare cause ("closed", or the OS's words), for a caller that says it its own way."""

    def __init__(self, message: str, *, reason: str = "closed") -> None:
        super().__init__(message)
        self.reason = reason


def exit_code(error: RealtimeGuiError) -> int:
    """The exit code for a failed command, from the error's kind (errors.py draws the tree)."""
    if isinstance(error, OutputFailed):
        return OUTPUT_FAILED
    if isinstance(error, RefusedError):
        return API_FAILED
    if isinstance(error, NoAnswerError):
        return NETWORK_FAILED
    return INVALID  # InputError, and anything else the package raised on purpose: nothing usable was done


def out(text: str) -> None:
    """`text` and a line end on stdout, flushed: the command's answer. OutputFailed when stdout is closed or a write
    fails (a full disk); BrokenPipeError as is (the reader went away: main stops quietly)."""
    if sys.stdout is None:
        raise OutputFailed("standard output is closed, so the answer was not written.")
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise OutputFailed(f"the answer could not be written to standard output ({reason}).", reason=reason) from None


def note(text: str) -> None:
    """A confirmation on stdout (`key set`'s "Stored …"): written when it can be, the command's outcome either way."""
    with contextlib.suppress(OutputFailed, BrokenPipeError):
        out(text)


# Everything written to stderr goes through these, so no key and no control character can reach the terminal, and
# nothing meant for stderr reaches stdout when stderr is closed.


def err_line(line: str) -> None:
    """One line on stderr as it is (the caller made it safe); nowhere when stderr is closed or fails."""
    stream: TextIO | None = sys.stderr
    if stream is None:
        return
    try:
        stream.write(line + "\n")
        stream.flush()
    except OSError:
        pass  # nowhere left to say it; stdout is never the place


def say(message: str) -> None:
    err_line(f"{PROG}: {sentence_start(shown(message))}")


# A plain lower-case word: not a path (session.model), a flag (--port), a name (gpt-realtime, ek_…), whose case is
# part of what they are.
_PLAIN_WORD = re.compile(r"[a-z]+(?![\w.\-/…])")


def sentence_start(message: str) -> str:
    """The CLI's one rule for "realtime-gui: <sentence>": the sentence starts in upper case, unless it opens with a
    path, a flag or a name, which stay as they are spelled."""
    return message[:1].upper() + message[1:] if _PLAIN_WORD.match(message) else message


def detail(label: str | None, value: str) -> None:
    err_line(f"  {label}: {shown(value)}" if label else f"  {shown(value)}")
