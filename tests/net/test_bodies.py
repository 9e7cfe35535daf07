"""Bodies are decoded within the size limit as they arrive, whatever their Content-Encoding says."""

from __future__ import annotations

import gzip
import zlib

import pytest

from realtime_gui.net.bodies import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    CorruptEncoding,
    UnsupportedEncoding,
    read_bounded,
)

BODY = b'{"value": "ek_0123", "expires_at": 1800000000}' * 200


def _raw_deflate(data: bytes) -> bytes:
    z = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # the same bytes in every process: they name the test (pytest-xdist)


def _in_pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        (None, BODY),
        ("identity", BODY),
        ("gzip", _gzip(BODY)),
        ("x-gzip", _gzip(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", _raw_deflate(BODY)),  # what some servers send as deflate
        ("gzip, gzip", _gzip(_gzip(BODY))),
        ("deflate, GZIP", _gzip(zlib.compress(BODY))),
    ],
)
@pytest.mark.parametrize("piece", [1, 7, 65536])
def test_every_encoding_we_ask_for_is_undone(encoding: str | None, wire: bytes, piece: int) -> None:
    assert read_bounded(_in_pieces(wire, piece), encoding) == BODY


def test_a_bomb_stops_at_the_limit_before_it_expands() -> None:
    layer = zlib.compressobj(9, zlib.DEFLATED, 31)
    inner = b"".join(layer.compress(bytes(1 << 20)) for _ in range(64)) + layer.flush()  # 64 MiB of zeros
    with pytest.raises(BodyTooLarge, match="was larger than 4 MiB"):
        read_bounded([gzip.compress(inner)], "gzip, gzip")


def test_the_raw_size_counts_too() -> None:
    with pytest.raises(BodyTooLarge):
        read_bounded(_in_pieces(b" " * (MAX_BODY_BYTES + 1), 65536), None)
    assert len(read_bounded([b" " * MAX_BODY_BYTES], None)) == MAX_BODY_BYTES


@pytest.mark.parametrize(
    ("encoding", "said"),
    [
        ("br", "uses the content encoding 'br', which was not asked for"),
        ("gzip, zstd", "'zstd'"),
        ("gzip, gzip, gzip, gzip", "uses 4 stacked content encodings"),
    ],
)
def test_encodings_we_did_not_ask_for_are_refused(encoding: str, said: str) -> None:
    with pytest.raises(UnsupportedEncoding, match=said):
        read_bounded([b"whatever"], encoding)


def test_bytes_that_are_not_what_the_header_says_are_corrupt() -> None:
    with pytest.raises(CorruptEncoding, match="is not valid gzip data"):
        read_bounded([b"this is not gzip at all"], "gzip")
