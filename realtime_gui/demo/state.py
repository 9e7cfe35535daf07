"""What the fake server knows: the faults queued, the requests seen, the tokens issued, and their shapes."""

from __future__ import annotations

import enum
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorReply:
    """An OpenAI-shaped error answer."""

    status: int
    message: str
    type: str = "invalid_request_error"
    param: str | None = None
    code: str | None = None

    def payload(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


def masked(secret: str) -> str:
    """A key or token the way OpenAI quotes one in an error: `sk-abc***wxyz`."""
    return f"{secret[:3]}{'*' * max(0, len(secret) - 7)}{secret[-4:]}"


# Judges a request body for an endpoint id; None accepts it.
RequestCheck = Callable[[str, dict[str, Any]], ErrorReply | None]


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


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Issued:
    """A token this server minted: only these open sessions, and only until they expire."""

    endpoint: str
    session: dict[str, Any]
    expires_at: int


@dataclass
class State:
    api_key: str
    check: RequestCheck | None
    retire_beta: bool
    clock: Callable[[], float]
    faults: list[Fault] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    tokens: dict[str, Issued] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def record(self, request: Recorded, *, websocket: bool) -> Fault | None:
        """Record a request; the next fault queued for its kind of request, if any."""
        with self.lock:
            self.requests.append(request)
            for index, fault in enumerate(self.faults):
                if fault.kind.websocket == websocket:
                    return self.faults.pop(index)
        return None
