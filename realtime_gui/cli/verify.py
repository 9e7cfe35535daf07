"""`realtime-gui verify` and `realtime-gui mint --verify`: prove a token opens a Realtime session, in one line.

Qt-free. The token comes from standard input, never argv (it would show in `ps`): a bare `ek_…` line, or the JSON
`realtime-gui mint --output json` prints, which also gives the endpoint, model and session id. Exit codes as mint:
0 the session opened (and the reply came), 2 bad input (nothing sent), 3 the server refused, 4 network failure,
timeout, a redirect (never followed) or an answer that is not the Realtime protocol, 5 standard output could not be
written. A reply is printed (and kept) up to MAX_REPLY_CHARS characters; the rest is counted and said to be cut.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from realtime_gui import jsontext
from realtime_gui.api.endpoint_sockets import DEFAULT_ENDPOINT, SOCKETS
from realtime_gui.cli.exits import OK, OutputFailed, UsageError, detail, exit_code, out, say
from realtime_gui.config.connection import DEFAULT_TIMEOUT_S, default_connection, timeout_problem
from realtime_gui.redaction import redact
from realtime_gui.shown import escape_controls, json_text
from realtime_gui.verify.findings import (
    MAX_REPLY_CHARS,
    ErrorEvent,
    SessionOpened,
    UpgradeRefused,
    VerifyError,
    VerifyInputError,
    VerifyRequest,
    VerifyResult,
)

if TYPE_CHECKING:
    from realtime_gui.config.connection import Connection
    from realtime_gui.net.minted import MintedToken

_MAX_INPUT_BYTES = 8 * 1024 * 1024  # `mint --output json` of the largest answer the token client accepts fits


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    verify = commands.add_parser(
        "verify",
        help="open a Realtime session with a token read from standard input",
        description="Open a Realtime session with the token on standard input (a bare ek_… line, or the JSON of "
        "`realtime-gui mint --output json`, which also gives the endpoint, model and session id; options "
        "override it), print the settings the server applied, and close. Exit codes: 0 the session opened, "
        "2 invalid input, 3 the server refused, 4 network failure, timeout or unusable answer, 5 standard output "
        "could not be written (nothing is sent when it is closed).",
        epilog="Example: realtime-gui mint --output json | realtime-gui verify --say 'Hello'",
    )
    verify.add_argument("--endpoint", choices=tuple(SOCKETS), help="what the token was minted for (default realtime)")
    verify.add_argument("--model", help="the model in the session URL (default: the token's, from the JSON)")
    verify.add_argument(
        "--base-url", help="API base URL (default: OPENAI_BASE_URL, else https://api.openai.com/v1); wss:// is derived"
    )
    verify.add_argument(
        "--timeout",
        metavar="SECONDS",
        help="give up after this many seconds, 0.1 to 600 (default 30); waiting for standard input is bounded alike",
    )
    verify.add_argument(
        "--say",
        metavar="TEXT",
        help="then send TEXT as a user message and print the reply as it streams. This runs a model response: "
        "it costs tokens on your account.",
    )
    verify.add_argument(
        "--output",
        choices=("text", "json"),
        default="text",
        help="text: one line on the session (and the reply as it streams), the default; json: the session's settings "
        "and the reply as one JSON object, for scripts",
    )


def run(args: argparse.Namespace) -> int:
    """`realtime-gui verify`."""
    if args.timeout is not None and (problem := timeout_problem(args.timeout)):
        raise UsageError(f"--timeout {problem}.")  # before reading: nothing is waited for in vain
    timeout = float(args.timeout) if args.timeout is not None else DEFAULT_TIMEOUT_S
    if sys.stdout is None:
        # Checked before the token is read or sent: a session nobody can see the outcome of is not opened.
        raise OutputFailed("standard output is closed, so the session's settings would go nowhere; nothing was sent.")
    text = _read_input(timeout)
    if not text.strip() and _stdin_is_pipe():
        # `mint … | verify` where mint failed: its error is already on the terminal; "no token" would be a second
        # error about the wrong command.
        raise UsageError("the command before the pipe printed no token (its own message is above); nothing to check.")
    given = parse_token_input(text)
    request = VerifyRequest(
        token=given.token,
        endpoint=args.endpoint or given.endpoint or DEFAULT_ENDPOINT,
        base_url=args.base_url if args.base_url is not None else default_connection().base_url,
        model=args.model or given.model,
        timeout=timeout,
        say=args.say,
        minted_session_id=given.session_id,
    )
    printer = _Printer(streaming=args.output == "text", token=request.token)
    try:
        result = _check(request, printer)
    except VerifyError as err:
        printer.end_reply()
        _say_cut(err.reply_cut)
        _report(err)
        printer.raise_failure()
        return exit_code(err)
    if args.output == "json":
        out(redact(json_text(result_json(result), ascii_only=True), request.token))  # as `mint --output json`
    else:
        printer.end_reply()
        printer.raise_failure()
        if result.reply is not None and result.reply.status != "completed":
            say(f"the reply ended early ({escape_controls(result.reply.status)}).")
    if result.reply is not None:
        _say_cut(result.reply.cut)
    return OK


def verify_minted(token: MintedToken, connection: Connection) -> int:
    """`realtime-gui mint --verify`, after the token was printed: the verdict on stderr, stdout untouched."""
    if sys.stdout is not None:
        sys.stdout.flush()  # the reader has the token while the session opens
    request = VerifyRequest(
        token=token.value,
        endpoint=token.endpoint,
        base_url=connection.base_url,
        model=token.model,
        timeout=connection.timeout,
        minted_session_id=token.session_id,
    )
    try:
        result = _check(request, None)
    except VerifyError as err:
        _report(err, lead="the token did not open a session: ")
        return exit_code(err)
    say(f"the token works: {result.opened.summary()}")
    return OK


# -- standard input ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenInput:
    token: str
    endpoint: str | None = None
    model: str | None = None
    session_id: str | None = None


def _read_input(timeout: float) -> str:
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        import getpass  # a person typing, who waits for no millisecond: 0.5 ms off every piped check

        return getpass.getpass("Token (input hidden): ")  # no deadline
    from realtime_gui.cli.bounded_stdin import StdinTimeout, read_until

    try:
        data = read_until(sys.stdin.fileno(), complete=_complete, timeout=timeout, limit=_MAX_INPUT_BYTES)
    except StdinTimeout as err:
        got = "nothing arrived"
        if err.received:
            got = f"{err.received:,} bytes arrived but no complete token line or JSON"
        raise UsageError(
            f"{got} on standard input within {timeout:g} s (--timeout): verify waits for the ek_… token on one "
            "line, or for the JSON of `realtime-gui mint --output json` and the end of input."
        ) from None
    if len(data) > _MAX_INPUT_BYTES:
        raise UsageError("standard input is too long for a token or the JSON of `realtime-gui mint --output json`.")
    return data.decode("utf-8", errors="replace")  # a replaced byte is refused later as a character no token has


def _stdin_is_pipe() -> bool:
    try:
        return sys.stdin is not None and stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode)
    except (OSError, ValueError):  # closed, or replaced by something without a descriptor
        return False


def _complete(data: bytes) -> bool:
    """Whether the input so far can be used before standard input ends: a token is one line, so a bare one is
    complete at its line end; JSON once it parses. A writer that keeps the pipe open then holds nothing up."""
    text = data.lstrip()
    if not text:
        return False
    if text[:1] not in b"{[":
        return b"\n" in text
    if not text.rstrip().endswith((b"}", b"]")):
        return False
    try:
        jsontext.loads(text.decode("utf-8", errors="replace"))
    except jsontext.JsonTextError:
        return False
    return True


def parse_token_input(text: str) -> TokenInput:
    """A bare token line, or the JSON of `mint --output json`; UsageError (never quoting a token) otherwise."""
    stripped = text.strip()
    if not stripped:
        raise UsageError(
            "no token on standard input: pipe the ek_… token, or the JSON of `realtime-gui mint --output json`."
        )
    if not stripped.startswith(("{", "[")):
        if len(stripped.splitlines()) > 1:
            raise UsageError(
                "standard input holds several lines; give the token alone, "
                "or the JSON of `realtime-gui mint --output json`."
            )
        return TokenInput(stripped)
    try:
        data = jsontext.loads(stripped)
    except jsontext.JsonTextError as err:
        raise UsageError(f"standard input starts like JSON but does not parse: it {err}.") from None
    if not isinstance(data, dict):
        raise UsageError(
            "the JSON on standard input is a list, not an object: give the output of "
            "`realtime-gui mint --output json`, or the ek_… token alone."
        )
    token = data.get("token")
    if not isinstance(token, str) or not token:
        raise UsageError(
            'the JSON on standard input has no "token": give the output of `realtime-gui mint --output json`.'
        )
    endpoint = data.get("endpoint")
    return TokenInput(
        token.strip(),
        endpoint=endpoint if isinstance(endpoint, str) else None,
        model=_minted_model(data.get("response")),
        session_id=data["session_id"] if isinstance(data.get("session_id"), str) else None,
    )


def _minted_model(response: object) -> str | None:
    """The model the mint answered with: `session.model` on GA, top-level `model` on beta."""
    if not isinstance(response, dict):
        return None
    session = response.get("session")
    holder = session if isinstance(session, dict) else response
    model = holder.get("model")
    return model if isinstance(model, str) and model else None


# -- output -----------------------------------------------------------------------------------------------------------


# The last white space of a reply's piece and the word after it: linear, as each match starts at a space.
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


class _Printer:
    """Prints the session line as soon as session.created arrives, then the reply as it streams (text output).
    Called from inside the session: a write that fails is kept for `raise_failure`, and nothing more is written."""

    def __init__(self, *, streaming: bool, token: str = "") -> None:
        self.streaming = streaming
        self._token = token
        self._in_reply = False
        self._held = ""  # the reply's last word so far, not yet printed (see text())
        self._failed: OutputFailed | BrokenPipeError | None = None

    def opened(self, opened: SessionOpened) -> None:
        if self.streaming:
            self._write(opened.summary() + "\n")  # without the token, which a server may echo (verify/session.py)

    def text(self, delta: str) -> None:
        if self.streaming:
            self._in_reply = True
            # A server may echo the token cut across deltas, where redacting each piece misses it: the last word
            # is held back until it ends (no token or key holds a space), so redaction sees every word whole.
            ends = _LAST_SPACE.search(delta)
            if ends is None:
                self._held += delta
                return
            words, self._held = self._held + delta[: ends.end()], delta[ends.end() :]
            self._write_reply(words)

    def end_reply(self) -> None:
        if self._in_reply:
            held, self._held = self._held, ""
            self._write_reply(held)
            self._write("\n")
            self._in_reply = False

    def _write_reply(self, text: str) -> None:
        if text:
            self._write(escape_controls(redact(text, self._token), keep="\t\n"))  # as --output json

    def raise_failure(self) -> None:
        if self._failed is not None:
            raise self._failed

    def _write(self, text: str) -> None:
        if self._failed is not None:
            return
        try:
            if text.endswith("\n"):
                out(text[:-1])
            elif sys.stdout is not None:
                sys.stdout.write(text)
                sys.stdout.flush()
        except OSError as err:  # as out() would say it, or BrokenPipeError for main to end quietly
            if isinstance(err, BrokenPipeError):
                self._failed = err
            else:
                reason = err.strerror or type(err).__name__
                self._failed = OutputFailed(
                    f"the answer could not be written to standard output ({reason}).", reason=reason
                )
        except OutputFailed as err:
            self._failed = err


def _check(request: VerifyRequest, printer: _Printer | None) -> VerifyResult:
    from realtime_gui.verify.session import verify  # imports websockets: only on this path

    try:
        return verify(
            request,
            on_opened=printer.opened if printer else None,
            on_text=printer.text if printer else None,
        )
    except VerifyInputError as err:
        raise UsageError(str(err)) from None


def _say_cut(cut: int) -> None:
    if cut:
        say(f"the reply was cut after {MAX_REPLY_CHARS:,} characters: {cut:,} more were not kept.")


def _report(err: VerifyError, *, lead: str = "") -> None:
    say(lead + str(err))
    lines: list[tuple[str, str | None]] = []
    if isinstance(err, UpgradeRefused):
        d = err.details
        lines = [("type", d.type), ("code", d.code), ("param", d.param), ("request id", d.request_id)]
    elif isinstance(err, ErrorEvent):
        lines = [("type", err.type), ("code", err.code), ("param", err.param)]
    for label, value in lines:
        if value:
            detail(label, value)


def result_json(result: VerifyResult) -> dict[str, Any]:
    opened, reply = result.opened, result.reply
    return {
        "session_id": opened.session_id,
        "minted_session_id": opened.minted_session_id,
        "elapsed_ms": round(opened.elapsed_ms, 1),
        "settings": dict(opened.settings),
        "session_created": opened.event,
        "reply": None
        if reply is None
        else {
            "text": reply.text,
            "status": reply.status,
            "response_id": reply.response_id,
            "characters_cut": reply.cut,  # past MAX_REPLY_CHARS: counted, not kept in "text"
            "usage": reply.usage,
            "response_done": reply.event,
        },
    }
