"""What a token check asks for and finds: the request, the session opened, the reply, and why it failed.

Qt-free and websockets-free (verify/session.py does the talking), so the window can build requests and tell outcomes
apart without loading the WebSocket stack at start-up. No message here contains the token.

The check's errors, each also of a kind in errors.py's tree (InputError, RefusedError, NoAnswerError):

    VerifyError                  anything that stopped a check; str() is a sentence for people
     ├── VerifyInputError        the request cannot be sent (base URL, token text, endpoint, timeout); nothing was sent
     ├── SessionRefused          the server said no
     │    ├── UpgradeRefused     an HTTP status instead of the WebSocket (401, 403, 400…) with the API's error
     │    ├── ErrorEvent         an `error` event: type, code, message, param
     │    ├── ClosedByServer     a close frame with a code and reason
     │    └── ReplyFailed        the text turn ended with a failed response.done
     ├── SessionUnreachable      no session: network failure or nothing within the timeout (`reason` says which)
     ├── UnusableAnswer          the server spoke, but not the Realtime protocol (not JSON, a bad or oversized frame)
     │    └── Redirected         a redirect at the upgrade, never followed: the token goes nowhere else
     └── VerifyCancelled         cancel() was called
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from realtime_gui.api.endpoint_sockets import DEFAULT_ENDPOINT, SOCKETS
from realtime_gui.config.connection import DEFAULT_BASE_URL, DEFAULT_TIMEOUT_S, HEADER_SAFE, check_base_url
from realtime_gui.errors import ConfigError, ErrorDetails, InputError, NoAnswerError, RealtimeGuiError, RefusedError
from realtime_gui.net.answer import MAX_TOKEN_LENGTH
from realtime_gui.shown import escape_controls

CONVERSATION_ENDPOINTS = tuple(name for name, socket in SOCKETS.items() if socket.converses)  # only these answer text
TOKEN_PREFIX = "ek_"  # what every Realtime client secret starts with, from OpenAI and Azure alike
# What a reply keeps (and the CLI prints) of the text it streams. A reply is at most 4,096 tokens (max_output_tokens),
# some 20,000 characters; a server that streams for ever must not fill the memory.
MAX_EVENT_BYTES = 4 * 1024 * 1024  # as the token client's body limit; a session.created with many tools fits
MAX_REPLY_CHARS = 100_000


# -- What to check ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VerifyRequest:
    """Open a session with `token` (minted on `endpoint`) under `base_url`; say `say` when given."""

    token: str = field(repr=False)  # a live credential: kept out of reprs and logs
    endpoint: str = DEFAULT_ENDPOINT
    base_url: str = DEFAULT_BASE_URL
    model: str | None = None  # the query's ?model=; None leaves it to the token's session
    timeout: float = DEFAULT_TIMEOUT_S  # one deadline for everything, seconds
    say: str | None = None  # one user text message; the reply costs tokens
    minted_session_id: str | None = None  # the session id the mint answered, to compare
    reply_limit: int = MAX_REPLY_CHARS  # characters of the reply kept and passed on; the rest is counted, not kept


def session_url(request: VerifyRequest) -> str:
    """The WebSocket URL the official SDK opens for this kind of token; VerifyInputError if it cannot be used.
    Also checks the rest of the request, so nothing is sent for a request that would fail on our side."""
    if request.endpoint not in SOCKETS:
        raise VerifyInputError(f"Unknown endpoint {request.endpoint!r}; use one of {', '.join(SOCKETS)}.")
    if not request.timeout > 0:
        raise VerifyInputError(f"The timeout must be a positive number of seconds, not {request.timeout:g}.")
    check_token_text(request.token)
    if request.say is not None:
        if not request.say.strip():
            raise VerifyInputError("The text to say is empty; give a sentence, or leave it out to only open a session.")
        if request.endpoint not in CONVERSATION_ENDPOINTS:
            raise VerifyInputError(
                f"A {request.endpoint} session listens to audio only, so it cannot answer text; "
                f"saying something needs a token from {' or '.join(CONVERSATION_ENDPOINTS)}."
            )
    try:
        base = check_base_url(request.base_url, sends="the token")  # never the API key
    except ConfigError as err:
        raise VerifyInputError(str(err)) from None
    parts = urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    socket = SOCKETS[request.endpoint]
    path = parts.path + socket.path
    if socket.intent is not None:
        query = {"intent": socket.intent}
    else:
        query = {"model": request.model} if request.model else {}
    return urlunsplit((scheme, parts.netloc, path, urlencode(query), ""))


def check_token_text(token: str) -> str:
    """The token as it goes in the Authorization header; VerifyInputError (never quoting it) if it cannot."""
    if not token:
        raise VerifyInputError(
            "No token given: pass the ek_… token, or the JSON `realtime-gui mint --output json` prints."
        )
    if len(token) > MAX_TOKEN_LENGTH:
        raise VerifyInputError(
            f"The token is {len(token):,} characters long; a token is at most {MAX_TOKEN_LENGTH:,}. "
            "Pass the ek_… token alone, or the JSON `realtime-gui mint --output json` prints."
        )
    if not HEADER_SAFE.fullmatch(token):
        raise VerifyInputError("The token contains spaces or characters a token never has; paste it alone.")
    if token.startswith("sk-"):
        raise VerifyInputError(
            "That is an API key, not a token: a token check never sends the API key. Mint a token first "
            "(realtime-gui mint --output json | realtime-gui verify)."
        )
    if not token.startswith(TOKEN_PREFIX):
        # Checked here, not by the server: junk would cost a round trip and come back as a confusing 401.
        raise VerifyInputError(
            f"That is not a token: a Realtime token starts with {TOKEN_PREFIX}. Pass the {TOKEN_PREFIX}… token "
            "alone, or the JSON `realtime-gui mint --output json` prints."
        )
    return token


# -- What was found ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SessionOpened:
    """The server's `session.created`: the session id, how long it took, and the settings the server applied."""

    session_id: str | None
    elapsed_ms: float  # from starting to connect to session.created
    settings: tuple[tuple[str, str], ...]  # (label, value) pairs, as applied_settings() gives them
    event: dict[str, Any] = field(repr=False)  # the session.created event as received
    minted_session_id: str | None = None

    def summary(self) -> str:
        """One line for people, escaped for a terminal: `session sess_… opened in 182 ms: model …, voice …`."""
        said = f"session {self.session_id or '(no id)'} opened in {self.elapsed_ms:.0f} ms"
        if self.minted_session_id and self.session_id and self.minted_session_id != self.session_id:
            said += f" (minted as {self.minted_session_id})"
        if self.settings:
            said += ": " + ", ".join(f"{label} {value}" for label, value in self.settings)
        return escape_controls(said)


