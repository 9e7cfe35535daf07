"""Who may get a token from the local token server: loopback only, allowed origins, the Host check, a rate limit.

Qt-free and free of I/O, so the rules can be tested on their own and shared by `realtime-gui serve` and the window.
"""

from __future__ import annotations

import collections
import ipaddress
import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from realtime_gui.errors import InputError
from realtime_gui.shown import shown

# Pages served from this machine, on any port (a dev server picks its own). Exact extra origins come on top.
DEFAULT_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
_LOOPBACK_ORIGIN = re.compile(r"http://(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?")
_RATE_WINDOW_S = 60.0


class PolicyError(InputError, ValueError):
    """A setting that would make the server unsafe or cannot be understood; str() says what is allowed."""


def is_loopback_name(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 (brackets allowed): names that can only reach this machine."""
    host = host.lower()
    if host == "localhost":
        return True
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# What `--host` takes: any address that cannot leave this machine. Every 127.x.x.x is loopback (RFC 1122), so
# 127.0.0.2 is as private as 127.0.0.1; IPv6 has ::1 alone, with or without brackets.
LOOPBACK_HOSTS = "127.0.0.1 (the default) or any 127.x.x.x, ::1 or localhost"


def bind_address(host: str) -> str:
    """The address to listen on for `--host`; PolicyError unless it is this machine only."""
    text = host.strip()
    with_port = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]+):(\d*)", text)
    if with_port and is_loopback_name(with_port[1]):
        address, port = with_port[1], with_port[2] or "PORT"
        raise PolicyError(
            f"--host takes an address without a port; give the port with --port: --host {address} --port {port}."
        )
    if text.lower() == "localhost":
        return "127.0.0.1"  # one well-defined socket; pages on localhost reach it by name
    if not is_loopback_name(text):
        raise PolicyError(
            f"refusing to listen on {host!r}: anyone who can reach that address could mint tokens on your key. "
            f"Use {LOOPBACK_HOSTS}."
        )
    return text.strip("[]")


def check_origin(text: str) -> str:
    """An `--allow-origin` value as browsers send it (scheme://host[:port], lower case); PolicyError otherwise."""
    origin = text.strip().rstrip("/")
    example = "e.g. --allow-origin http://my-laptop.local:5173"
    if origin in ("*", "null"):
        raise PolicyError(
            f"--allow-origin {origin} would let any page mint tokens on your key; name one origin, {example}."
        )
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        raise PolicyError(f"--allow-origin {text!r} is not an origin; {example}.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
        raise PolicyError(f"--allow-origin {text!r} is not an origin (scheme://host[:port], no path); {example}.")
    if parts.username or parts.password:
        raise PolicyError(f"--allow-origin {text!r} must not contain a user name or password.")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


class OriginPolicy:
    """Which `Origin` headers get a token: this machine's pages on any port, plus exact extra origins."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.extra = frozenset(check_origin(o) for o in extra)

    def allows(self, origin: str) -> bool:
        return _LOOPBACK_ORIGIN.fullmatch(origin) is not None or origin in self.extra

    def describe(self) -> str:
        return ", ".join([*DEFAULT_ORIGINS, *sorted(self.extra)])


def host_allowed(host_header: str | None, port: int) -> bool:
    """True when `Host` names this machine by a loopback name with our port: a page reached through a DNS name
    that was re-pointed at 127.0.0.1 (DNS rebinding) carries its own name here and is refused."""
    if not host_header:
        return False
    match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?", host_header.strip())
    if match is None:
        return False
    name, given = match.groups()
    return is_loopback_name(name) and int(given or 80) == port


# Which browser requests may mint. A page can make a browser ask any URL without CORS: <img>, <script>, <link>, a
# form, fetch(…, {mode: "no-cors"}), a navigation. The page never reads the answer, but the token is minted on the
# key and counted against --rate, and a GET of those carries no Origin. Browsers say how they ask in Fetch Metadata
# (Sec-Fetch-Site/-Mode/-Dest, sent to loopback since Chromium 76, Firefox 90, Safari 16.4): only a CORS request
# (mode "cors", destination "empty": fetch() or XMLHttpRequest) is served, and across origins it always carries its
# Origin, which must then be allowed. A browser too old for Fetch Metadata still names itself "Mozilla/…" and sends
# Origin on its CORS requests, so a request from one must carry an allowed Origin (an <img> carries none).
# Not required: a custom header or a JSON POST (either forces a preflight). `curl URL`, a local server's GET and the
# README's `fetch(url)` would all have to change, and the rule above already tells every such simple request apart.
# A request with none of these markers (curl, Python, Node's fetch, which sends Sec-Fetch-Mode only) is no page's.
_PAGE_ASKS = "A page gets a token through fetch() or XMLHttpRequest from an allowed origin"


def browser_refusal(
    *, origin: str | None, site: str | None, mode: str | None, dest: str | None, user_agent: str | None
) -> str | None:
    """None when a request may mint as far as browsers go, else the sentence that refuses it. `origin`, when
    present, has already been checked against the allowed origins."""
    browser = site is not None or origin is not None or (user_agent or "").startswith("Mozilla/")
    if not browser:
        return None
    if mode is not None and mode.strip().lower() != "cors":
        what = {
            "navigate": "a navigation (a link, a form or the address bar)",
            "no-cors": "a request without CORS (an <img>, <script>, <link> or no-cors fetch)",
            "websocket": "a WebSocket",
        }.get(mode.strip().lower(), f"Sec-Fetch-Mode {printable(mode, 20)}")
        return f"{_PAGE_ASKS}; this browser request came as {what}, which any page can send, so nothing was minted."
    if dest is not None and dest.strip().lower() != "empty":
        return (
            f"{_PAGE_ASKS}; this browser request was for Sec-Fetch-Dest {printable(dest, 20)} (as an element "
            "loads it), so nothing was minted."
        )
    if origin is None and (site or "").strip().lower() != "same-origin":
        return (
            f"{_PAGE_ASKS}; this browser request carries no Origin, so which page sent it is unknown, and nothing "
            "was minted."
        )
    return None


class RateLimiter:
    """At most `per_minute` mints in any 60 s window (a sliding window: no burst at a minute's edge)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def acquire(self) -> int | None:
        """None when a mint may go now (and counts it), else whole seconds until one may."""
        with self._lock:
            now = self._clock()
            while self._sent and self._sent[0] <= now - _RATE_WINDOW_S:
                self._sent.popleft()
            if len(self._sent) < self.per_minute:
                self._sent.append(now)
                return None
            return max(1, math.ceil(self._sent[-self.per_minute] + _RATE_WINDOW_S - now))


def printable(text: str | None, limit: int = 120) -> str:
    """`text` safe for one log line: control and other unprintable characters escaped, keys and tokens
    redacted, cut to `limit` characters. `-` for nothing."""
    if not text:
        return "-"
    clean = shown(text[: limit * 2], limit=None)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
