"""`realtime-gui demo`: the built-in fake OpenAI on this machine, to try `mint`, `verify` and `serve` without an
account.

Qt-free. stdout gets the two `export` lines that point the other commands at it (so `eval "$(…)"` style use and a
test's parser read the same thing); stderr says what runs and how to stop it. Ctrl+C (or SIGTERM) stops with exit 0.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import threading
from typing import Any

from realtime_gui.cli.exits import OK, PROG, UsageError, out, say

DEFAULT_PORT = 8786  # beside serve's 8787: the README's lines work as printed when the port is free


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    demo = commands.add_parser(
        "demo",
        help="run a fake OpenAI on this machine, to try the commands without an account",
        description="Run the built-in fake OpenAI on 127.0.0.1 (the window's demo mode uses the same), and print the "
        "`export OPENAI_BASE_URL=…` and `export OPENAI_API_KEY=…` lines that point mint, verify and serve at it. "
        "Its tokens work only with it. Ctrl+C stops.",
        epilog=f"Example: {PROG} demo, then in another shell paste the two export lines and run "
        f"`{PROG} mint --output json | {PROG} verify`.",
    )
    demo.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        metavar="N",
        help=f"listen on this port of 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free port)",
    )


def run(args: argparse.Namespace) -> int:
    from realtime_gui.demo import DEMO_KEY, FakeOpenAI

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 to 65535 (0 picks a free port), not {args.port}.")
    try:
        # Like the real API today, the demo answers the retired beta endpoints with their retirement error.
        server = FakeOpenAI(retire_beta=True, port=args.port)
    except OSError as err:
        raise UsageError(
            f"cannot listen on 127.0.0.1 port {args.port}: {err.strerror or err}. "
            "Pick another --port (0 picks a free one)."
        ) from None
    stopped = threading.Event()
    # Both handlers are in place before the lines are printed: whoever reads them may stop us at once.
    previous = {sig: signal.signal(sig, lambda *_: stopped.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    server.start()
    try:
        out(f"export OPENAI_BASE_URL={shlex.quote(server.base_url)}")
        out(f"export OPENAI_API_KEY={shlex.quote(DEMO_KEY)}")
        say(
            f"a fake OpenAI is answering at {server.base_url} (the key above is the demo's own, not a secret). "
            "Paste the two lines into another shell, then run mint, verify or serve there. Ctrl+C stops."
        )
        while not stopped.wait(0.5):  # a bounded wait: a signal ends it on every platform
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say(f"stopped after {len(server.requests)} request(s).")
    return OK
