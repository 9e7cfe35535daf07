"""JSON values: the types every module passes around (a request body, a form value, a server's answer), and JSON
that comes from outside (`--set` values, presets, settings, server answers) parsed strictly and within bounds: no NaN
or Infinity, not even as `1e400` (Python accepts them, the API does not), no nesting deeper than a sane limit, no
more values than a sane limit (a few MB of `[[]]` would otherwise become hundreds of MB of lists), no unbounded
file reads. Every failure is a `JsonTextError` whose str() is a sentence fragment for people.

Qt-free and dependency-free.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Mapping
from typing import Any, TypeAlias

from realtime_gui.errors import InputError

JsonScalar: TypeAlias = str | int | float | bool | None
JsonValue: TypeAlias = JsonScalar | list["JsonValue"] | dict[str, "JsonValue"]
Values: TypeAlias = Mapping[str, JsonValue]  # a catalog row's JSON path -> its value

# Deeper than anything a request body, preset or settings value needs; far below Python's recursion limit.
MAX_DEPTH = 64
# More values (arrays, objects, strings, numbers, …) than any answer, event or file of ours holds: a session with
# dozens of tools is a few thousand. Each value costs 50 to 250 bytes once parsed, so this bounds what a text under
# the 4 MiB answer limit can cost to some 25 MiB, where 838,000 `[[]]` cost 300 MiB.
MAX_VALUES = 100_000
# A JSON string, escapes included, to count what lies outside strings (the unrolled loop has no backtracking).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_STRING_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class JsonTextError(InputError, ValueError):
    """The text is not JSON we accept; str() says why, e.g. "is not valid JSON (Expecting value at line 1 …)"."""


class JsonTooLarge(JsonTextError):
    """Valid JSON, but nested too deeply or holding too many values to be worth its memory."""


def _refuse_constant(name: str) -> Any:
    raise JsonTextError(f"contains {name}, which JSON does not allow; use a finite number")


def _finite_float(text: str) -> float:
    # `1e400` is valid JSON syntax but becomes inf in Python, which would go out again as `Infinity`.
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 24 else text[:21] + "…"
        raise JsonTextError(f"contains the number {shown}, which is too large; use a finite number")
    return value


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> Any:
    """Parse `text` as strict JSON nested at most `max_depth` levels deep, holding at most `max_values` values."""
    # Counted before parsing, as the parse itself is what costs the memory; a value takes two characters at least
    # (one and a comma), so a short text is not counted at all.
    if (len(text) + 1) // 2 > max_values and most_values(text) > max_values:
        raise JsonTooLarge(f"holds more than {max_values:,} values (arrays, objects, strings and numbers)")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except JsonTextError:
        raise
    except json.JSONDecodeError as err:
        raise JsonTextError(f"is not valid JSON ({err.msg} at line {err.lineno} column {err.colno})") from None
    except RecursionError:
        raise JsonTooLarge(f"is nested too deeply (more than {max_depth} levels)") from None
    except ValueError as err:  # e.g. an integer past Python's digit limit, or undecodable bytes
        raise JsonTextError(f"is not valid JSON ({err})") from None
    if depth(value, limit=max_depth) > max_depth:
        raise JsonTooLarge(f"is nested too deeply (more than {max_depth} levels)")
    return value


def most_values(text: str | bytes) -> int:
    """At most how many values `text` parses into, counted without parsing it: outside strings, every value but the
    first follows a comma or opens an array or object (an empty one, `[]` or `{}`, opens none). Exact but for empty
    arrays and objects written with a space inside; never too low for valid JSON."""
    if isinstance(text, bytes):
        bare_bytes = _STRING_BYTES.sub(b"0", text)  # a string is one value, and its commas are not separators
        return (
            1
            + bare_bytes.count(b",")
            + bare_bytes.count(b"[")
            + bare_bytes.count(b"{")
            - bare_bytes.count(b"[]")
            - bare_bytes.count(b"{}")
        )
    bare = _STRING.sub("0", text)
    return 1 + bare.count(",") + bare.count("[") + bare.count("{") - bare.count("[]") - bare.count("{}")


def depth(value: object, *, limit: int = MAX_DEPTH) -> int:
    """How deeply `value` nests lists and objects (a scalar is 0); stops counting past `limit`."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((depth(child, limit=limit - 1) for child in children), default=0)


def kind(value: object) -> str:
    """A JSON value's kind for a sentence, in JSON's own words: "a string", "an array", "null", …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number with a fraction" if math.isfinite(value) else "a number too large"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    return "an array" if isinstance(value, list) else "an object"


def read_file(path: str | os.PathLike[str], *, max_bytes: int) -> str:
    """The text of a regular file of at most `max_bytes`; OSError with a plain `strerror` otherwise.

    Opens without blocking (a FIFO would otherwise wait for a writer) and checks the opened file itself, so
    `/dev/zero` or a named pipe is refused instead of read until memory runs out."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "it is not a regular file")
        if info.st_size > max_bytes:
            raise OSError(0, f"it is larger than {max_bytes // 1024} KiB")
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise OSError(0, f"it is larger than {max_bytes // 1024} KiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OSError(0, "it is not UTF-8 text") from None
