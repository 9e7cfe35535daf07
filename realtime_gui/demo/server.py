"""The demo server's HTTP side: the five token endpoints and their answers; upgrades go to realtime.py."""

from __future__ import annotations

import json
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from realtime_gui.demo.answers import token_answer
from realtime_gui.demo.realtime import Session, serve_session
from realtime_gui.demo.state import ErrorReply, Issued, Recorded, RequestCheck, State, masked
from realtime_gui.demo.state import new_id as _id
from realtime_gui.net.listening import PromptShutdown

DEMO_KEY = "sk-demo-realtime-gui-not-a-real-key"
RETIRED_MESSAGE = "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API."

# Path under /v1 -> how the server treats it.
_GA_PATH = "/v1/realtime/client_secrets"
_TRANSLATION_PATH = "/v1/realtime/translations/client_secrets"
_BETA_SESSIONS_PATH = "/v1/realtime/sessions"
_BETA_TRANSCRIPTION_PATH = "/v1/realtime/transcription_sessions"
_PATHS = (_GA_PATH, _TRANSLATION_PATH, _BETA_SESSIONS_PATH, _BETA_TRANSCRIPTION_PATH)


class FakeOpenAI:
    """`with FakeOpenAI() as server:` serves on 127.0.0.1 at `server.base_url` until the block ends, answering every
    request as the API would. `handler` answers each request (tests/misbehaving.py passes one that misbehaves)."""

    def __init__(
        self,
        *,
        api_key: str = DEMO_KEY,
        check: RequestCheck | None = None,
        retire_beta: bool = False,
        clock: Callable[[], float] = time.time,
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        handler: type[DemoHandler] | None = None,
    ) -> None:
        """`tls`, a server context with a certificate, serves https:// and wss:// instead of http:// and ws://."""
        self.state = State(api_key=api_key, check=check, retire_beta=retire_beta, clock=clock)
        self._httpd = _Server(("127.0.0.1", port), handler or DemoHandler)
        self._httpd.state = self.state
        self._httpd.tls = tls
        self._httpd.fake = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-openai", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self._httpd.tls else 'http'}://{host!s}:{port}/v1"

    @property
    def requests(self) -> list[Recorded]:
        with self.state.lock:
            return list(self.state.requests)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.stopping.set()  # releases hanging handlers
        started = self._thread.ident is not None  # else shutdown() would wait forever for a loop never run
        if started:
            self._httpd.shutdown()
        self._httpd.server_close()
        if started:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def running(**kwargs: Any) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(**kwargs) as server:
        yield server


class _Server(PromptShutdown, ThreadingHTTPServer):  # stop() wakes its loop at once
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64  # the default 5 drops a burst's connections, which retry only after 1 s
    state: State
    tls: ssl.SSLContext | None = None
    _HANDSHAKE_S = 10.0  # a client that opens a connection and says nothing does not hold a thread for ever

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        if self.tls is None:
            return sock, address
        # The handshake happens in the request's own thread (finish_request), never in the accepting loop.
        return self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(self._HANDSHAKE_S)
                request.do_handshake()
                request.settimeout(None)
            except OSError:  # a client that does not trust the certificate hangs up here
                return
        super().finish_request(request, client_address)

    fake: FakeOpenAI  # the handlers' way back to the object that started them


class DemoHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests well. `misbehave`, `misbehave_at_upgrade` and `session` are where the tests'
    misbehaving server (tests/misbehaving.py) changes that; the demo never does."""

    server: _Server
    session: type[Session] = Session  # runs each WebSocket session
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # without it each keep-alive answer stalls ~40 ms on loopback
    server_version = "fake-openai/1"
    _skew = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and the demo would otherwise print every request

    def date_time_string(self, timestamp: float | None = None) -> str:
        return formatdate(self.server.state.clock() + self._skew, usegmt=True)

    # -- entry points --

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state.record(Recorded("POST", self.path, self._header_dict(), body))
        self._skew = 0.0
        if self.misbehave():
            return
        self._answer(body)

    def misbehave(self) -> bool:
        """True when this token request was answered otherwise than well (or left unanswered); before it returns False
        it may have slowed the answer or skewed its clock (`_skew`). Never in the demo."""
        return False

    def misbehave_at_upgrade(self) -> bool:
        """True when this WebSocket upgrade was answered otherwise than well (or left unanswered). Never in the demo."""
        return False

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() == "websocket":
            state = self.server.state
            state.record(Recorded("GET", self.path, self._header_dict(), b""))
            self.close_connection = True  # the connection is the session's from here on
            if not self.misbehave_at_upgrade():
                serve_session(self, state, refuse=self._error, session=self.session)
            return
        self._error(ErrorReply(405, "Method not allowed; the token endpoints take POST."))

    def _header_dict(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    # -- normal answers --

    def _answer(self, raw: bytes) -> None:
        state = self.server.state
        if self.path not in _PATHS:
            self._error(ErrorReply(404, f"Invalid URL (POST {self.path})"))
            return
        denied = self._authenticate()
        if denied is not None:
            self._error(denied)
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._error(
                ErrorReply(
                    400,
                    "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.",
                )
            )
            return
        endpoint_id, problem = _endpoint_for(self.path, body)
        if problem is None and endpoint_id.startswith("beta-") and state.retire_beta:
            problem = _retired()
        if problem is None and state.check is not None:
            problem = state.check(endpoint_id, body)
        if problem is not None:
            self._error(problem)
            return
        answer = token_answer(endpoint_id, body, now=state.clock() + self._skew)
        beta = endpoint_id.startswith("beta-")
        secret = answer["client_secret"] if beta else answer
        session = {k: v for k, v in answer.items() if k != "client_secret"} if beta else answer["session"]
        with state.lock:  # the token opens a session with these settings until it expires (realtime.py)
            state.tokens[secret["value"]] = Issued(endpoint_id, session, secret["expires_at"])
        self._json(200, answer)

    def _authenticate(self) -> ErrorReply | None:
        given = self.headers.get("api-key")
        auth = self.headers.get("Authorization", "")
        if given is None and auth.startswith("Bearer "):
            given = auth[len("Bearer ") :]
        if not given:
            return ErrorReply(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization "
                "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if not secrets.compare_digest(given.encode(), self.server.state.api_key.encode()):
            return ErrorReply(
                401,
                f"Incorrect API key provided: {masked(given)}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
        return None

    # -- writing --

    def _error(self, reply: ErrorReply, *, headers: dict[str, str] | None = None) -> None:
        self._json(reply.status, reply.payload(), headers=headers)

    def _json(self, status: int, payload: Any, *, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload, indent=2).encode(), headers=headers)

    def _send(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-request-id", _id("req_"))
        self.send_header("openai-processing-ms", "42")
        if status == 200:
            self.send_header("x-ratelimit-limit-requests", "5000")
            self.send_header("x-ratelimit-remaining-requests", "4999")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _retired() -> ErrorReply:
    return ErrorReply(400, RETIRED_MESSAGE, code="beta_api_shape_disabled")


def _endpoint_for(path: str, body: dict[str, Any]) -> tuple[str, ErrorReply | None]:
    if path == _BETA_SESSIONS_PATH:
        return "beta-sessions", None
    if path == _BETA_TRANSCRIPTION_PATH:
        return "beta-transcription", None
    session = body.get("session")
    if path == _TRANSLATION_PATH:
        if not isinstance(session, dict) or not session.get("model"):
            return "translation", ErrorReply(
                400,
                "Missing required parameter: 'session.model'.",
                param="session.model",
                code="missing_required_parameter",
            )
        return "translation", None
    kind = session.get("type") if isinstance(session, dict) else None
    if kind in ("realtime", "transcription"):
        return str(kind), None
    return "realtime", ErrorReply(
        400,
        "Missing required parameter: 'session.type'.",
        param="session.type",
        code="missing_required_parameter",
    )
