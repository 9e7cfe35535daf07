"""Opens a Realtime session with a token over WebSocket, as the official SDK does, and optionally says one thing.

Qt-free. The only module that imports `websockets` (its sync client, which the official SDK uses too), so nothing
else pays for it at start-up. Safe on hostile servers: a redirect at the upgrade is refused, never followed (as the
official SDK does), events are bounded (MAX_EVENT_BYTES, and jsontext's value limit), the reply kept is bounded
(the request's reply_limit), and one deadline bounds every step (the name lookup, connect, TLS, upgrade, each
event, the close). `Verification.cancel()` may be called from any thread.

The deadline and cancel do not rely on websockets' own timeouts alone: its reader thread writes pongs while it holds
the connection's lock, so a server that pings and never reads blocks that write, and every close waits for the lock.
So each socket the check opens is registered with a net.calls.Call (as the token client's sockets are), which shuts
it down at the deadline or on cancel: every blocked read and write returns at once, whoever holds the lock.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.sync.client import reconnect
from websockets.sync.connection import Connection as WebSocket  # what `with connect()` gives, in every version
from websockets.sync.utils import Deadline

from realtime_gui import __version__, jsontext
from realtime_gui.errors import ConfigError
from realtime_gui.net import proxies
from realtime_gui.net.calls import Call, look_up
from realtime_gui.redaction import redact
from realtime_gui.shown import shown
from realtime_gui.verify import failures
from realtime_gui.verify.findings import (
    MAX_EVENT_BYTES,
    Reply,
    ReplyFailed,
    SessionOpened,
    UnusableAnswer,
    VerifyCancelled,
    VerifyInputError,
    VerifyRequest,
    VerifyResult,
    applied_settings,
    session_url,
)

# How long a closing handshake may take (ours, or the server's when it closes first but keeps the TCP connection).
CLOSE_GRACE_S = 1.0
# GA names first; the beta names keep compatible servers that still speak them working.
_TEXT_DELTAS = (
    "response.output_text.delta",
    "response.output_audio_transcript.delta",
    "response.text.delta",
    "response.audio_transcript.delta",
)
log = logging.getLogger(__name__)


class _Connect(reconnect):
    """websockets' connect (`with _Connect(url, …) as ws`) that follows no redirect and hands every socket it opens
    to the check's Call. websockets >= 17.1 follows redirects in its sync client, and a same-origin one gets the
    token again; the official SDK refuses them all the same way (its lib/_websocket.py)."""

    call: Call  # set before entering
    duplicates: list[socket.socket]  # what _register opened, for the caller to close once the Call has finished

    def process_redirect(self, exc: Exception) -> Exception:
        return exc  # raised as it is: the InvalidStatus with the 3xx, for failures.translate to say where it pointed

    def open_socket(self, deadline: Deadline) -> socket.socket:
        # websockets connects with socket.create_connection, whose name lookup no timeout bounds (a DNS server that
        # does not answer holds it some 10 s): the name (the server's, or the proxy's) is looked up within the
        # deadline instead, and the connection made to its addresses.
        sock = self._open_direct(deadline) if self.proxy is None else self._open_through_proxy(deadline)
        _register(self, sock)
        return sock

    def _open_through_proxy(self, deadline: Deadline) -> socket.socket:
        """websockets' connection through the proxy, made to each of the proxy's addresses in turn: its URL names
        the address, and the TLS handshake with an https:// proxy still checks its name."""
        named = str(self.proxy)
        parts = urlsplit(named)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        credentials = parts.netloc.rpartition("@")[0]
        failed: OSError | None = None
        try:
            for address in look_up(host, port, call=self.call, limit=deadline.timeout()):
                literal = f"[{address}]" if ":" in address else address
                netloc = f"{credentials}@{literal}:{port}" if credentials else f"{literal}:{port}"
                self.proxy = urlunsplit(parts._replace(netloc=netloc))
                self.proxy_server_hostname = host
                try:
                    return super().open_socket(deadline)
                except TimeoutError:
                    raise
                except OSError as err:  # this address refused or unreachable: the next one
                    failed = err
        finally:
            self.proxy, self.proxy_server_hostname = named, None
        raise failed or OSError(f"no address found for {host}")

    def _open_direct(self, deadline: Deadline) -> socket.socket:
        """A TCP connection to the session's host, each of its addresses in turn (as create_connection tries them)."""
        host, port = self.ws_uri.host, self.ws_uri.port
        failed: OSError | None = None
        for address in look_up(host, port, call=self.call, limit=deadline.timeout()):
            try:
                sock = socket.create_connection((address, port), timeout=deadline.timeout())
            except TimeoutError:
                raise
            except OSError as err:
                failed = err
                continue
            sock.settimeout(None)
            return sock
        raise failed or OSError(f"no address found for {host}")

    def enable_tls(self, sock: socket.socket, deadline: Deadline) -> socket.socket:
        secure = super().enable_tls(sock, deadline)
        _register(self, secure)  # TLS wraps the socket in a new object, and the old one lets go of the fd
        return secure


