"""The window's command-line options, defined once: qt/app.py parses with this parser, and the command line's help
(cli/__init__.py) prints the window's usage from it. Qt-free: the colour schemes are plain names here."""

from __future__ import annotations

import argparse

from realtime_gui import __version__
from realtime_gui.api.catalog import ENDPOINT_IDS
from realtime_gui.config.arguments import SafeArgumentParser
from realtime_gui.config.connection_options import add_connection_options

COLOR_SCHEMES = ("system", "light", "dark")  # qt/ui/style/palette.py gives each its colours


def window_parser() -> argparse.ArgumentParser:
    parser = SafeArgumentParser(prog="realtime-gui", description="Mint OpenAI Realtime tokens in a window.")
    parser.add_argument("--demo", action="store_true", help="try it against a built-in fake server, no account needed")
    parser.add_argument("--endpoint", choices=ENDPOINT_IDS, help="endpoint to show first")
    parser.add_argument("--profile", help="profile to use (its key is in the OS keyring)")
    parser.add_argument("--settings", metavar="FILE", help="settings file to use instead of the default")
    add_connection_options(parser)  # the same as `realtime-gui mint`'s; they apply to the profile shown first
    parser.add_argument(
        "--color-scheme",
        choices=COLOR_SCHEMES,
        default="system",
        help="light or dark colours; default: follow the system's scheme as Qt reports it",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check this build end to end offscreen (demo mint, keyring), print one JSON line, and exit",
    )
    parser.add_argument("--version", action="version", version=f"realtime-gui {__version__}")
    return parser


def window_usage() -> str:
    """The window's options on one line, as its own usage says them (`realtime-gui [--demo] [--endpoint …] …`)."""
    usage = " ".join(window_parser().format_usage().split())
    return usage.removeprefix("usage: ").replace(" [-h]", "", 1)
