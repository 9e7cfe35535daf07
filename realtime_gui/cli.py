"""The command line: `realtime-gui mint`, `realtime-gui key …`; any other arguments open the window.

Qt-free (a test makes sure `mint` never imports PySide6). Exit codes, part of the contract scripts rely on:
0 minted / done; 2 invalid input or missing key (nothing sent); 3 the API answered with an error;
4 network failure, timeout or an unusable answer. Errors are sentences on stderr, never a traceback or the key.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from realtime_gui import __version__
from realtime_gui.catalog import DEFAULT_ENDPOINT, ENDPOINT_IDS, JsonValue, Parameter, endpoint
from realtime_gui.checks import Problem
from realtime_gui.connection_options import ConnectionOptions, add_connection_options
from realtime_gui.logs import setup_logging

if TYPE_CHECKING:
    from realtime_gui.connection import Connection
    from realtime_gui.profiles import Profile
    from realtime_gui.request import MintRequest

OK, INVALID, API_FAILED, NETWORK_FAILED = 0, 2, 3, 4
PROG = "realtime-gui"
COMMANDS = ("mint", "key", "verify", "serve")
log = logging.getLogger(__name__)


class UsageError(Exception):
    """Bad input found before anything was sent; printed as is, exit 2."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


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
        print(f"{PROG}: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except Exception as err:  # the last guard: a sentence, never a traceback, never the key
        log.debug("unexpected error", exc_info=True)
        _say(
            f"unexpected error ({type(err).__name__}): {err}. "
            "Please report this; run with REALTIME_GUI_DEBUG=1 for details."
        )
        return 1


def _unknown_command(word: str) -> None:
    """A word where a command goes: most likely a typo, and opening the window instead would hide it."""
    import difflib

    guess = difflib.get_close_matches(word, COMMANDS, n=1)
    _say(f"unknown command {word!r}" + (f"; did you mean {guess[0]}?" if guess else "."))
    print(f"The commands are {', '.join(COMMANDS)}; without one it opens the window.", file=sys.stderr)
    print(f"See `{PROG} --help`, or `{PROG} COMMAND --help`.", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Mint short-lived OpenAI Realtime API tokens.",
        epilog="Without a command it opens the window: realtime-gui [--demo] [--endpoint ID] [--profile NAME] "
        "[--settings FILE] [--color-scheme system|light|dark] [--smoke-test], and mint's --base-url, --auth, "
        "--organization, --project and --timeout (for this run). "
        "--demo tries everything against a fake server on this computer.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    mint = commands.add_parser(
        "mint",
        help="mint one token and print it",
        description="Mint one token. Exit codes: 0 minted, 2 invalid input or missing key, "
        "3 the API answered with an error, 4 network failure or unusable answer.",
    )
    mint.add_argument("--endpoint", choices=ENDPOINT_IDS, default=DEFAULT_ENDPOINT)
    mint.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="a parameter by its JSON path in the request body; VALUE is read as JSON when it parses "
        "(numbers, true/false, null, arrays, objects), else as text. Repeatable.",
    )
    mint.add_argument("--preset", metavar="FILE", help="a JSON file of PATH -> VALUE (as the window saves)")
    add_connection_options(mint)  # shared with the window
    mint.add_argument(
        "--profile",
        default="default",
        help="which stored key to use, and the base URL, auth, organization, project and timeout saved for it "
        "in the window; a name that is neither saved nor holds a stored key is refused as a likely typo",
    )
    mint.add_argument("--output", choices=("token", "json", "env"), default="token")
    mint.add_argument(
        "--list-parameters",
        action="store_true",
        help="list the endpoint's parameters and what each accepts, then exit",
    )

    mint.add_argument(
        "--verify",
        action="store_true",
        help="then open a Realtime session with the token and say on stderr whether it works (stdout unchanged)",
    )

    key = commands.add_parser("key", help="store, remove or inspect the API key in the OS keyring")
    key.add_argument("action", choices=("set", "delete", "status"))
    key.add_argument("--profile", default="default")

    from realtime_gui import verify_cli

    verify_cli.add_parser(commands)

    from realtime_gui.serve_cli import add_parser as add_serve_parser

    add_serve_parser(commands, mint)
    return parser


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)  # argparse exits 2 on bad usage, as the contract wants
    runners: dict[str, Callable[[argparse.Namespace], int]] = {
        "mint": _mint,
        "key": _key,
        "verify": _verify,
        "serve": _serve,
    }
    runner = runners[args.command]
    try:
        return runner(args)
    except UsageError as err:
        _say(str(err))
        for problem in err.problems:
            _detail(None, str(problem))
        return INVALID


