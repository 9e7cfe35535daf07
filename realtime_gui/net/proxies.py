"""Which proxy a connection goes through (http_proxy, https_proxy, all_proxy, no_proxy) and what a proxy said, fit
to show: one policy for mint (transport.py) and verify (verify/session.py).

Qt-free and httpx2-free. A destination on this machine (localhost, 127.0.0.0/8, ::1) never goes through a proxy,
whatever the environment says: plain http:// is allowed only to this machine because it never leaves it, and a proxy
would carry the key or the token across the network in cleartext. What a proxy says is escaped, and any of its own
credentials it echoes (the user name and password from its URL, their Basic encoding) are cut out.
"""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from realtime_gui.config.connection import is_loopback
from realtime_gui.shown import shown

_REASON_LIMIT = 200  # a reason phrase is a few words; a proxy does not get to fill the screen
_CUT = "…"
_MIN_NAME = 4  # a proxy user name this long or longer is cut out on its own too


def environment_proxies() -> dict[str, str]:
    """Scheme ("http", "https", "all", "no") -> value, from the environment (or, on macOS and Windows without
    proxy variables, the system's settings), as httpx2 and websockets read them."""
    return urllib.request.getproxies()


def proxy_for(url: str, environment: Mapping[str, str]) -> str | None:
    """The proxy URL a connection to `url` (http, https, ws or wss) goes through, or None: never for this machine,
    else the environment's proxy for the URL's scheme (wss as https), or all_proxy, unless no_proxy exempts it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or is_loopback(host):
        return None
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    proxy = proxy_url(environment.get(scheme) or environment.get("all", ""))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None  # not a URL anything can connect to; the caller says so
    if not proxy or _exempt(host, port, environment.get("no", "")):
        return None
    return proxy


def proxy_url(text: str) -> str:
    """A proxy setting as a URL: "proxy:3128" means an http:// proxy, as httpx2 and curl read it."""
    text = text.strip()
    return text if not text or "://" in text else f"http://{text}"


def where(proxy: str) -> str:
    """scheme://host[:port] of a proxy URL: never its user name or password."""
    parts = urlsplit(proxy)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    host = parts.hostname or "?"
    return f"{parts.scheme}://{f'[{host}]' if ':' in host else host}{port}"


def unusable(proxy: str) -> str | None:
    """Why the proxy URL `proxy` cannot be used, as the end of a sentence; None when it can."""
    parts = urlsplit(proxy)
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        return "is not a valid proxy URL; fix or unset it"
    if not parts.hostname:
        return "is not a valid proxy URL; fix or unset it"
    if parts.scheme not in ("http", "https"):
        return f"({where(proxy)}) is not an http:// or https:// proxy, the only kinds this program uses; unset it"
    return None


def proxy_said(text: str, *, proxy: str | None, limit: int = _REASON_LIMIT) -> str:
    """What a proxy sent (a reason phrase, an error) as it may be shown: the proxy's credentials cut out, keys and
    tokens redacted, control characters escaped, at most `limit` characters."""
    for secret in _credentials(proxy or ""):
        text = text.replace(secret, _CUT)
    return shown(text, limit=limit)


def _credentials(proxy: str) -> list[str]:
    """Every form in which a proxy may echo the credentials of its URL, longest first (a part inside a whole is
    replaced after the whole)."""
    parts = urlsplit(proxy)
    user, password = parts.username, parts.password
    if user is None and password is None:
        return []
    raw = parts.netloc.rpartition("@")[0]
    forms = {raw, unquote(raw)}
    if password:
        forms.update({password, unquote(password)})
    if user and len(user) >= _MIN_NAME:  # a name of a letter or two would cut up every word instead
        forms.update({user, unquote(user)})
    if user is not None:
        pair = f"{unquote(user)}:{unquote(password or '')}"
        forms.update({pair, base64.b64encode(pair.encode("utf-8", "surrogateescape")).decode("ascii")})
    return sorted((form for form in forms if form), key=len, reverse=True)


def _exempt(host: str, port: int, no_proxy: str) -> bool:
    """Whether `no_proxy` exempts `host`, by curl's and httpx2's rule: "*" for every host, else host names or IP
    addresses, each also covering its subdomains, optionally with a port. Matched as text: urllib's own check looks
    names up on some systems, which could hang where no deadline reaches."""
    for entry in no_proxy.lower().split(","):
        name = entry.strip().lstrip(".")
        head, _, tail = name.rpartition(":")
        if tail.isdigit() and (":" not in head or head.endswith("]")):
            name = head if int(tail) == port else ""
        name = name.strip("[]")
        if name == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False
