"""argparse with its error messages made safe: they quote what was typed, and what was typed may be the API key.

Qt-free. The command line and the window parse with it, so `realtime-gui key set sk-…` or `mint --output sk-…`
never echoes the key (it is redacted as everything printed is) and says how a key is given instead.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING, NoReturn

from realtime_gui.redaction import key_like_words, replace_secrets
from realtime_gui.shown import shown

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

KEY_NOT_AN_ARGUMENT = (
    "The API key is never taken as an argument (shell history and `ps` would show it): pipe it to "
    "`realtime-gui key set`, or set OPENAI_API_KEY."
)


class SafeArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, its subcommands' parsers) whose errors are redacted and
    escaped, with a word on how to give a key when one was typed as an argument."""

    def error(self, message: str) -> NoReturn:
        if sys.stderr is not None:  # closed (`2>&-`): print_usage(None) would write the usage to stdout
            self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {safe_error(message)}\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse writes to `file or sys.stderr`, and fails when stderr is closed (None): then it is said nowhere.
        stream = file if file is not None else sys.stderr
        if message and stream is not None:
            with contextlib.suppress(OSError):
                stream.write(message)


def safe_error(message: str) -> str:
    """argparse's `message`, safe to print: key-shaped words (even an Azure key's bare hex) become hints."""
    keys = key_like_words(message)
    said = shown(replace_secrets(message, keys))
    return f"{said}. {KEY_NOT_AN_ARGUMENT}" if keys else said
