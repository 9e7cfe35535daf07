"""The command line: `realtime-gui mint|key|verify|serve|demo …` (one module each in this package); any other
arguments open the window.

Qt-free (a test makes sure `mint` never imports PySide6). Exit codes are part of the contract scripts rely on
(exits.py). Errors are sentences on stderr, never a traceback or the key.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, Protocol

from realtime_gui import __version__
from realtime_gui.cli.exits import INVALID, OK, PROG, UsageError, detail, say
from realtime_gui.config.arguments import KEY_NOT_AN_ARGUMENT, SafeArgumentParser
from realtime_gui.logs import setup_logging

COMMANDS = ("mint", "key", "verify", "serve", "demo")
log = logging.getLogger(__name__)


class _Command(Protocol):
    """What each command's module offers."""

    def add_parser(self, commands: Any) -> None: ...  # argparse's subparsers action has no public type

    def run(self, args: argparse.Namespace) -> int: ...


def _commands() -> dict[str, _Command]:
    # Loaded on a command's path only: the window's start-up never pays for them.
    from realtime_gui.cli import demo, key, mint, serve, verify

    return {"mint": mint, "key": key, "verify": verify, "serve": serve, "demo": demo}


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
        from realtime_gui.qt.app import main as window_main  # Qt is imported on this path only

        return window_main(args)
    setup_logging()
    try:
        return _run(args)
    except KeyboardInterrupt:
        say("interrupted.")
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except Exception as err:  # the last guard: a sentence, never a traceback, never the key
        log.debug("unexpected error", exc_info=True)
        say(
            f"unexpected error ({type(err).__name__}): {err}. "
            "Please report this; run with REALTIME_GUI_DEBUG=1 for details."
        )
        return 1


def _unknown_command(word: str) -> None:
    """A word where a command goes: most likely a typo, and opening the window instead would hide it."""
    import difflib

    from realtime_gui.redaction import key_hint, key_like_words

    if key_like_words(word):
        say(f"unknown command {key_hint(word)!r}. {KEY_NOT_AN_ARGUMENT}")
        return
    guess = difflib.get_close_matches(word, COMMANDS, n=1)
    say(f"unknown command {word!r}" + (f"; did you mean {guess[0]}?" if guess else "."))
    print(f"The commands are {', '.join(COMMANDS)}; without one it opens the window.", file=sys.stderr)
    print(f"See `{PROG} --help`, or `{PROG} COMMAND --help`.", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = SafeArgumentParser(  # its subcommands' parsers are of its class: every error is made safe
        prog=PROG,
        description="Mint short-lived OpenAI Realtime API tokens.",
        epilog="Without a command it opens the window: realtime-gui [--demo] [--endpoint ID] [--profile NAME] "
        "[--settings FILE] [--color-scheme system|light|dark] [--smoke-test], and mint's --base-url, --auth, "
        "--organization, --project and --timeout (for this run). "
        "--demo tries everything against a fake server on this computer.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in _commands().items():
        command.add_parser(commands)
        # Words a command does not take are its own usage error (`key set sk-…`), not the top level's.
        commands.choices[name].set_defaults(command_parser=commands.choices[name])
    return parser


def _run(argv: list[str]) -> int:
    args, extra = build_parser().parse_known_args(argv)  # argparse exits 2 on bad usage, as the contract wants
    if extra:
        args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return _commands()[args.command].run(args)
    except UsageError as err:
        say(str(err))
        for problem in err.problems:
            detail(None, str(problem))
        return INVALID
