"""What a token answer must hold: JSON within bounds, then a usable token and a plausible expiry. Anything else
is a `ResponseError` whose sentence names the field that is wrong and how ("expires_at is a string").

Qt-free and httpx2-free: the client hands over the body's bytes and the few header facts needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from realtime_gui import jsontext
from realtime_gui.config.connection import HEADER_SAFE
from realtime_gui.errors import ResponseError

# A token goes into an Authorization header and a WebSocket URL (connection.HEADER_SAFE). Real ones are ~40
# characters; the cap only stops a server from handing us megabytes to print.
MAX_TOKEN_LENGTH = 4096
# An answer echoes the session, which holds the request (itself at most jsontext.MAX_DEPTH deep) a few levels down.
MAX_ANSWER_DEPTH = jsontext.MAX_DEPTH + 16
# A token lives at most two hours (expires_after.seconds <= 7200). The window allows generous slack either way,
# on the server's clock; outside it the number is no expiry time at all (4,000 digits, 0, milliseconds).
EXPIRY_PAST_S = 24 * 3600
EXPIRY_FUTURE_S = 366 * 24 * 3600

_NOT_THE_API = "The base URL may point at something other than the OpenAI API."


def parse_body(raw: bytes, *, status: int, content_type: str, request_id: str | None) -> Any:
    """The answer's JSON; a ResponseError saying what came instead (nothing, a web page, broken or deep JSON)."""
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        raise ResponseError(
            f"The server answered HTTP {status} with an empty body. A proxy or gateway may be in the way; try again.",
            status=status,
            request_id=request_id,
        )
    try:
        return jsontext.loads(text, max_depth=MAX_ANSWER_DEPTH)
    except jsontext.JsonTextError as err:
        problem = str(err)
    if "html" in content_type or text.startswith("<"):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        said = f' ("{" ".join(title.group(1).split())[:80]}")' if title else ""
        raise ResponseError(
            f"The server answered HTTP {status} with a web page{said}, not the API's JSON. "
            "A proxy, gateway or wrong base URL is in the way.",
            status=status,
            request_id=request_id,
        )
    if problem.startswith("is not valid JSON"):  # garbled or cut off, rather than deep or holding NaN
        raise ResponseError(
            f"The server's answer (HTTP {status}) is not valid JSON; it may have been cut off. Try again.",
            status=status,
            request_id=request_id,
        )
    raise ResponseError(
        f"The server's answer (HTTP {status}) cannot be used: it {problem}. {_NOT_THE_API}",
        status=status,
        request_id=request_id,
    )


def token_fields(
    data: Any, *, in_client_secret: bool, status: int, request_id: str | None, server_now: float
) -> tuple[str, int]:
    """The token and its expiry (Unix seconds) from a successful answer; a ResponseError naming what is wrong."""
    if not isinstance(data, dict):
        raise ResponseError(
            f"The server answered HTTP {status} with JSON that is {jsontext.kind(data)}, not an object. {_NOT_THE_API}",
            status=status,
            request_id=request_id,
        )
    holder: Mapping[str, Any] = data
    prefix = ""
    if in_client_secret:
        prefix = "client_secret."
        secret = data.get("client_secret")
        if secret is None:
            raise _unusable("client_secret is missing", status, request_id, missing=True)
        if not isinstance(secret, dict):
            raise _unusable(
                f"client_secret is {jsontext.kind(secret)}, not an object", status, request_id, missing=False
            )
        holder = secret
    found = (_token_problem(holder.get("value")), _expiry_problem(holder.get("expires_at"), server_now))
    problems = [p for p in found if p]
    if problems:
        raise _unusable(
            " and ".join(prefix + p for p in problems), status, request_id, missing=holder.get("value") is None
        )
    expires_at = holder["expires_at"]
    return holder["value"], int(expires_at)


def _unusable(problem: str, status: int, request_id: str | None, *, missing: bool) -> ResponseError:
    what = "without a token" if missing else "with a token that cannot be used"
    return ResponseError(
        f"The server answered HTTP {status} {what}: {problem}. {_NOT_THE_API}",
        status=status,
        request_id=request_id,
    )


def _token_problem(value: object) -> str | None:
    if value is None:
        return "value is missing"
    if not isinstance(value, str):
        return f"value is {jsontext.kind(value)}, not a string"
    if not value:
        return "value is empty"
    if len(value) > MAX_TOKEN_LENGTH:
        return f"value is {len(value):,} characters long; a token is at most {MAX_TOKEN_LENGTH:,}"
    if HEADER_SAFE.fullmatch(value):
        return None
    odd = next(c for c in value if not HEADER_SAFE.fullmatch(c))
    # The character is named by its code point only: the token itself is never shown.
    return f"value holds the character U+{ord(odd):04X}; a token is printable ASCII without spaces"


def _expiry_problem(value: object, server_now: float) -> str | None:
    if value is None:
        return "expires_at is missing"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return f"expires_at is {jsontext.kind(value)}, not whole Unix seconds"
    if server_now - EXPIRY_PAST_S <= value <= server_now + EXPIRY_FUTURE_S:
        return None
    return (
        f"expires_at {_abbreviated(value)} is no plausible expiry time (expected Unix seconds from a day ago "
        f"to a year ahead on the server's clock, now {int(server_now)})"
    )


def _abbreviated(number: int) -> str:
    digits = str(number)
    return digits if len(digits) <= 20 else f"{digits[:12]}… ({len(digits):,} digits)"
