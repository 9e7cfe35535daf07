"""`realtime-gui serve`: the local token endpoint on the command line (options, start-up checks, the log).

Qt-free. Form values, the connection and the key come exactly as for `mint` (request_options.py). Everything is
checked before the port opens: bad input exits 2 with a sentence and serves nothing.
"""

from __future__ import annotations

import argparse
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

from realtime_gui.cli.exits import OK, PROG, UsageError, err_line, note
from realtime_gui.cli.request_options import add_request_options, api_key_for, connection_for, form_values

if TYPE_CHECKING:
    from realtime_gui.serve.server import ServedRequest

_print_lock = threading.Lock()


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    """Add `serve` to the CLI's subcommands, with `mint`'s form and connection options."""
    from realtime_gui.serve.policy import LOOPBACK_HOSTS
    from realtime_gui.serve.server import DEFAULT_PORT, DEFAULT_RATE

    serve = commands.add_parser(
        "serve",
        help="serve tokens to browser pages on this machine (a local /token endpoint)",
        description="Answer GET and POST /token on this machine with a freshly minted token, for browser "
        "prototypes. Listens on loopback only; pages from http://localhost, 127.0.0.1 and [::1] (any port) may ask, "
        "through fetch() or XMLHttpRequest (CORS): an <img>, <script>, form or navigation gets 403 and mints nothing. "
        "A POST may carry a JSON object of PATH -> VALUE overrides. Ctrl+C stops.",
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 picks a free port")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=f"{LOOPBACK_HOSTS}: this machine only. The port goes in --port",
    )
    serve.add_argument(
        "--allow-origin",
        dest="allow_origins",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also serve pages from this exact origin, e.g. http://my-laptop.local:5173. Repeatable.",
    )
    serve.add_argument(
        "--rate",
        type=int,
        default=DEFAULT_RATE,
        metavar="N",
        help=f"at most N tokens a minute (default {DEFAULT_RATE}); more are answered 429",
    )
    add_request_options(serve)


def run(args: argparse.Namespace) -> int:
    from realtime_gui.api.request import InvalidRequest, build_request
    from realtime_gui.cli.mint import warn_about_deprecations
    from realtime_gui.keys.api_key import ENV_VAR
    from realtime_gui.keys.store import key_from_environment
    from realtime_gui.net.client import shared_client
    from realtime_gui.serve.policy import OriginPolicy, PolicyError, bind_address
    from realtime_gui.serve.server import Template, TokenServer

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 to 65535 (0 picks a free port), not {args.port}.")
    if args.rate < 1:
        raise UsageError(f"--rate must be at least 1 token a minute, not {args.rate}.")
    try:
        host = bind_address(args.host)
        origins = OriginPolicy(args.allow_origins)
    except PolicyError as err:
        raise UsageError(str(err)) from None
    values = form_values(args)
    try:
        request = build_request(args.endpoint, values)
    except InvalidRequest as err:
        raise UsageError("the request is not valid; nothing is served.", err.problems) from None
    warn_about_deprecations(request)
    connection = connection_for(args)
    template = Template(
        endpoint_id=args.endpoint, values=values, connection=connection, api_key=api_key_for(args.profile)
    )
    key_source = ENV_VAR if key_from_environment() is not None else "the OS keyring"
    shared_client()  # its pool and TLS context are built now, not on the first page's request
    try:
        server = TokenServer(
            template, host=host, port=args.port, allow_origins=args.allow_origins, rate=args.rate, on_request=_log
        )
    except OSError as err:
        raise UsageError(
            f"cannot listen on {args.host} port {args.port}: {err.strerror or err}. "
            "Pick another --port (0 picks a free one)."
        ) from None
    # The handler is in place before the URL is printed: whoever reads that line may stop us at once.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        # A script reads the URL here (--port 0); with stdout closed, serving goes on and only the stderr line says so.
        note(f"Serving tokens at {server.url}")
        _err(
            f"{PROG}: Minting {args.endpoint} tokens at {connection.base_url} (profile {args.profile!r}, "
            f"key from {key_source}) for pages from {origins.describe()}, at most {args.rate} a minute. "
            "Ctrl+C stops."
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    _err(f"{PROG}: Stopped after serving {server.stats.tokens} token(s).")
    return OK


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops as cleanly as Ctrl+C


def _log(served: ServedRequest) -> None:
    """One line per request: time, status, method, path, origin, the API's request id. Never a token or key."""
    from realtime_gui.serve.policy import printable

    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(served.at))
    path = served.path.split("?", 1)[0]  # a query string is the page's business
    line = (
        f"{when} {served.status} {printable(served.method, 16)} {printable(path, 80)} "
        f"origin={printable(served.origin)} request_id={printable(served.request_id, 64)}"
    )
    if served.note and not served.minted:
        line += f" ({printable(served.note, 40)})"
    _err(line)


def _err(line: str) -> None:
    with _print_lock:  # handler threads write whole lines, never interleaved
        err_line(line)  # nowhere when stderr is closed (`2>&-`): never onto stdout
