"""The demo server made to misbehave on demand, for the tests: `inject(Fault(...))` queues one fault per coming
request (401, 400 with a param, 429 with Retry-After, 500, 502 with an HTML page, an empty or truncated body, a slow
or hanging answer, a skewed clock, the retired-beta answer, a 200 without a token), and the `WS_` kinds strike a
WebSocket session (refused upgrade, silence, a close code, an `error` event, malformed, non-JSON and oversized frames,
no reply to a turn). The package ships the demo server only; it answers well.
"""

from __future__ import annotations

import enum
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from realtime_gui import demo
from realtime_gui.demo import RETIRED_MESSAGE, DemoHandler, ErrorReply, Issued, Session
from realtime_gui.demo import answers as demo_answers
from realtime_gui.demo import frames as demo_frames
from realtime_gui.demo.state import State, new_id

__all__ = ["FakeOpenAI", "Fault", "FaultKind"]


class FaultKind(enum.Enum):
    # Token requests (POST)
    UNAUTHORIZED = "401"
    BAD_PARAM = "400 with param"
    RATE_LIMITED = "429"
    SERVER_ERROR = "500"
    BAD_GATEWAY_HTML = "502 html"
    EMPTY_BODY = "empty body"
    TRUNCATED = "truncated json"
    NO_TOKEN = "200 without token"
    SLOW = "slow"
    HANG = "hang"
    SKEWED_DATE = "skewed date"
    RETIRED = "retired beta"
    # Realtime sessions (the WebSocket upgrade); each names the moment it strikes
    WS_REFUSED = "upgrade refused"  # HTTP `status` (default 403) with an error body instead of 101
    WS_HANG_UPGRADE = "upgrade never answered"
    WS_SILENT = "silent after the upgrade"  # 101, then nothing, not even an answer to close
    WS_CLOSE = "close with a code"  # 101, then a close frame with `close_code` and `text` as the reason
    WS_ERROR_EVENT = "error event"  # 101, then an `error` event (message `text`) instead of session.created
    WS_MALFORMED = "malformed frame"  # 101, then a frame no WebSocket may send (reserved bits set)
    WS_NOT_JSON = "text that is not JSON"  # 101, then a text message that is not an event
    WS_OVERSIZED = "oversized frame"  # 101, then a frame announcing 64 MiB
    WS_SILENT_REPLY = "no reply to a turn"  # session.created, then a text turn is never answered

    @property
    def websocket(self) -> bool:
        return self.name.startswith("WS_")


@dataclass(frozen=True)
class Fault:
    """One misbehaviour for one request: token requests take the HTTP kinds, WebSocket upgrades the WS_ kinds.
    `seconds`: delay (SLOW, HANG, WS_HANG_UPGRADE), Retry-After, or clock skew."""

    kind: FaultKind
    seconds: float = 0.0
    param: str | None = None
    status: int = 0  # WS_REFUSED
    close_code: int = 0  # WS_CLOSE
    text: str = ""  # WS_CLOSE's reason, WS_ERROR_EVENT's message