def _serve(args: argparse.Namespace) -> int:
    from realtime_gui.serve_cli import run

    return run(args)


def _verify(args: argparse.Namespace) -> int:
    from realtime_gui.verify_cli import run

    return run(args)


# Everything written to stderr goes through these two, so no key and no control character can reach the terminal.


def _say(message: str, stream: TextIO | None = None) -> None:
    from realtime_gui.shown import shown

    print(f"{PROG}: {shown(message)}", file=stream or sys.stderr)


def _detail(label: str | None, value: str) -> None:
    from realtime_gui.shown import shown

    print(f"  {label}: {shown(value)}" if label else f"  {shown(value)}", file=sys.stderr)


# -- mint ---------------------------------------------------------------------------------------------------


def _mint(args: argparse.Namespace) -> int:
    from realtime_gui import client as api
    from realtime_gui.request import InvalidRequest, build_request

    if args.list_parameters:
        _list_parameters(args.endpoint)
        return OK
    values = _values(args)
    try:
        request = build_request(args.endpoint, values)
    except InvalidRequest as err:
        raise UsageError("the request is not valid; nothing was sent.", err.problems) from None
    _warn_about_models(request)
    connection = _connection(args)
    try:
        api.check_base_url(connection.base_url)
    except api.ConfigError as err:
        raise UsageError(str(err)) from None
    key = _api_key(args.profile)
    try:
        token = api.shared_client().mint(request, connection=connection, api_key=key)
    except api.ConfigError as err:
        raise UsageError(str(err)) from None
    except api.RetiredEndpointError as err:
        _report_api_error(err)
        _suggest_ga(args.endpoint, values)
        return API_FAILED
    except api.ApiError as err:
        _report_api_error(err)
        return API_FAILED
    except (api.NetworkError, api.ResponseError) as err:
        _say(str(err))
        request_id = getattr(err, "request_id", None)
        if request_id:
            _detail("request id", request_id)
        return NETWORK_FAILED
    _print_token(token, args.output)
    if args.verify:
        from realtime_gui.verify_cli import verify_minted

        return verify_minted(token, connection)
    return OK


def _warn_about_models(request: MintRequest) -> None:
    """One line on stderr per model in the request that OpenAI is shutting down; stdout stays the token's."""
    from realtime_gui import deprecations

    on = deprecations.today()
    for path, model in deprecations.models_in_body(request.endpoint, request.body):
        words = deprecations.sentence(model, on=on)
        if words:
            _say(f"warning: {path}: {words}")


def _connection(args: argparse.Namespace) -> Connection:
    """The options given, else the profile's saved settings, else OPENAI_BASE_URL and the defaults."""
    from realtime_gui.profiles import default_connection

    try:
        options = ConnectionOptions.from_args(args)
    except ValueError as err:
        raise UsageError(str(err)) from None
    profile = _known_profile(args.profile)
    return options.over(profile.connection if profile is not None else default_connection())


