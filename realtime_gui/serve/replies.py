"""What passes between the token server's HTTP layer and its rules: a parsed request, a reply, a report line.

Qt-free. Errors of our own take the API's error shape, `{"error": {message, type, param, code}}`, with type
`realtime_gui_error`, so page code handles both alike and can still tell them apart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

OWN_ERROR_TYPE = "realtime_gui_error"


@dataclass(frozen=True, kw_only=True)
class Incoming:
    """One parsed request, as the HTTP layer hands it over."""

    method: str
    path: str
    host: str | None
    origin: str | None
    body: bytes = b""
    # Fetch Metadata and the User-Agent: how a browser says it asks (serve/policy.py browser_refusal)
    fetch_site: str | None = None
    fetch_mode: str | None = None
    fetch_dest: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, kw_only=True)
class Reply:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    request_id: str | None = None  # the API's x-request-id, when the API was asked
    note: str = ""  # why it was refused, for the log
    minted: bool = False


@dataclass(frozen=True, kw_only=True)
class ServedRequest:
    """One request and its answer: a line of the log, never the token or the key."""

    at: float  # unix time
    method: str
    path: str
    origin: str | None
    status: int
    request_id: str | None
    note: str
    minted: bool


class Answerer(Protocol):
    """What the HTTP layer (handler.py) asks of the rules that decide the answers (TokenServer, server.py)."""

    def answer(self, incoming: Incoming) -> Reply: ...

    def with_cors(self, origin: str | None, reply: Reply) -> Reply: ...

    def record(self, served: ServedRequest) -> None: ...


def json_reply(
    status: int,
    payload: Any,
    *,
    headers: Mapping[str, str] | None = None,
    request_id: str | None = None,
    note: str = "",
    minted: bool = False,
) -> Reply:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if request_id:
        all_headers["x-request-id"] = header_text(request_id)
    body = json.dumps(payload, indent=2).encode()
    return Reply(status=status, body=body, headers=all_headers, request_id=request_id, note=note, minted=minted)


def own_error(
    status: int,
    code: str,
    message: str,
    *,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> Reply:
    """Our own refusal, in the API's error shape so page code handles both alike."""
    error = {"message": message, "type": OWN_ERROR_TYPE, "param": param, "code": code}
    payload = {"error": error, **(extra or {})}
    return json_reply(status, payload, headers=headers, request_id=request_id, note=code)


_HEADER_LIMIT = 128


def header_text(text: str, limit: int = _HEADER_LIMIT) -> str:
    """`text` as a header value every client reads alike: printable ASCII only, at most `limit` characters.
    http.server encodes headers as Latin-1 and fails on anything else (a cleaned id's `…`, a key's hint), which
    left a page with no answer after its token was minted; other characters are written as \\uXXXX escapes."""
    clean = "".join(_ascii(c) for c in text)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def _ascii(c: str) -> str:
    if " " <= c <= "~":
        return c
    if c == "\u2026":
        return "..."
    return c.encode("ascii", "backslashreplace").decode() if ord(c) > 0x7F else f"\\x{ord(c):02x}"


def served_now(incoming: Incoming, reply: Reply) -> ServedRequest:
    """The report of `reply` to `incoming`, timed now."""
    return ServedRequest(
        at=time.time(),
        method=incoming.method,
        path=incoming.path,
        origin=incoming.origin,
        status=reply.status,
        request_id=reply.request_id,
        note=reply.note,
        minted=reply.minted,
    )