class FakeOpenAI(demo.FakeOpenAI):
    """The demo server, plus `inject`: each coming request of a fault's kind (token request or WebSocket upgrade)
    takes the next fault queued for that kind."""

    def __init__(
        self,
        *,
        api_key: str = demo.DEMO_KEY,
        check: demo.RequestCheck | None = None,
        retire_beta: bool = False,
        clock: Callable[[], float] = time.time,
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key, check=check, retire_beta=retire_beta, clock=clock, port=port, tls=tls, handler=_Handler
        )
        self._faults: list[Fault] = []
        self._faults_lock = threading.Lock()

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each coming request takes the next one of its kind."""
        with self._faults_lock:
            self._faults.extend(faults)

    def take(self, *, websocket: bool) -> Fault | None:
        with self._faults_lock:
            for index, fault in enumerate(self._faults):
                if fault.kind.websocket == websocket:
                    return self._faults.pop(index)
        return None


def _fake(handler: DemoHandler) -> FakeOpenAI:
    fake = handler.server.fake
    assert isinstance(fake, FakeOpenAI)
    return fake


class _Session(Session):
    def __init__(self, handler: BaseHTTPRequestHandler, state: State, issued: Issued) -> None:
        super().__init__(handler, state, issued)
        self._fault = handler._fault if isinstance(handler, _Handler) else None

    def misbehave(self) -> bool:
        """Act out a fault that strikes right after the upgrade; True when the session is over."""
        fault = self._fault
        if fault is None:
            return False
        if fault.kind is FaultKind.WS_SILENT_REPLY:
            self.answers = False  # session.created, then turns go unanswered
            return False
        kind, write = fault.kind, self._wfile.write
        if kind is FaultKind.WS_SILENT:
            self._drain()
        elif kind is FaultKind.WS_CLOSE:
            write(demo_frames.close_frame(fault.close_code or 1008, fault.text))
            self._drain(until_close=True)
        elif kind is FaultKind.WS_ERROR_EVENT:
            self._event(
                "error",
                error={
                    "type": "invalid_request_error",
                    "code": "session_refused",
                    "message": fault.text or "The session could not be started.",
                    "param": None,
                    "event_id": None,
                },
            )
            write(demo_frames.close_frame(1008, "session refused"))
        elif kind is FaultKind.WS_MALFORMED:
            write(demo_frames.encode(demo_frames.TEXT, b'{"type": "session.created"}', rsv=0b100))
        elif kind is FaultKind.WS_NOT_JSON:
            write(demo_frames.encode(demo_frames.TEXT, b"<html>502 Bad Gateway</html>"))
        elif kind is FaultKind.WS_OVERSIZED:
            write(demo_frames.frame_header(demo_frames.TEXT, 64 << 20) + b"{" * 65536)
        else:
            return False
        return True


class _Handler(DemoHandler):
    session = _Session
    _fault: Fault | None = None  # the WebSocket fault this connection's session acts out

    def misbehave_at_upgrade(self) -> bool:
        fault = _fake(self).take(websocket=True)
        if fault is None:
            return False
        if fault.kind is FaultKind.WS_HANG_UPGRADE:
            self.server.state.stopping.wait(fault.seconds or 3600)
            return True
        if fault.kind is FaultKind.WS_REFUSED:
            self._error(ErrorReply(fault.status or 403, fault.text or "You are not allowed to open this session."))
            return True
        self._fault = fault
        return False

    def misbehave(self) -> bool:
        """Act out the next fault queued for a token request, if any; True when the answer has been sent (or
        withheld), False when the demo's answer is to follow (slowed, or with a skewed clock)."""
        fault = _fake(self).take(websocket=False)
        if fault is None:
            return False
        kind = fault.kind
        if kind is FaultKind.SLOW:
            self.server.state.stopping.wait(fault.seconds)
            return False
        if kind is FaultKind.SKEWED_DATE:
            self._skew = fault.seconds
            return False
        if kind is FaultKind.HANG:
            self.server.state.stopping.wait(fault.seconds or 3600)
            self.close_connection = True
            return True
        if kind is FaultKind.UNAUTHORIZED:
            self._error(
                ErrorReply(
                    401,
                    "Incorrect API key provided: sk-abc***********wxyz. You can find your API key at "
                    "https://platform.openai.com/account/api-keys.",
                    code="invalid_api_key",
                )
            )
        elif kind is FaultKind.BAD_PARAM:
            param = fault.param or "session.model"
            self._error(ErrorReply(400, f"Invalid value for '{param}'.", param=param, code="invalid_value"))
        elif kind is FaultKind.RATE_LIMITED:
            self._error(
                ErrorReply(
                    429,
                    "Rate limit reached for requests. Please try again later.",
                    type="requests",
                    code="rate_limit_exceeded",
                ),
                headers={"Retry-After": f"{fault.seconds or 20:g}"},
            )
        elif kind is FaultKind.SERVER_ERROR:
            self._error(
                ErrorReply(
                    500,
                    "The server had an error while processing your request. Sorry about that!",
                    type="server_error",
                )
            )
        elif kind is FaultKind.BAD_GATEWAY_HTML:
            page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
            self._send(502, page, content_type="text/html")
        elif kind is FaultKind.EMPTY_BODY:
            self._send(200, b"")
        elif kind is FaultKind.TRUNCATED:
            whole = json.dumps(demo_answers.token_answer("realtime", {}, now=self.server.state.clock())).encode()
            self._send(200, whole[: len(whole) // 2])
        elif kind is FaultKind.NO_TOKEN:
            self._json(200, {"session": {"type": "realtime", "id": new_id("sess_")}})
        elif kind is FaultKind.RETIRED:
            self._error(ErrorReply(400, RETIRED_MESSAGE, code="beta_api_shape_disabled"))
        return True
