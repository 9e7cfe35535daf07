"""Where and how a mint is sent: base URL, auth style, organization and project, timeouts.

Qt-free and httpx2-free. The key itself is never part of a Connection; it is passed to the call that needs it.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from realtime_gui.errors import ConfigError
from realtime_gui.redaction import remember
from realtime_gui.shown import escape_controls

if TYPE_CHECKING:
    from realtime_gui.api.catalog import Endpoint  # a type only: `verify` never loads the catalog

DEFAULT_BASE_URL = "https://api.openai.com/v1"
AuthStyle = Literal["bearer", "api-key"]
AUTH_STYLES: tuple[AuthStyle, ...] = ("bearer", "api-key")
DEFAULT_TIMEOUT_S = 30.0
# Every timeout, typed or saved, lies in this range: long enough for a slow network, short enough that a call
# cannot hang for hours, and finite (inf or 1e10 would overflow the deadline arithmetic).
TIMEOUT_RANGE_S = (0.1, 600.0)
# Where plain http:// may go: names and addresses that cannot leave this machine (is_loopback).
LOOPBACK_NAMES = "localhost, 127.0.0.1 or any 127.x.x.x, ::1"
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")  # underscores too: some internal DNS names have them


@dataclass(frozen=True, kw_only=True)
class Connection:
    """Where and how to send: the non-secret parts of a profile."""

    base_url: str = DEFAULT_BASE_URL
    auth: AuthStyle = "bearer"
    organization: str = ""
    project: str = ""
    timeout: float = DEFAULT_TIMEOUT_S  # the whole call, seconds
    connect_timeout: float = 10.0

    def url_for(self, ep: Endpoint) -> str:
        """The endpoint's URL under `base_url`; raises ConfigError for a URL the key must not go to."""
        return check_base_url(self.base_url) + ep.path


def default_connection() -> Connection:
    """The settings of a profile never saved: OPENAI_BASE_URL when set (as the OpenAI SDKs read it), else the
    default URL. Here, not in profiles.py, so `verify` has its base URL without loading the profiles (1.7 ms)."""
    return Connection(base_url=os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL)


def timeout_problem(value: object) -> str | None:
    """Why `value` cannot be a timeout in seconds, as a fragment ("must be …, not …"), or None when it can.
    Text is read as a number (`--timeout 30`); a saved JSON value must already be one."""
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    low, high = TIMEOUT_RANGE_S
    if isinstance(number, bool) or not isinstance(number, int | float) or not low <= number <= high:
        return f"must be a number of seconds from {low:g} to {high:g}, not {_as_typed(value)}"
    return None


