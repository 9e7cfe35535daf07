"""The command line: `realtime-gui mint|key|verify|serve|demo …` (one module each in this package); any other
arguments open the window.

Qt-free (a test makes sure `mint` never imports PySide6). Exit codes are part of the contract scripts rely on
(exits.py). Errors are sentences on stderr, never a traceback or the key.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn, Protocol

from realtime_gui import __version__
from realtime_gui.cli.exits import INVALID, OK, PROG, OutputFailed, UsageError, detail, err_line, exit_code, say
from realtime_gui.config.arguments import KEY_NOT_AN_ARGUMENT, SafeArgumentParser
from realtime_gui.errors import RealtimeGuiError
from realtime_gui.logs import setup_logging

COMMANDS = ("mint", "key", "verify", "serve", "demo")
log = logging.getLogger(__name__)


class _Command(Protocol):
    """What each command's module offers."""

    def add_parser(self, commands: Any) -> None: ...  # argparse's subparsers action has no public type

    def run(self, args: argparse.Namespace) -> int: ...


def _command(name: str) -> _Command:
    # Each loaded on its own command's path only: the window's start-up never pays for them, nor one command for
    # another's (build_parser).
    match name:
        case "mint":
            from realtime_gui.cli import mint

            return mint
        case "key":
            from realtime_gui.cli import key

            return key
        case "verify":
            from realtime_gui.cli import verify

            return verify
        case "serve":
            from realtime_gui.cli import serve

            return serve
        case _:  # "demo", the last of COMMANDS
            from realtime_gui.cli import demo

            return demo


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `realtime-gui` command and `python -m realtime_gui`."""
    started = time.perf_counter()
    args = list(sys.argv[1:] if argv is None else argv)
    if "--smoke-test" in args:  # checked before the window's own parsing: smoke.py opens the window itself
        from realtime_gui.qt.smoke import run as smoke_test

        return smoke_test(started)
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        _unknown_command(args[0])
        return INVALID
    if not args or args[0] not in (*COMMANDS, "-h", "--help", "--version"):
        # What the window's start-up makes (modules, classes, widgets) all lives on: the cycle collector's ~57 passes
        # over it cost ~7 ms (3%) of the first paint. Paused until the window has started up (qt/app.py), and on
        # again however the window's run ends (no display, refused options: nothing is left paused in-process).
        gc.disable()
        try:
            from realtime_gui.qt.app import main as window_main  # Qt is imported on this path only

            return window_main(args)
        finally:
            gc.enable()
    _hold_standard_fds()
    setup_logging()
    try:
        return _run(args)
    except KeyboardInterrupt:
        say("interrupted.")
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, and keep Python from complaining at exit.
        _silence_stdout()
        return OK
    except Exception as err:  # the last guard: a sentence, never a traceback, never the key
        log.debug("unexpected error", exc_info=True)
        say(
            f"unexpected error ({type(err).__name__}): {err}. "
            "Please report this; run with REALTIME_GUI_DEBUG=1 for details."
        )
        return 1


def program() -> NoReturn:
    """The `realtime-gui` program (its script, `python -m realtime_gui`, the bundle): main() on sys.argv, then the
    exit. main() itself is also called in-process (the tests), where nothing may be left uncollected."""
    args = sys.argv[1:]
    code = main(args)
    if args[:1] and args[0] in COMMANDS:
        # The process ends now. Frozen, what the imports built is left to the OS with the rest of the memory, not
        # walked and freed by the interpreter's last garbage collections: 10-13 ms of a 135 ms verify. Everything
        # the command wrote is flushed before those run. (The window's teardown stays Qt's.)
        gc.freeze()
    sys.exit(code)


def _hold_standard_fds() -> None:
    """Put /dev/null on any of fds 0-2 that was closed (`>&-`, `2>&-`). Else the next file or socket opened takes
    that number, and whatever writes to fd 1 or 2 (a library, Python's last-resort messages) writes into it. The
    closed stream stays None in sys.stdout/sys.stderr, which is how exits.py knows it was closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:  # the lowest free number is `fd` unless another below it was closed too
                os.dup2(opened, fd)
                os.close(opened)


def _silence_stdout() -> None:
    if sys.stdout is not None:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _unknown_command(word: str) -> None:
    """A word where a command goes: most likely a typo, and opening the window instead would hide it."""
    import difflib

    from realtime_gui.redaction import key_hint, key_like_words

    if key_like_words(word):
        say(f"unknown command {key_hint(word)!r}. {KEY_NOT_AN_ARGUMENT}")
        return
    guess = difflib.get_close_matches(word, COMMANDS, n=1)
    say(f"unknown command {word!r}" + (f"; did you mean {guess[0]}?" if guess else "."))
    err_line(f"The commands are {', '.join(COMMANDS)}; without one it opens the window.")
    err_line(f"See `{PROG} --help`, or `{PROG} COMMAND --help`.")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command (with the window's usage), or of `command` alone: what parsing its arguments
    needs. For a mint that is 5 ms of CPU instead of 22 (the other commands' modules, the window's options)."""
    parser = SafeArgumentParser(  # its subcommands' parsers are of its class: every error is made safe
        prog=PROG,
        description="Mint short-lived OpenAI Realtime API tokens.",
        epilog=None if command else _window_epilog(),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in (command,) if command else COMMANDS:
        _command(name).add_parser(commands)
        # Words a command does not take are its own usage error (`key set sk-…`), not the top level's.
        commands.choices[name].set_defaults(command_parser=commands.choices[name])
    return parser


def _window_epilog() -> str:
    from realtime_gui.config.window_options import window_usage

    return (
        f"Without a command it opens the window: {window_usage()}. The connection options are mint's (for this run). "
        "--demo tries everything against a fake server on this computer."
    )


def _run(argv: list[str]) -> int:
    named = argv[0] if argv[0] in COMMANDS else None  # else -h, --help or --version: every command's help
    args, extra = build_parser(named).parse_known_args(argv)  # argparse exits 2 on bad usage, as the contract wants
    if extra:
        args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return _command(args.command).run(args)
    except RealtimeGuiError as err:  # what a command left for here: its sentence, then the code its kind maps to
        say(str(err))
        for problem in err.problems if isinstance(err, UsageError) else ():
            detail(None, str(problem))
        if isinstance(err, OutputFailed):
            _silence_stdout()  # what is still buffered must not fail again at exit (Python would exit 120)
        return exit_code(err)
