"""`realtime-gui mint`: one token on stdout (as the token, JSON or shell exports), errors as sentences on stderr.

Qt-free (a test makes sure `mint` never imports PySide6).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import TYPE_CHECKING, Any

from realtime_gui.api.catalog import Parameter, endpoint
from realtime_gui.cli.exits import OK, PROG, OutputFailed, UsageError, detail, err_line, exit_code, out, say
from realtime_gui.cli.request_options import add_request_options, api_key_for, connection_for, form_values
from realtime_gui.jsontext import JsonValue

if TYPE_CHECKING:
    from realtime_gui.api.request import MintRequest
    from realtime_gui.errors import MintError
    from realtime_gui.net.minted import MintedToken


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    mint = commands.add_parser(
        "mint",
        help="mint one token and print it",
        description="Mint one token. Exit codes: 0 minted, 2 invalid input or missing key, "
        "3 the API answered with an error, 4 network failure or unusable answer, 5 the token could not be written "
        "to standard output (nothing is minted when it is closed).",
    )
    add_request_options(mint)
    mint.add_argument(
        "--output",
        choices=("token", "json", "env"),
        default="token",
        help="token: the bare token on one line (the default); json: the token with its expiry, ids and the whole "
        "answer, which `verify` reads; env: export lines for a shell (eval them)",
    )
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


def run(args: argparse.Namespace) -> int:
    from realtime_gui.api.request import InvalidRequest, build_request
    from realtime_gui.errors import MintError, RetiredEndpointError
    from realtime_gui.net.client import TokenClient

    if args.list_parameters:
        _list_parameters(args.endpoint)
        return OK
    if sys.stdout is None:
        # Checked before anything is sent: a token nobody can read would still be minted on the key.
        raise OutputFailed("standard output is closed, so a token would go nowhere; nothing was minted.")
    values = form_values(args)
    try:
        request = build_request(args.endpoint, values)
    except InvalidRequest as err:
        raise UsageError("the request is not valid; nothing was sent.", err.problems) from None
    warn_about_deprecations(request)
    warn_about_unknown_names(args.endpoint, values)
    connection = connection_for(args)
    key = api_key_for(args.profile)
    try:
        with TokenClient() as client:
            token = client.mint(request, connection=connection, api_key=key)
    except MintError as err:  # a ConfigError too: its sentence, exit 2, nothing was sent
        _report(err)
        if isinstance(err, RetiredEndpointError):
            _suggest_ga(args.endpoint, values)
        return exit_code(err)
    try:
        _print_token(token, args.output)
    except (OutputFailed, BrokenPipeError) as err:
        # Minted, but nobody has it: a failure, never "minted". It expires on its own.
        why = err.reason if isinstance(err, OutputFailed) else "its reader went away"
        raise OutputFailed(
            f"the token was minted but could not be written to standard output ({why}); nobody has it, and it "
            "expires on its own."
        ) from None
    if args.verify:
        from realtime_gui.cli.verify import verify_minted

        return verify_minted(token, connection)
    return OK


def warn_about_deprecations(request: MintRequest) -> None:
    """One line on stderr per model or parameter in the request that OpenAI is shutting down; stdout stays the
    token's, and the exit code the API's."""
    from realtime_gui.api import deprecations

    for line in deprecations.notices(request.endpoint, request.body, on=deprecations.today()):
        say(f"warning: {line}")


def warn_about_unknown_names(endpoint_id: str, values: dict[str, JsonValue]) -> None:
    """One line on stderr per name no list knows (a model, a voice), with the closest ones: a typo is sent as typed
    (the API takes names beyond our lists), so it is said, as the window says it under the field."""
    from realtime_gui.api.catalog import endpoint
    from realtime_gui.api.known_names import unknown_name_note

    rows = endpoint(endpoint_id).by_path
    for path, value in values.items():
        note = unknown_name_note(rows[path], value) if path in rows else None
        if note:
            say(f"warning: {path}: {note}")


def _report(err: MintError) -> None:
    """A failed mint on stderr: its sentence (after the HTTP status when the API refused), then its facts."""
    from realtime_gui.errors import ApiError, RetiredEndpointError, error_facts

    if isinstance(err, ApiError):
        say(f"the API refused the request (HTTP {err.details.status}): {err}")
    else:
        say(str(err))
    if isinstance(err, RetiredEndpointError):
        detail("server said", err.server_message)
    for label, value in error_facts(err):
        detail(label, value)


def _suggest_ga(endpoint_id: str, values: dict[str, JsonValue]) -> None:
    from realtime_gui.api.beta_to_ga import to_ga

    mapped = to_ga(endpoint_id, values)
    words = [PROG, "mint", "--endpoint", mapped.endpoint_id]
    for path, value in mapped.values.items():
        text = value if isinstance(value, str) else json.dumps(value)
        words += ["--set", f"{path}={text}"]
    err_line("  the same settings on the GA endpoint:")
    err_line(f"    {shlex.join(words)}")
    for problem in mapped.dropped:
        err_line(f"  not carried over: {problem}")


def _print_token(token: MintedToken, output: str) -> None:
    """The token on stdout. Its value is printable ASCII (answer.py refuses any other) and every other text the
    server filled in was cleaned when the token was made; escaping here once more keeps that true for stdout too."""
    from realtime_gui.shown import escape_controls, json_text

    if output == "token":
        out(escape_controls(token.value))
    elif output == "json":
        data = {
            "token": token.value,
            "expires_at": token.expires_at,
            "session_id": token.session_id,
            "endpoint": token.endpoint,
            "request_id": token.request_id,
            "response": token.response,
        }
        out(json_text(data, ascii_only=True))  # ASCII: a script's locale cannot garble it
    else:
        lines: list[str] = []
        for name, value in (
            ("REALTIME_TOKEN", token.value),
            ("REALTIME_TOKEN_EXPIRES_AT", str(token.expires_at)),
            ("REALTIME_SESSION_ID", token.session_id or ""),
            ("REALTIME_ENDPOINT", token.endpoint),
            ("REALTIME_REQUEST_ID", token.request_id or ""),
        ):
            lines.append(f"export {name}={shlex.quote(escape_controls(value))}")
        out("\n".join(lines))


def _list_parameters(endpoint_id: str) -> None:
    from realtime_gui.api.value_checks import allowed_sentence

    ep = endpoint(endpoint_id)
    out(f"{ep.id}: POST {{base}}{ep.path}{'  (retired)' if ep.retired else ''}")
    for section in ep.sections:
        out(f"\n{section}")
        for row in ep.parameters:
            if row.section == section and not row.fixed:
                out(f"  {row.path}\n      {row.help} {allowed_sentence(row)}")
                _list_shutdowns(row)
                _list_parameter_shutdown(row)


def _list_shutdowns(row: Parameter) -> None:
    """Under a model row: the listed models OpenAI is shutting down, with their dates and successors, and where
    OpenAI says so."""
    from realtime_gui.api import deprecations
    from realtime_gui.api.catalog import DEPRECATIONS_URL

    on = deprecations.today()
    listed = False
    for choice in row.choices:
        found = deprecations.deprecation(choice) if isinstance(choice, str) else None
        if found is None:
            continue
        instead = deprecations.successor(found)
        out(f"      {choice}: {deprecations.mark(str(choice), on=on)}{'; ' + instead if instead else ''}")
        listed = True
    if listed:
        out(f"      (dates and successors: {DEPRECATIONS_URL}; a suggestion is ours, OpenAI names none)")


def _list_parameter_shutdown(row: Parameter) -> None:
    """Under a parameter OpenAI is shutting down: the date, and what to do instead."""
    from realtime_gui.api import deprecations

    mark = deprecations.parameter_mark(row.path, on=deprecations.today())
    if mark:
        out(f"      {mark}")