def _known_profile(name: str) -> Profile | None:
    """The profile saved as `name`, or None for the default one or one that only has a stored key. Any other
    name is most likely a typo: it is refused, even with OPENAI_API_KEY set, rather than silently minting with
    the default URL. A broken profiles.json is said once on stderr and read as empty."""
    from realtime_gui import secrets
    from realtime_gui.profiles import DEFAULT_PROFILE, FILE_NAME, config_folder, read_profiles

    try:
        name = secrets.check_profile(name)
    except ValueError as err:
        raise UsageError(str(err)) from None
    saved = read_profiles(config_folder() / FILE_NAME)
    if saved.problem:
        _say(saved.problem)
    profile = saved.saved(name)  # the default profile, never saved, follows OPENAI_BASE_URL
    if profile is not None or name == DEFAULT_PROFILE:
        return profile
    try:
        if secrets.load_stored_key(name) is not None:
            return None
        unchecked = ""
    except secrets.KeyringUnavailable:
        unchecked = "; no OS keyring to look for a stored key"
    raise UsageError(
        f"no profile {name!r} (saved: {', '.join(saved.names)}{unchecked}); check the name, or give it a key "
        f"with `{PROG} key set --profile {name}`."
    )


def _values(args: argparse.Namespace) -> dict[str, JsonValue]:
    from realtime_gui.request import value_from_text

    ep = endpoint(args.endpoint)
    values: dict[str, JsonValue] = {}
    problems: list[Problem] = []
    if args.preset is not None:
        values.update(_read_preset(args.preset, args.endpoint))
    for item in args.sets:
        path, sep, text = item.partition("=")
        path = path.strip()
        if not sep or not path:
            raise UsageError(f"--set needs PATH=VALUE, e.g. --set session.model=gpt-realtime (got {item!r}).")
        value, problem = value_from_text(ep.parameter(path), path, text)
        if problem is not None:
            problems.append(problem)
        else:
            values[path] = value
    if problems:
        raise UsageError("the request is not valid; nothing was sent.", problems)
    return values


def _read_preset(path: str, endpoint_id: str) -> dict[str, JsonValue]:
    from realtime_gui.presets import PresetError, read_preset  # the same checks as the window's File > Open

    try:
        return read_preset(path, endpoint_id)
    except PresetError as err:
        raise UsageError(str(err), err.problems) from None


def _api_key(profile: str) -> str:
    from realtime_gui import secrets

    try:
        key = secrets.load_key(secrets.check_profile(profile))
    except ValueError as err:
        raise UsageError(str(err)) from None
    except secrets.KeyringUnavailable as err:
        raise UsageError(f"{err} Or set {secrets.ENV_VAR}.") from None
    if key is None:
        raise UsageError(
            f"no API key for profile {profile!r}: run `{PROG} key set --profile {profile}` or set {secrets.ENV_VAR}."
        )
    return key.value


def _report_api_error(err: Exception) -> None:
    from realtime_gui.client import ApiError, RetiredEndpointError

    assert isinstance(err, ApiError)
    d = err.details
    _say(f"the API refused the request (HTTP {d.status}): {err}")
    if isinstance(err, RetiredEndpointError):
        _detail("server said", err.server_message)
    for label, value in (
        ("type", d.type),
        ("code", d.code),
        ("param", d.param),
        ("request id", d.request_id),
    ):
        if value:
            _detail(label, value)
    if d.retry_after is not None:
        _detail("retry after", f"{d.retry_after:g} s")


def _suggest_ga(endpoint_id: str, values: dict[str, JsonValue]) -> None:
    from realtime_gui.request import to_ga

    mapped = to_ga(endpoint_id, values)
    words = [PROG, "mint", "--endpoint", mapped.endpoint_id]
    for path, value in mapped.values.items():
        text = value if isinstance(value, str) else json.dumps(value)
        words += ["--set", f"{path}={text}"]
    print("  the same settings on the GA endpoint:", file=sys.stderr)
    print(f"    {shlex.join(words)}", file=sys.stderr)
    for problem in mapped.dropped:
        print(f"  not carried over: {problem}", file=sys.stderr)


