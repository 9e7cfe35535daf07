"""A minted token and what came with it: expiry, session, request id, the server's clock offset, the answer.

Qt-free and httpx-free.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class MintedToken:
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

    def seconds_left(self, now: float | None = None) -> float:
        """Time left by the server's clock, given the local time `now`."""
        local = time.time() if now is None else now
        return self.expires_at - (local + self.clock_offset)
