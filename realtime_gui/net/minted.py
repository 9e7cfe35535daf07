"""A minted token and what came with it: expiry, session, request id, the server's clock offset, the answer.

Qt-free and httpx2-free. Every text the server filled in is cleaned when the token is made (no key, no control
characters), so whatever prints or shows these fields cannot forget to; the token itself is checked by answer.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from realtime_gui.redaction import remembered_in, replace_secrets
from realtime_gui.shown import shown

_ID_LIMIT = 200


@dataclass(frozen=True, kw_only=True)
class MintedToken:
    """A token the server minted, with what its answer said about it."""

    value: str = field(repr=False)  # a live credential: kept out of reprs and logs
    expires_at: int  # unix seconds, server clock
    endpoint: str
    session_id: str | None
    model: str | None
    request_id: str | None
    clock_offset: float  # server clock minus local clock, seconds (0 when within the Date header's rounding)
    status: int
    processing_ms: int | None
    headers: dict[str, str] = field(repr=False)
    response: dict[str, Any] = field(repr=False)  # holds the token too

    def __post_init__(self) -> None:
        for name in ("session_id", "model", "request_id"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, shown(value, limit=_ID_LIMIT))
        object.__setattr__(self, "headers", {shown(k): shown(v, limit=_ID_LIMIT) for k, v in self.headers.items()})
        # The answer is shown as JSON (json.dumps escapes every control character), and it holds this token on
        # purpose, so only the remembered key is taken out, and only when the server echoed it somewhere.
        # One search of the whole answer before any walk; a server that hands out the same token twice still
        # shows it in its own answer.
        echoed = [s for s in remembered_in(json.dumps(self.response)) if s != self.value]
        if echoed:
            object.__setattr__(self, "response", _without(echoed, self.response))

    def seconds_left(self, now: float | None = None) -> float:
        """Time left by the server's clock, given the local time `now`."""
        local = time.time() if now is None else now
        return self.expires_at - (local + self.clock_offset)


def _without(secrets: list[str], value: Any) -> Any:
    if isinstance(value, str):
        return replace_secrets(value, secrets)
    if isinstance(value, list):
        return [_without(secrets, item) for item in value]
    if isinstance(value, dict):
        return {replace_secrets(k, secrets): _without(secrets, v) for k, v in value.items()}
    return value
