"""Where a token from each endpoint opens its Realtime WebSocket, as the official SDK opens it: what `verify` needs
of the endpoints, apart from the catalog's parameter tables, which a token check then never loads (10 ms of CPU).

Qt-free data, one entry per endpoint of the catalog, in its order (tests/verify/test_verify.py holds the two alike).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ENDPOINT = "realtime"


@dataclass(frozen=True)
class EndpointSocket:
    """The WebSocket of a token's session: its path under the base URL, its `?intent=` (transcription sessions;
    None: `?model=` when one is given), and whether its sessions can answer a text turn (`verify --say`)."""

    path: str = "/realtime"
    intent: str | None = None
    converses: bool = False


SOCKETS: dict[str, EndpointSocket] = {
    "realtime": EndpointSocket(converses=True),
    "transcription": EndpointSocket(intent="transcription"),
    "translation": EndpointSocket(path="/realtime/translations"),
    "beta-sessions": EndpointSocket(converses=True),
    "beta-transcription": EndpointSocket(intent="transcription"),
}