def _as_typed(value: object, limit: int = 40) -> str:
    """`value` for a message: text as typed with control characters escaped (shown.escape_controls; blank text
    quoted), anything else as JSON; long values cut."""
    if isinstance(value, str):
        text = escape_controls(value) if value.strip() else json.dumps(value)
    else:
        try:
            text = json.dumps(value)
        except (TypeError, ValueError):  # not JSON, or an integer past Python's digit limit
            text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_base_url(base_url: str, *, sends: str = "the API key") -> str:
    """The base URL without a trailing slash; plain http is refused except to this machine. `sends` names what
    would travel to it, for that refusal's sentence."""
    typed = base_url.strip()
    url = typed.rstrip("/")
    bad = next((i for i, char in enumerate(url) if not char.isprintable()), None)
    if bad is not None:
        # Never echoed raw: a CR/LF or ESC in the message would reach the terminal or the window as is.
        raise ConfigError(
            f"The base URL contains the control character {url[bad]!r} at position {bad + 1}; "
            "type it on one line with printable characters only, e.g. https://api.openai.com/v1."
        )
    if not url:
        raise ConfigError(
            f"The base URL is empty; give one such as {DEFAULT_BASE_URL}, or leave it out for that default."
        )
    if "://" not in typed:
        raise ConfigError(
            f"The base URL {typed!r} has no scheme; add https:// in front, or http:// for this machine only "
            f"(e.g. https://api.openai.com/v1, http://127.0.0.1:8080/v1)."
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as err:  # unbalanced [ ] around an IPv6 address, mostly
        raise ConfigError(f"The base URL {typed!r} is not a valid URL: {str(err).lower()}.") from None
    if parts.scheme not in ("https", "http"):
        raise ConfigError(
            f"The base URL {typed!r} must start with https:// (or http:// for this machine only), "
            "e.g. https://api.openai.com/v1."
        )
    if not host:
        raise ConfigError(f"The base URL {typed!r} names no host; give one such as https://api.openai.com/v1.")
    port_problem = _port_problem(parts.netloc)
    if port_problem:
        raise ConfigError(f"The base URL's port {port_problem}; a port is a number from 1 to 65535.")
    if not _is_host_name(host):
        raise ConfigError(
            f"The base URL's host {host!r} is not a valid host name; use a name such as api.openai.com "
            "or an IP address."
        )
    if parts.username or parts.password:
        raise ConfigError("The base URL must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise ConfigError("The base URL must not contain a query (?…) or fragment (#…).")
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"Refusing plain http:// to {host}: {sends} would travel unencrypted. "
            f"Use https://, or http:// only to this machine ({LOOPBACK_NAMES})."
        )
    return url


def _port_problem(netloc: str) -> str | None:
    """What is wrong with the port in `netloc` (host[:port], maybe [IPv6]:port), or None."""
    host_and_port = netloc.rpartition("@")[2]
    if host_and_port.startswith("["):
        _, _, rest = host_and_port.partition("]")
    else:
        rest = host_and_port
    if ":" not in rest:
        return None
    port = rest.rpartition(":")[2]
    if not port:
        return None  # "host:" means the scheme's default port
    if not port.isascii() or not port.isdigit():
        return f"{port!r} is not a number"
    if not 1 <= int(port) <= 65535:
        return f"{int(port)} is out of range"
    return None


def missing_version_hint(base_url: str) -> str | None:
    """For a 404 answer: a sentence when the base URL's path lacks the API version (`/v1`, or Azure OpenAI's
    `/openai/v1`), the usual cause of "Invalid URL"; None when it has it."""
    url = base_url.strip().rstrip("/")
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if path.endswith("/v1"):
        return None
    return f"The base URL {url} does not end in /v1: the API lives under /v1 (Azure OpenAI: /openai/v1); try {url}/v1."


def _is_host_name(host: str) -> bool:
    """An IP address, or a DNS name whose labels resolvers accept (checked here: the socket layer would raise a
    bare UnicodeError for an empty or over-long label)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    try:  # an A-label must decode, as the resolver's IDNA layer insists
        for label in labels:
            if label.lower().startswith("xn--"):
                label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return False
    return True


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# What a key, token or id must be to go in an HTTP header value (and a WebSocket URL): printable ASCII, no spaces.
HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


def auth_headers(connection: Connection, api_key: str) -> dict[str, str]:
    """The headers that authenticate a call; ConfigError for a key that cannot go in a header."""
    key = api_key.strip()
    if not key:
        raise ConfigError("No API key: store one with `realtime-gui key set` or set OPENAI_API_KEY.")
    if not HEADER_SAFE.fullmatch(key):
        # Checked here because httpx2 would otherwise quote the whole header value in its exception.
        raise ConfigError(
            "The API key contains spaces or characters that cannot be sent in a header; "
            "paste it again without extra text."
        )
    remember(key)  # whatever its shape, a key that is sent is redacted from everything shown from now on
    if connection.auth == "bearer":
        headers = {"Authorization": f"Bearer {key}"}
    elif connection.auth == "api-key":
        headers = {"api-key": key}
    else:
        raise ConfigError(f"Unknown auth style {connection.auth!r}; use bearer or api-key.")
    for name, value in (
        ("OpenAI-Organization", connection.organization),
        ("OpenAI-Project", connection.project),
    ):
        value = value.strip()
        if value:
            if not HEADER_SAFE.fullmatch(value):
                raise ConfigError(f"The {name} id {value!r} contains characters a header cannot carry.")
            headers[name] = value
    return headers
