"""What the demo server knows: the requests seen, the tokens issued, and their shapes."""

from __future__ import annotations

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
    requests: list[Recorded] = field(default_factory=list)
    tokens: dict[str, Issued] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def record(self, request: Recorded) -> None:
        with self.lock:
            self.requests.append(request)