def _register(connector: _Connect, sock: object) -> None:
    """Register a duplicate of `sock`'s descriptor with the connector's Call: shutting it down ends the connection
    (shutdown acts on the socket, not the descriptor), and it stays valid when websockets closes its own, which
    close() does without waking a thread blocked on the socket."""
    # TLS in TLS (through an HTTPS proxy) is an object over the real socket.
    real = sock if isinstance(sock, socket.socket) else getattr(sock, "ssl_socket", None)
    if not isinstance(real, socket.socket):
        return
    try:
        # fromfd duplicates with the socket module's own dup, which works on Windows too (os.dup does not).
        duplicate = socket.fromfd(real.fileno(), real.family, real.type, real.proto)
    except OSError:  # closed already: nothing left to shut
        return
    connector.call.attach(duplicate)
    connector.duplicates.append(duplicate)


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
        self._stop = Call()  # the deadline and cancel: shuts the check's sockets down
        self._duplicates: list[socket.socket] = []  # the sockets registered with it (see _register)
        self._host = ""
        self._proxy: str | None = None
        self._reply: list[str] = []  # the reply so far, up to request.reply_limit characters
        self._kept = 0
        self._cut = 0  # characters of the reply past the limit: counted, not kept

    def cancel(self) -> None:
        """Stop as soon as possible; run() then raises VerifyCancelled. Never blocks: it shuts the sockets down,
        and a blocked read or write in run()'s thread returns at once, as does the wait for a name lookup. A TCP
        connect under way is not interrupted, but its socket is shut the moment it exists (and the deadline bounds
        the connect)."""
        self._stop.cancel()

    def run(self) -> VerifyResult:
        """Open the session, say the text if asked, close cleanly. A VerifyError subclass on failure."""
        url = session_url(self.request)
        self._host = urlsplit(url).netloc
        started = time.monotonic()
        deadline = started + self.request.timeout
        self._stop.start(self.request.timeout)
        opened: SessionOpened | None = None
        log.debug("opening a session at %s", url)
        try:
            self._check_cancelled()
            with self._connect(
                url,
                **self._route(url),
                additional_headers={"Authorization": f"Bearer {self.request.token}"},
                user_agent_header=f"realtime-gui/{__version__}",
                open_timeout=self.request.timeout,  # TCP, TLS and the upgrade, together
                ping_interval=None,  # one short session: the deadline, not keepalive, catches a dead peer
                close_timeout=min(CLOSE_GRACE_S, self.request.timeout),
                max_size=MAX_EVENT_BYTES,
            ) as ws:
                try:
                    created = self._wait_for_session(ws, deadline)
                    opened = self._opened(created, started)
                    self._call(self._on_opened, opened)
                    reply = self._turn(ws, deadline) if self.request.say is not None else None
                finally:
                    # Closing waits for the server's answer: never past the deadline.
                    ws.close_timeout = max(0.0, min(CLOSE_GRACE_S, deadline - time.monotonic()))
        except _CallbackFailed as failed:
            raise failed.original from None
        except Exception as err:
            error = failures.translate(
                err,
                host=self._host,
                token=self.request.token,
                proxy=self._proxy,
                timeout=self.request.timeout,
                stopped=self._stop.stopped,
                during_turn=opened is not None,
            )
            error.opened, error.partial_reply, error.reply_cut = opened, "".join(self._reply), self._cut
            raise error from None
        finally:
            self._stop.finish()  # from here on, nothing shuts the duplicates: they can be closed
            for duplicate in self._duplicates:
                duplicate.close()
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
        context = None
        if url.startswith("wss:") or https_proxy:
            # Loaded here: a ws:// session (the demo, a server on this machine) never uses it, 1.1 ms.
            from realtime_gui.net import tls

            try:
                context = tls.client_context()
            except ConfigError as err:
                raise VerifyInputError(str(err)) from None
        return {
            "ssl": context if url.startswith("wss:") else None,
            "proxy": self._proxy,
            "proxy_ssl": context if https_proxy else None,  # an https:// proxy is trusted like any server
        }

    def _connect(self, url: str, **options: Any) -> _Connect:
        connector = _Connect(url, **options)
        connector.call, connector.duplicates = self._stop, self._duplicates
        return connector

    def _opened(self, created: dict[str, Any], started: float) -> SessionOpened:
        session = created.get("session")
        session = session if isinstance(session, dict) else {}
        session_id = session.get("id")
        token = self.request.token
        return SessionOpened(
            # A server may echo the token anywhere: what is shown of the session never holds it.
            session_id=redact(session_id, token) if isinstance(session_id, str) else None,
            elapsed_ms=(time.monotonic() - started) * 1000,
            settings=tuple((label, redact(value, token)) for label, value in applied_settings(session)),
            event=created,
            minted_session_id=self.request.minted_session_id,
        )

    @staticmethod
    def _call(callback: Callable[[Any], None] | None, value: object) -> None:
        if callback is not None:
            try:
                callback(value)
            except BaseException as err:  # the caller's own error (a closed pipe…): not a session failure
                raise _CallbackFailed(err) from err

    def _check_cancelled(self) -> None:
        if self._stop.stopped == "cancelled":
            raise VerifyCancelled("The token check was cancelled.")

    def _wait_for_session(self, ws: WebSocket, deadline: float) -> dict[str, Any]:
        while True:
            event = self._next_event(ws, deadline)
            if event["type"] == "session.created":
                return event
            if event["type"] == "error":
                raise failures.error_event(event, self.request.token)
            # Anything else before session.created is not ours to judge: wait on.

    def _turn(self, ws: WebSocket, deadline: float) -> Reply:
        text = self.request.say or ""
        item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
        ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
        ws.send(json.dumps({"type": "response.create"}))
        while True:
            event = self._next_event(ws, deadline)
            kind = event["type"]
            if kind in _TEXT_DELTAS and isinstance(event.get("delta"), str):
                self._keep(event["delta"])
            elif kind == "error":
                raise failures.error_event(event, self.request.token)
            elif kind == "response.done":
                return self._done(event, "".join(self._reply))

    def _keep(self, delta: str) -> None:
        """Keep and pass on the reply's next piece, up to the reply limit; past it, only count."""
        piece = delta[: max(0, self.request.reply_limit - self._kept)]
        self._cut += len(delta) - len(piece)
        if piece:  # an empty piece is nothing to show, and a flood of them must not flood on_text
            self._reply.append(piece)
            self._kept += len(piece)
            self._call(self._on_text, piece)

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
        except jsontext.JsonTooLarge as err:
            raise UnusableAnswer(
                f"{self._host} sent an event that {err}; a Realtime event holds far fewer, so the base URL may "
                "not point at the OpenAI API."
            ) from None
        except jsontext.JsonTextError:
            event = None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise UnusableAnswer(
                f"{self._host} sent text that is not a Realtime event (a JSON object with a type); "
                "the base URL may not point at the OpenAI API."
            )
        return event

    def _done(self, done: dict[str, Any], text: str) -> Reply:
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
            cut=self._cut,
        )

    # -- errors --

    def _clean(self, text: str, *, limit: int | None = None) -> str:
        """Server text fit for a message: the token redacted, control characters escaped, cut at `limit`."""
        return shown(text, self.request.token, limit=limit)


def verify(
    request: VerifyRequest,
    *,
    on_opened: Callable[[SessionOpened], None] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> VerifyResult:
    """Check `request` in this thread: `Verification(request, …).run()`."""
    return Verification(request, on_opened=on_opened, on_text=on_text).run()
