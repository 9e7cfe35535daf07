"""RFC 6455 for the fake's server side, written out so the fake shares no code with the client it tests.

Enough for a Realtime session: the accept key, unmasked server frames (also deliberately broken ones), and reading
the client's masked frames, with a size bound so a test client cannot make the fake allocate without limit.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from io import BufferedIOBase

from realtime_gui.errors import RealtimeGuiError

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_MESSAGE = 1 << 20  # the fake reads client events of up to 1 MiB


class FrameError(RealtimeGuiError):
    """The client sent something the fake cannot read; it drops the connection."""


def accept_key(key: str) -> str:
    """The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()


def frame_header(opcode: int, length: int, *, fin: bool = True, rsv: int = 0) -> bytes:
    first = (0x80 if fin else 0) | (rsv & 0x7) << 4 | opcode
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def encode(opcode: int, payload: bytes, *, rsv: int = 0) -> bytes:
    """One unmasked frame, as a server sends it; `rsv` sets reserved bits no extension was agreed for."""
    return frame_header(opcode, len(payload), rsv=rsv) + payload


def close_frame(code: int, reason: str = "") -> bytes:
    return encode(CLOSE, struct.pack("!H", code) + reason.encode()[:123])


def read_message(rfile: BufferedIOBase) -> tuple[int, bytes] | None:
    """The next whole message (fragments joined) or control frame; None when the client went away."""
    opcode, parts, size = -1, [], 0
    while True:
        head = _read(rfile, 2)
        if head is None:
            return None
        fin, op, masked, length = head[0] & 0x80, head[0] & 0x0F, head[1] & 0x80, head[1] & 0x7F
        if length >= 126:
            extra = _read(rfile, 2 if length == 126 else 8)
            if extra is None:
                return None
            length = struct.unpack("!H" if len(extra) == 2 else "!Q", extra)[0]
        if not masked:
            raise FrameError("client frames must be masked")
        size += length
        if size > MAX_MESSAGE:
            raise FrameError("message too big")
        mask = _read(rfile, 4)
        data = _read(rfile, length) if length else b""
        if mask is None or data is None:
            return None
        payload = _unmask(data, mask)
        if op >= CLOSE:  # control frames may arrive between fragments
            return op, payload
        opcode = op if op != CONTINUATION else opcode
        parts.append(payload)
        if fin:
            return opcode, b"".join(parts)


def _unmask(data: bytes, mask: bytes) -> bytes:
    if not data:
        return data
    key = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(len(data), "big")


def _read(rfile: BufferedIOBase, count: int) -> bytes | None:
    data = rfile.read(count)
    return data if len(data) == count else None
