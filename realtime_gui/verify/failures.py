"""What stopped a token check, in words: websockets' exceptions, the server's refusals and close frames, and an
`error` event, turned into the VerifyError tree (verify/findings.py). Every text a server or proxy sent is cleaned
(shown.py) with the token redacted, since a hostile server may echo it or send control characters.

Qt-free; imports websockets' exception classes, so only the token check's path loads it (session.py imports it).
"""

from __future__ import annotations

from typing import Any

from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidProxyStatus,
    InvalidStatus,
    InvalidURI,
    ProxyError,
    SecurityError,
)

from realtime_gui import jsontext
from realtime_gui.errors import ErrorDetails
from realtime_gui.net import proxies
from realtime_gui.net.socket_failures import socket_failure
from realtime_gui.shown import shown
from realtime_gui.verify.findings import (
    MAX_EVENT_BYTES,
    ClosedByServer,
    ErrorEvent,
    Redirected,
    SessionUnreachable,
    UnusableAnswer,
    UpgradeRefused,
    VerifyCancelled,
    VerifyError,
    VerifyInputError,
)

# A redirect's target, as shown in the message: enough to recognise it.
_LOCATION_SHOWN = 200
# Close codes our side sends when the server's frames break the protocol.
_OUR_CLOSE_REASONS = {
    1002: "sent a frame that breaks the WebSocket protocol",
    1007: "sent text that is not valid UTF-8",
    1009: f"sent an event larger than {MAX_EVENT_BYTES // (1024 * 1024)} MiB",
}


def _clean(text: str, token: str, *, limit: int | None = None) -> str:
    """Server text fit for a message: the token redacted, control characters escaped, cut at `limit`."""
    return shown(text, token, limit=limit)


def error_event(event: dict[str, Any], token: str) -> ErrorEvent:
    """An `error` event from the server, its texts cleaned (the token redacted, controls escaped)."""
    error = event.get("error")
    error = error if isinstance(error, dict) else {}

    def text(key: str) -> str | None:
        value = error.get(key)
        return _clean(value, token) if isinstance(value, str) and value else None

    message = text("message") or "no message"
    return ErrorEvent(f"The server sent an error: {message}", type=text("type"), code=text("code"), param=text("param"))


def translate(
    err: Exception, *, host: str, token: str, proxy: str | None, timeout: float, stopped: str | None, during_turn: bool
) -> VerifyError:
    """What stopped a check of the session at `host`, in words: `stopped` is why the check's Call shut its sockets
    ("deadline", "cancelled") or None; every text the server or a proxy sent is cleaned, `token` redacted."""
    if stopped == "cancelled":
        return VerifyCancelled("The token check was cancelled.")
    if isinstance(err, VerifyError):
        return err
    # At the deadline the sockets were shut down: whatever that made websockets raise, the cause is the time.
    if isinstance(err, TimeoutError) or stopped == "deadline":
        waited = "reply (response.done)" if during_turn else "session.created"
        return SessionUnreachable(
            f"No {waited} from {host} within {timeout:g} s. "
            "The server may be slow or not a Realtime server; try again or raise the timeout.",
            reason="timeout",
        )
    if isinstance(err, InvalidStatus) and 300 <= err.response.status_code < 400:
        return _redirected(err, host, token)
    if isinstance(err, InvalidStatus):
        return _refused(err, host, token)
    if isinstance(err, ConnectionClosed):
        return _closed(err, host, token)
    if isinstance(err, InvalidURI):
        return VerifyInputError(f"The session URL cannot be used: {_clean(str(err), token)}")
    if isinstance(err, ProxyError):
        # The proxy's own words (its reason phrase) may echo its credentials and carry control characters.
        said = str(err)
        if isinstance(err, InvalidProxyStatus):
            said = f"HTTP {err.response.status_code} {err.response.reason_phrase}"
        where = f" {proxies.where(proxy)}" if proxy else ""
        return SessionUnreachable(
            f"The proxy{where} did not connect us to {host}: "
            f"{_clean(proxies.proxy_said(said, proxy=proxy), token)}. Check the proxy settings "
            "(https_proxy, all_proxy, no_proxy) and its credentials.",
            reason="proxy",
        )
    if isinstance(err, InvalidMessage) and isinstance(err.__cause__, EOFError | OSError):
        return SessionUnreachable(f"{host} closed the connection before answering the upgrade.", reason="connection")
    if isinstance(err, SecurityError | InvalidHandshake):
        return UnusableAnswer(
            f"{host} did not open a WebSocket ({_clean(str(err), token)}); "
            "the base URL may not point at a Realtime server."
        )
    if isinstance(err, OSError):
        return _network_error(err, host)
    return UnusableAnswer(f"The session with {host} failed: {_clean(str(err) or type(err).__name__, token)}.")


def _redirected(err: InvalidStatus, host: str, token: str) -> Redirected:
    status = err.response.status_code
    location = err.response.headers.get("Location")
    shown_location = _clean(location, token, limit=_LOCATION_SHOWN) if location else None
    where = f"to {shown_location}" if shown_location else "without saying where"
    return Redirected(
        f"{host} redirected the session (HTTP {status}) {where}. A token check never follows a "
        "redirect, so the token was sent nowhere else; if the API has moved, set the base URL to its new address.",
        status=status,
        location=shown_location,
    )


def _refused(err: InvalidStatus, host: str, token: str) -> VerifyError:
    response = err.response
    status = response.status_code
    try:
        body = jsontext.loads(bytes(response.body or b""))
    except jsontext.JsonTextError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return UnusableAnswer(
            f"{host} answered HTTP {status} {_clean(response.reason_phrase, token)} instead of opening the "
            "WebSocket, without the API's error details; the base URL may not point at the OpenAI API."
        )

    def text(key: str) -> str | None:
        value = error.get(key)
        return _clean(value, token) if isinstance(value, str) and value else None

    details = ErrorDetails(
        status=status,
        message=text("message") or f"HTTP {status}",
        type=text("type"),
        param=text("param"),
        code=text("code"),
        request_id=_clean(response.headers.get("x-request-id") or "", token) or None,
    )
    return UpgradeRefused(f"The server refused the session (HTTP {status}): {details.message}", details)


def _closed(err: ConnectionClosed, host: str, token: str) -> VerifyError:
    rcvd, sent = err.rcvd, err.sent
    if rcvd is not None and (sent is None or err.rcvd_then_sent):
        reason = _clean(rcvd.reason, token)
        said = f": {reason}" if reason else " and no reason"
        return ClosedByServer(
            f"The server closed the session with code {rcvd.code}{said}.", code=rcvd.code, reason=reason
        )
    if sent is not None and sent.code in _OUR_CLOSE_REASONS:
        return UnusableAnswer(f"{host} {_OUR_CLOSE_REASONS[sent.code]}; the session was dropped.")
    return SessionUnreachable(f"The connection to {host} was lost.", reason="connection")


def _network_error(err: OSError, host: str) -> SessionUnreachable:
    known = socket_failure(err, host)
    if known is not None:
        return SessionUnreachable(known[0], reason=known[1])
    return SessionUnreachable(f"The connection to {host} failed: {err.strerror or err}.", reason="connection")
