"""Opens a Realtime session with a token over WebSocket, as the official SDK does, and optionally says one thing.

Qt-free. The only module that imports `websockets` (its sync client, which the official SDK uses too), so nothing
else pays for it at start-up. Safe on hostile servers: events are bounded (MAX_EVENT_BYTES), one deadline bounds
every step (connect, TLS, upgrade, each event, the close), and `Verification.cancel()` may be called from any thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

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
from websockets.sync.client import ClientConnection, connect
from websockets.sync.connection import Connection as WebSocket  # what `with connect()` gives, in every version

from realtime_gui import __version__, jsontext
from realtime_gui.errors import ConfigError, ErrorDetails
from realtime_gui.net import proxies, tls
from realtime_gui.net.socket_failures import socket_failure
from realtime_gui.shown import shown
from realtime_gui.verify.findings import (
    ClosedByServer,
    ErrorEvent,
    Reply,
    ReplyFailed,
    SessionOpened,
    SessionUnreachable,
    UnusableAnswer,
    UpgradeRefused,
    VerifyCancelled,
    VerifyError,
    VerifyInputError,
    VerifyRequest,
    VerifyResult,
    applied_settings,
    session_url,
)

MAX_EVENT_BYTES = 4 * 1024 * 1024  # as the token client's body limit; a session.created with many tools fits
# How long a closing handshake may take (ours, or the server's when it closes first but keeps the TCP connection).
CLOSE_GRACE_S = 1.0
# GA names first; the beta names keep compatible servers that still speak them working.
_TEXT_DELTAS = (
    "response.output_text.delta",
    "response.output_audio_transcript.delta",
    "response.text.delta",
    "response.audio_transcript.delta",
)
# Close codes our side sends when the server's frames break the protocol.
_OUR_CLOSE_REASONS = {
    1002: "sent a frame that breaks the WebSocket protocol",
    1007: "sent text that is not valid UTF-8",
    1009: f"sent an event larger than {MAX_EVENT_BYTES // (1024 * 1024)} MiB",
}
log = logging.getLogger(__name__)


class _CallbackFailed(Exception):
    """Carries an exception raised by `on_text` past the translation of connection errors."""

    def __init__(self, original: BaseException) -> None:
        self.original = original
        super().__init__(repr(original))


class Verification:
    """One check of one token: `run()` in a worker thread, `cancel()` from anywhere. Not reusable."""

    def __init__(
        self,
        request: VerifyRequest,
        *,
        on_opened: Callable[[SessionOpened], None] | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> None:
        self.request = request
        # Both are called in run()'s thread: on_opened at session.created, on_text with each piece of the reply.
        self._on_opened = on_opened
        self._on_text = on_text
        self._lock = threading.Lock()
        self._cancelled = False
        self._connection: ClientConnection | None = None
        self._host = ""
        self._proxy: str | None = None

    def cancel(self) -> None:
        """Stop as soon as possible; run() then raises VerifyCancelled. A TCP connect or DNS lookup under way is not
        interrupted, but its socket is dropped the moment it exists (and the deadline bounds the connect)."""
        with self._lock:
            self._cancelled = True
            connection = self._connection
        if connection is not None:
            with contextlib.suppress(OSError):  # already closed: the check had ended
                connection.close_socket()

    def run(self) -> VerifyResult:
        """Open the session, say the text if asked, close cleanly. A VerifyError subclass on failure."""
        url = session_url(self.request)
        self._host = urlsplit(url).netloc
        started = time.monotonic()
        deadline = started + self.request.timeout
        opened: SessionOpened | None = None
        reply_parts: list[str] = []
        log.debug("opening a session at %s", url)
        try:
            self._check_cancelled()
            with connect(
                url,
                **self._route(url),
                additional_headers={"Authorization": f"Bearer {self.request.token}"},
                user_agent_header=f"realtime-gui/{__version__}",
                open_timeout=self.request.timeout,  # TCP, TLS and the upgrade, together
                ping_interval=None,  # one short session: the deadline, not keepalive, catches a dead peer
                close_timeout=min(CLOSE_GRACE_S, self.request.timeout),
                max_size=MAX_EVENT_BYTES,
                create_connection=self._tracked_connection(),
            ) as ws:
                try:
                    created = self._wait_for_session(ws, deadline)
                    session = created.get("session")
                    session = session if isinstance(session, dict) else {}
                    opened = SessionOpened(
                        session_id=session.get("id") if isinstance(session.get("id"), str) else None,
                        elapsed_ms=(time.monotonic() - started) * 1000,
                        settings=applied_settings(session),
                        event=created,
                        minted_session_id=self.request.minted_session_id,
                    )
                    self._call(self._on_opened, opened)
                    reply = self._turn(ws, deadline, reply_parts) if self.request.say is not None else None
                finally:
                    # Closing waits for the server's answer: never past the deadline.
                    ws.close_timeout = max(0.0, min(CLOSE_GRACE_S, deadline - time.monotonic()))
        except _CallbackFailed as failed:
            raise failed.original from None
        except Exception as err:
            error = self._translate(err, during_turn=opened is not None)
            error.opened, error.partial_reply = opened, "".join(reply_parts)
            raise error from None
        assert opened is not None  # the with-block either set it or raised
        return VerifyResult(opened=opened, reply=reply)

    # -- steps --

    def _route(self, url: str) -> dict[str, Any]:
        """The TLS context and proxy of the connection, by the app's one policy (net/tls.py, net/proxies.py): the
        OS trust store, and never a proxy for this machine (websockets would take any from the environment)."""
        self._proxy = proxies.proxy_for(url, proxies.environment_proxies())
        problem = self._proxy and proxies.unusable(self._proxy)
        if problem:
            raise VerifyInputError(f"The proxy the environment sets for {urlsplit(url).scheme}:// URLs {problem}.")
        https_proxy = self._proxy is not None and self._proxy.startswith("https:")
        try:
            context = tls.client_context() if url.startswith("wss:") or https_proxy else None
        except ConfigError as err:
            raise VerifyInputError(str(err)) from None
        return {
            "ssl": context if url.startswith("wss:") else None,
            "proxy": self._proxy,
            "proxy_ssl": context if https_proxy else None,  # an https:// proxy is trusted like any server
        }

    def _tracked_connection(self) -> type[ClientConnection]:
        verification = self

        class Tracked(ClientConnection):
            # Made as soon as the socket is open, so cancel() can close it in the middle of the upgrade.
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                with verification._lock:
                    verification._connection = self
                    cancelled = verification._cancelled
                if cancelled:
                    self.close_socket()

        return Tracked

    @staticmethod
    def _call(callback: Callable[[Any], None] | None, value: object) -> None:
        if callback is not None:
            try:
                callback(value)
            except BaseException as err:  # the caller's own error (a closed pipe…): not a session failure
                raise _CallbackFailed(err) from err

    def _check_cancelled(self) -> None:
        with self._lock:
            if self._cancelled:
                raise VerifyCancelled("The token check was cancelled.")

    def _wait_for_session(self, ws: WebSocket, deadline: float) -> dict[str, Any]:
        while True:
            event = self._next_event(ws, deadline)
            if event["type"] == "session.created":
                return event
            if event["type"] == "error":
                raise self._error_event(event)
            # Anything else before session.created is not ours to judge: wait on.

    def _turn(self, ws: WebSocket, deadline: float, parts: list[str]) -> Reply:
        text = self.request.say or ""
        item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
        ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
        ws.send(json.dumps({"type": "response.create"}))
        while True:
            event = self._next_event(ws, deadline)
            kind = event["type"]
            if kind in _TEXT_DELTAS and isinstance(event.get("delta"), str):
                parts.append(event["delta"])
                self._call(self._on_text, event["delta"])
            elif kind == "error":
                raise self._error_event(event)
            elif kind == "response.done":
                return self._reply(event, "".join(parts))

    def _next_event(self, ws: WebSocket, deadline: float) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        raw = ws.recv(timeout=remaining)
        if isinstance(raw, bytes):
            raise UnusableAnswer(
                f"{self._host} sent a binary frame where a Realtime event (JSON text) belongs; "
                "the base URL may not point at the OpenAI API."
            )
        try:
            event = jsontext.loads(raw)
        except jsontext.JsonTextError:
            event = None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise UnusableAnswer(
                f"{self._host} sent text that is not a Realtime event (a JSON object with a type); "
                "the base URL may not point at the OpenAI API."
            )
        return event

    def _reply(self, done: dict[str, Any], text: str) -> Reply:
        response = done.get("response")
        response = response if isinstance(response, dict) else {}
        status = response.get("status")
        status = status if isinstance(status, str) else "completed"
        if status == "failed":
            details = response.get("status_details")
            error = details.get("error") if isinstance(details, dict) else None
            said = error.get("message") if isinstance(error, dict) else None
            raise ReplyFailed(self._clean(f"The reply failed: {said or 'the server gave no reason'}."))
        usage = response.get("usage")
        return Reply(
            text=text,
            status=status,
            response_id=response.get("id") if isinstance(response.get("id"), str) else None,
            usage=usage if isinstance(usage, dict) else None,
            event=done,
        )

    # -- errors --

    def _clean(self, text: str) -> str:
        """Server text fit for a message: the token redacted, control characters escaped."""
        return shown(text, self.request.token, limit=None)

    def _error_event(self, event: dict[str, Any]) -> ErrorEvent:
        error = event.get("error")
        error = error if isinstance(error, dict) else {}

        def text(key: str) -> str | None:
            value = error.get(key)
            return self._clean(value) if isinstance(value, str) and value else None

        message = text("message") or "no message"
        return ErrorEvent(
            f"The server sent an error: {message}", type=text("type"), code=text("code"), param=text("param")
        )

    def _translate(self, err: Exception, *, during_turn: bool) -> VerifyError:
        with self._lock:
            cancelled = self._cancelled
        if cancelled:
            return VerifyCancelled("The token check was cancelled.")
        if isinstance(err, VerifyError):
            return err
        host = self._host
        if isinstance(err, TimeoutError):
            waited = "reply (response.done)" if during_turn else "session.created"
            return SessionUnreachable(
                f"No {waited} from {host} within {self.request.timeout:g} s. "
                "The server may be slow or not a Realtime server; try again or raise the timeout.",
                reason="timeout",
            )
        if isinstance(err, InvalidStatus):
            return self._refused(err)
        if isinstance(err, ConnectionClosed):
            return self._closed(err)
        if isinstance(err, InvalidURI):
            return VerifyInputError(f"The session URL cannot be used: {self._clean(str(err))}")
        if isinstance(err, ProxyError):
            # The proxy's own words (its reason phrase) may echo its credentials and carry control characters.
            said = str(err)
            if isinstance(err, InvalidProxyStatus):
                said = f"HTTP {err.response.status_code} {err.response.reason_phrase}"
            where = f" {proxies.where(self._proxy)}" if self._proxy else ""
            return SessionUnreachable(
                f"The proxy{where} did not connect us to {host}: "
                f"{self._clean(proxies.proxy_said(said, proxy=self._proxy))}. Check the proxy settings "
                "(https_proxy, all_proxy, no_proxy) and its credentials.",
                reason="proxy",
            )
        if isinstance(err, InvalidMessage) and isinstance(err.__cause__, EOFError | OSError):
            return SessionUnreachable(
                f"{host} closed the connection before answering the upgrade.", reason="connection"
            )
        if isinstance(err, SecurityError | InvalidHandshake):
            return UnusableAnswer(
                f"{host} did not open a WebSocket ({self._clean(str(err))}); "
                "the base URL may not point at a Realtime server."
            )
        if isinstance(err, OSError):
            return _network_error(err, host)
        return UnusableAnswer(f"The session with {host} failed: {self._clean(str(err) or type(err).__name__)}.")

    def _refused(self, err: InvalidStatus) -> VerifyError:
        response = err.response
        status = response.status_code
        try:
            body = jsontext.loads(bytes(response.body or b""))
        except jsontext.JsonTextError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return UnusableAnswer(
                f"{self._host} answered HTTP {status} {self._clean(response.reason_phrase)} instead of opening the "
                "WebSocket, without the API's error details; the base URL may not point at the OpenAI API."
            )

        def text(key: str) -> str | None:
            value = error.get(key)
            return self._clean(value) if isinstance(value, str) and value else None

        details = ErrorDetails(
            status=status,
            message=text("message") or f"HTTP {status}",
            type=text("type"),
            param=text("param"),
            code=text("code"),
            request_id=self._clean(response.headers.get("x-request-id") or "") or None,
        )
        return UpgradeRefused(f"The server refused the session (HTTP {status}): {details.message}", details)

    def _closed(self, err: ConnectionClosed) -> VerifyError:
        rcvd, sent = err.rcvd, err.sent
        if rcvd is not None and (sent is None or err.rcvd_then_sent):
            reason = self._clean(rcvd.reason)
            said = f": {reason}" if reason else " and no reason"
            return ClosedByServer(
                f"The server closed the session with code {rcvd.code}{said}.", code=rcvd.code, reason=reason
            )
        if sent is not None and sent.code in _OUR_CLOSE_REASONS:
            return UnusableAnswer(f"{self._host} {_OUR_CLOSE_REASONS[sent.code]}; the session was dropped.")
        return SessionUnreachable(f"The connection to {self._host} was lost.", reason="connection")


def _network_error(err: OSError, host: str) -> SessionUnreachable:
    known = socket_failure(err, host)
    if known is not None:
        return SessionUnreachable(known[0], reason=known[1])
    return SessionUnreachable(f"The connection to {host} failed: {err.strerror or err}.", reason="connection")


def verify(
    request: VerifyRequest,
    *,
    on_opened: Callable[[SessionOpened], None] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> VerifyResult:
    """Check `request` in this thread: `Verification(request, …).run()`."""
    return Verification(request, on_opened=on_opened, on_text=on_text).run()
