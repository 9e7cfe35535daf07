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
from realtime_gui.cli.exits import API_FAILED, NETWORK_FAILED, OK, PROG, UsageError, detail, say
from realtime_gui.cli.request_options import add_request_options, api_key_for, connection_for, form_values
from realtime_gui.jsontext import JsonValue

if TYPE_CHECKING:
    from realtime_gui.api.request import MintRequest
    from realtime_gui.errors import ApiError
    from realtime_gui.net.minted import MintedToken


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    mint = commands.add_parser(
        "mint",
        help="mint one token and print it",
        description="Mint one token. Exit codes: 0 minted, 2 invalid input or missing key, "
        "3 the API answered with an error, 4 network failure or unusable answer.",
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
    from realtime_gui.errors import (
        ApiError,
        ConfigError,
        NetworkError,
        ResponseError,
        RetiredEndpointError,
        error_facts,
    )
    from realtime_gui.net.client import shared_client

    if args.list_parameters:
        _list_parameters(args.endpoint)
        return OK
    values = form_values(args)
    try:
        request = build_request(args.endpoint, values)
    except InvalidRequest as err:
        raise UsageError("the request is not valid; nothing was sent.", err.problems) from None
    warn_about_deprecations(request)
    connection = connection_for(args)
    key = api_key_for(args.profile)
    try:
        token = shared_client().mint(request, connection=connection, api_key=key)
    except ConfigError as err:
        raise UsageError(str(err)) from None
    except RetiredEndpointError as err:
        _report_api_error(err)
        _suggest_ga(args.endpoint, values)
        return API_FAILED
    except ApiError as err:
        _report_api_error(err)
        return API_FAILED
    except (NetworkError, ResponseError) as err:
        say(str(err))
        for label, value in error_facts(err):
            detail(label, value)
        return NETWORK_FAILED
    _print_token(token, args.output)
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


def _report_api_error(err: ApiError) -> None:
    from realtime_gui.errors import RetiredEndpointError, error_facts

    d = err.details
    say(f"the API refused the request (HTTP {d.status}): {err}")
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
    print("  the same settings on the GA endpoint:", file=sys.stderr)
    print(f"    {shlex.join(words)}", file=sys.stderr)
    for problem in mapped.dropped:
        print(f"  not carried over: {problem}", file=sys.stderr)


def _print_token(token: MintedToken, output: str) -> None:
    """The token on stdout. Its value is printable ASCII (answer.py refuses any other) and every other text the
    server filled in was cleaned when the token was made; escaping here once more keeps that true for stdout too."""
    from realtime_gui.shown import escape_controls, json_text

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
    from realtime_gui.api.value_checks import allowed_sentence

    ep = endpoint(endpoint_id)
    print(f"{ep.id}: POST {{base}}{ep.path}{'  (retired)' if ep.retired else ''}")
    for section in ep.sections:
        print(f"\n{section}")
        for row in ep.parameters:
            if row.section == section and not row.fixed:
                print(f"  {row.path}\n      {row.help} {allowed_sentence(row)}")
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
        print(f"      {choice}: {deprecations.mark(str(choice), on=on)}{'; ' + instead if instead else ''}")
        listed = True
    if listed:
        print(f"      (dates and successors: {DEPRECATIONS_URL}; a suggestion is ours, OpenAI names none)")


def _list_parameter_shutdown(row: Parameter) -> None:
    """Under a parameter OpenAI is shutting down: the date, and what to do instead."""
    from realtime_gui.api import deprecations

    mark = deprecations.parameter_mark(row.path, on=deprecations.today())
    if mark:
        print(f"      {mark}")
