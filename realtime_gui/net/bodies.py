"""An answer's body within a size limit, its Content-Encoding undone step by step so a compression bomb never
expands past the limit in memory: every layer's output is counted as it is produced, not after.

Qt-free and httpx2-free (zlib only): client.py feeds it the raw bytes off the wire.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from realtime_gui.errors import NoAnswerError

MAX_BODY_BYTES = 4 * 1024 * 1024  # a token answer is a few KB; anything near this is not the API talking
ACCEPT_ENCODING = "gzip, deflate"  # what we ask for, and so all we need to undo
_MAX_LAYERS = 3  # "gzip, gzip" is legal if odd; a longer stack is not a server we want to talk to
_PIECE = 64 * 1024  # the most one layer hands on at a time


class BodyError(NoAnswerError):
    """The body cannot be used; str() says why."""


class BodyTooLarge(BodyError):
    """More than the limit came, on the wire or once decoded."""


class UnsupportedEncoding(BodyError):
    """A Content-Encoding we did not ask for and cannot undo."""


class CorruptEncoding(BodyError):
    """The bytes are not what their Content-Encoding says."""


def read_bounded(chunks: Iterable[bytes], content_encoding: str | None, *, limit: int = MAX_BODY_BYTES) -> bytes:
    """The decoded body from raw `chunks`; BodyError (str(): what is wrong, e.g. "was larger than 4 MiB")."""
    body = BoundedBody(content_encoding, limit=limit)
    for chunk in chunks:
        body.feed(chunk)
    return body.result()


class BoundedBody:
    """Feed raw bytes with `feed`, then take `result()`. Raises BodyTooLarge as soon as the raw bytes or any
    layer's output pass `limit`, before that output is kept."""

    def __init__(self, content_encoding: str | None, *, limit: int = MAX_BODY_BYTES) -> None:
        self._limit = limit
        self._layers = _layers(content_encoding or "")
        self._sizes = [0] * (len(self._layers) + 1)  # raw bytes, then each layer's output
        self._out = bytearray()

    def feed(self, raw: bytes) -> None:
        self._push(0, raw)

    def result(self) -> bytes:
        return bytes(self._out)

    def _push(self, level: int, data: bytes) -> None:
        self._sizes[level] += len(data)
        if self._sizes[level] > self._limit:
            raise BodyTooLarge(f"was larger than {self._limit / 2**20:g} MiB")
        if level == len(self._layers):
            self._out += data
            return
        for piece in self._layers[level].pieces(data):
            self._push(level + 1, piece)


def _layers(header: str) -> list[_Inflater]:
    names = [name.strip().lower() for name in header.split(",")]
    names = [name for name in names if name and name != "identity"]
    if len(names) > _MAX_LAYERS:
        raise UnsupportedEncoding(f"uses {len(names)} stacked content encodings ({', '.join(names)})")
    layers = []
    for name in reversed(names):  # the encoding applied last is undone first
        if name in ("gzip", "x-gzip"):
            layers.append(_Inflater("gzip", zlib.MAX_WBITS | 16))
        elif name == "deflate":
            layers.append(_Inflater("deflate", None))
        else:
            raise UnsupportedEncoding(f"uses the content encoding {name!r}, which was not asked for")
    return layers


class _Inflater:
    def __init__(self, name: str, wbits: int | None) -> None:
        self._name = name
        # None: deflate, which RFC 9110 says is zlib-wrapped but some servers send raw; its first bytes tell.
        self._z = zlib.decompressobj(wbits) if wbits is not None else None
        self._head = b""

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """The output for `data`, at most _PIECE bytes at a time. Bytes after the end of the stream are ignored."""
        if self._z is None:
            data, self._head = self._head + data, b""
            if len(data) < 2:
                self._head = data
                return
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        while True:
            try:
                piece = self._z.decompress(data, _PIECE)
            except zlib.error as err:
                raise CorruptEncoding(f"is not valid {self._name} data ({err})") from None
            data = self._z.unconsumed_tail
            if piece:
                yield piece
            elif not data or self._z.eof:
                return