@dataclass(frozen=True, kw_only=True)
class Reply:
    """The answer to the text turn, from response.done."""

    text: str  # at most the request's reply_limit characters
    status: str  # completed, incomplete, cancelled
    response_id: str | None
    usage: dict[str, Any] | None
    event: dict[str, Any] = field(repr=False)  # the response.done event
    cut: int = 0  # characters of the reply past reply_limit: counted, not kept


@dataclass(frozen=True, kw_only=True)
class VerifyResult:
    opened: SessionOpened
    reply: Reply | None = None


_SHOWN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("voice", ("audio.output.voice", "voice")),
    ("output", ("output_modalities", "modalities")),
    ("language", ("audio.output.language",)),
    ("input", ("audio.input.format", "input_audio_format")),
    ("turn detection", ("audio.input.turn_detection", "turn_detection")),
    ("transcription", ("audio.input.transcription", "input_audio_transcription")),
    ("noise reduction", ("audio.input.noise_reduction", "input_audio_noise_reduction")),
)
_MISSING = object()


def applied_settings(session: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The settings worth showing from a session object (GA or beta shape), in a fixed order; absent ones left out."""
    shown: list[tuple[str, str]] = []
    for label, paths in _SHOWN:
        for path in paths:
            value = _dig(session, path)
            if value is not _MISSING:
                shown.append((label, _short(value)))
                break
    return tuple(shown)


def _dig(node: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _short(value: Any) -> str:
    if value is None:
        return "off"
    if isinstance(value, list):
        return "+".join(_short(v) for v in value) or "none"
    if isinstance(value, Mapping):
        for key in ("type", "model", "id"):
            if isinstance(value.get(key), str):
                rate = value.get("rate")
                return f"{value[key]} {rate} Hz" if key == "type" and isinstance(rate, int) else str(value[key])
        return "on"
    return str(value)


# -- Why it failed ----------------------------------------------------------------------------------------------------


class VerifyError(RealtimeGuiError):
    """Anything that stopped a check; str() is a sentence for people. `opened` is set when the session had opened
    before the failure (the text turn failed), `partial_reply` holds what the reply had said by then (at most the
    request's reply_limit characters; `reply_cut` counts those past it)."""

    opened: SessionOpened | None = None
    partial_reply: str = ""
    reply_cut: int = 0


class VerifyInputError(VerifyError, InputError):
    """The request cannot be sent; nothing was."""


class SessionRefused(VerifyError, RefusedError):
    """The server refused the session or the turn."""


class UpgradeRefused(SessionRefused):
    """An HTTP answer instead of the WebSocket, with the API's error: status, message, type, param, code, request id."""

    def __init__(self, message: str, details: ErrorDetails) -> None:
        self.details = details
        super().__init__(message)


class ErrorEvent(SessionRefused):
    """The server sent an `error` event."""

    def __init__(self, message: str, *, type: str | None, code: str | None, param: str | None) -> None:
        self.type, self.code, self.param = type, code, param
        super().__init__(message)


class ClosedByServer(SessionRefused):
    """The server closed the WebSocket with a close code and reason."""

    def __init__(self, message: str, *, code: int, reason: str) -> None:
        self.code, self.reason = code, reason
        super().__init__(message)


class ReplyFailed(SessionRefused):
    """The text turn's response.done had status `failed`."""


class SessionUnreachable(VerifyError, NoAnswerError):
    """No session: `reason` is one of refused, dns, tls, proxy, timeout, connection."""

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class UnusableAnswer(VerifyError, NoAnswerError):
    """The server answered, but not in the Realtime protocol."""


class Redirected(UnusableAnswer):
    """The server answered the upgrade with a redirect (HTTP 3xx), which is never followed: a token goes to the
    address it was meant for, or nowhere. `location` is the redirect's target as the server gave it, cleaned for
    showing (None when it gave none)."""

    def __init__(self, message: str, *, status: int, location: str | None) -> None:
        self.status, self.location = status, location
        super().__init__(message)


class VerifyCancelled(VerifyError, NoAnswerError):
    """The check was cancelled."""