def _print_token(token: object, output: str) -> None:
    """The token on stdout. Its value is printable ASCII (answer.py refuses any other) and every other text the
    server filled in was cleaned when the token was made; escaping here once more keeps that true for stdout too."""
    from realtime_gui.client import MintedToken
    from realtime_gui.shown import escape_controls, json_text

    assert isinstance(token, MintedToken)
    if output == "token":
        print(escape_controls(token.value))
    elif output == "json":
        data = {
            "token": token.value,
            "expires_at": token.expires_at,
            "session_id": token.session_id,
            "endpoint": token.endpoint,
            "request_id": token.request_id,
            "response": token.response,
        }
        print(json_text(data, ascii_only=True))  # ASCII: a script's locale cannot garble it
    else:
        for name, value in (
            ("REALTIME_TOKEN", token.value),
            ("REALTIME_TOKEN_EXPIRES_AT", str(token.expires_at)),
            ("REALTIME_SESSION_ID", token.session_id or ""),
            ("REALTIME_ENDPOINT", token.endpoint),
            ("REALTIME_REQUEST_ID", token.request_id or ""),
        ):
            print(f"export {name}={shlex.quote(escape_controls(value))}")


def _list_parameters(endpoint_id: str) -> None:
    from realtime_gui.request import allowed

    ep = endpoint(endpoint_id)
    print(f"{ep.id}: POST {{base}}{ep.path}{'  (retired)' if ep.retired else ''}")
    for section in ep.sections:
        print(f"\n{section}")
        for row in ep.parameters:
            if row.section == section and not row.fixed:
                print(f"  {row.path}\n      {row.help} {allowed(row).capitalize()}.")
                _list_shutdowns(row)


def _list_shutdowns(row: Parameter) -> None:
    """Under a model row: the listed models OpenAI is shutting down, with their dates and successors."""
    from realtime_gui import deprecations

    on = deprecations.today()
    for choice in row.choices:
        found = deprecations.deprecation(choice) if isinstance(choice, str) else None
        if found is None:
            continue
        instead = f"; use {found.replacement}" if found.replacement else ""
        print(f"      {choice}: {deprecations.mark(str(choice), on=on)}{instead}")


# -- key --------------------------------------------------------------------------------------------------------------


def _key(args: argparse.Namespace) -> int:
    from realtime_gui import secrets

    try:
        profile = secrets.check_profile(args.profile)
        if args.action == "status":
            # A typo is refused as in `mint`. `key set` is how a new profile gets its key, and `key delete` of a
            # name without a key already says so and stays idempotent for scripts.
            _known_profile(profile)
        if args.action == "set":
            text = _read_key_text()
            stored = secrets.store_key(profile, text)
            print(
                f"Stored the API key {stored.hint} for profile {profile!r} in the OS keyring "
                f"({secrets.backend_name(secrets.safe_backend())})."
            )
            return OK
        if args.action == "delete":
            if secrets.delete_key(profile):
                print(f"Deleted the API key of profile {profile!r} from the OS keyring.")
            else:
                print(f"No API key was stored for profile {profile!r}.")
            return OK
        return _key_status(profile)
    except (ValueError, secrets.KeyringUnavailable) as err:
        raise UsageError(str(err)) from None


def _read_key_text() -> str:
    # Never from argv: it would land in shell history and the process list.
    if sys.stdin is None or not sys.stdin.isatty():
        return sys.stdin.readline() if sys.stdin is not None else ""
    return getpass.getpass("API key (input hidden): ")


def _key_status(profile: str) -> int:
    from realtime_gui import secrets

    from_env = secrets.key_from_environment()
    try:
        stored = secrets.load_stored_key(profile)
        where = f"in the OS keyring ({secrets.backend_name(secrets.safe_backend())})"
    except secrets.KeyringUnavailable as err:
        stored, where = None, ""
        print(f"OS keyring: {err}")
    if stored is not None:
        print(f"Profile {profile!r}: key {stored.hint} stored {where}.")
    elif where:
        print(f"Profile {profile!r}: no key stored {where}.")
    if from_env is not None:
        print(f"{secrets.ENV_VAR} is set ({from_env.hint}) and is used instead of the stored key.")
    return OK if (from_env or stored) else INVALID
