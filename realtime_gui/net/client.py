"""Sends a token request with httpx2 and turns the answer into a `MintedToken` or a typed error (errors.py).

Qt-free. The only module that imports httpx2 (with transport.py, its socket layer), so nothing else pays for it at
start-up.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

import httpx2

from realtime_gui import __version__
from realtime_gui.api.catalog import Endpoint, endpoint
from realtime_gui.api.request import MintRequest
from realtime_gui.config.connection import (
    Connection,
    auth_headers,
    missing_version_hint,
)
from realtime_gui.errors import (
    RETIRED_CODE,
    ApiError,
    ConfigError,
    ErrorDetails,
    MintError,
    NetworkError,
    ResponseError,
    RetiredEndpointError,
)
from realtime_gui.net import proxies
from realtime_gui.net import transport as transport_layer
from realtime_gui.net.answer import parse_body, token_fields
from realtime_gui.net.bodies import ACCEPT_ENCODING, BodyError, CorruptEncoding, read_bounded
from realtime_gui.net.calls import Call
from realtime_gui.net.minted import MintedToken
from realtime_gui.net.socket_failures import socket_failure
from realtime_gui.redaction import redact, remember
from realtime_gui.shown import shown

# Date has one-second resolution: an offset smaller than this is the header's rounding, not a skewed clock.
CLOCK_TOLERANCE_S = 1.5


# -- The client -----------------------------------------------------------------------------------------------------


_SHOWN_HEADERS = (
    "x-request-id",
    "openai-processing-ms",
    "date",
    "retry-after",
    "openai-organization",
)


class TokenClient:
    """One httpx2 client for every mint: its connection pools and TLS context are built once, at first use.

    Each mint has one deadline, from the connect to the last byte of the body (`Connection.timeout`), and the
    answer is read within MAX_BODY_BYTES however it is encoded. Pass a `Call` to stop a mint from another thread.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._transport = transport_layer.CallTransport()
        self._http = httpx2.Client(
            transport=self._transport,
            follow_redirects=False,  # a redirect must not carry the key to another host
            headers={
                "User-Agent": f"realtime-gui/{__version__}",
                "Accept": "application/json",
                # Only what bodies.py can undo within its limit (httpx2 would add br or zstd when installed).
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        self._clock = clock

    def warm_up(self) -> None:
        """Make the TLS context now, so that the first https mint does not wait for it (50-60 ms of CPU)."""
        with contextlib.suppress(ConfigError):  # an unusable SSL_CERT_FILE is said by the first mint that needs it
            self._transport.ssl_context()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TokenClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def mint(
        self, request: MintRequest, *, connection: Connection, api_key: str, call: Call | None = None
    ) -> MintedToken:
        """Send `request`; the token, or a MintError subclass. `call.cancel()` from any thread stops it at once
        (NetworkError with reason "cancelled")."""
        ep = request.endpoint
        url = connection.url_for(ep)
        headers = auth_headers(connection, api_key)
        timeout = httpx2.Timeout(connection.timeout, connect=min(connection.connect_timeout, connection.timeout))
        call = call or Call()
        sent_at = self._clock()
        try:
            with (
                transport_layer.calling(call, timeout=connection.timeout),
                self._http.stream(
                    "POST",
                    url,
                    content=json.dumps(request.body, allow_nan=False).encode(),  # never NaN or Infinity on the wire
                    headers={**headers, "Content-Type": "application/json"},
                    timeout=timeout,
                ) as response,
            ):
                raw = _read_body(response, host=urlsplit(url).netloc)
        except httpx2.HTTPError as err:
            proxy = self._transport.proxy_for(url)
            raise _transport_error(
                err, call=call, url=url, timeout=connection.timeout, api_key=api_key, proxy=proxy
            ) from None
        received_at = self._clock()
        try:
            return _interpret(
                ep,
                response,
                raw,
                local_time=(sent_at + received_at) / 2,
                api_key=api_key,
            )
        except (ApiError, ResponseError) as err:
            if err.status == 404:  # "Invalid URL": most often a base URL without /v1
                err.hint = shown(missing_version_hint(connection.base_url) or "")
            raise


def _read_body(response: httpx2.Response, *, host: str) -> bytes:
    # Raw bytes, decoded within the limit as they come: httpx2 would decode everything first (a gzip bomb becomes
    # gigabytes) and only then could the size be checked. The call's deadline bounds a slow trickle.
    try:
        return read_bounded(response.iter_raw(), response.headers.get("content-encoding"))
    except CorruptEncoding as err:
        raise httpx2.DecodingError(str(err)) from None
    except BodyError as err:
        raise ResponseError(
            f"The answer from {host} {err}, so it was not read further. "
            "The base URL may point at something other than the OpenAI API, or a proxy is in the way.",
            status=response.status_code,
            request_id=response.headers.get("x-request-id"),
        ) from None


def _transport_error(
    err: httpx2.HTTPError, *, call: Call, url: str, timeout: float, api_key: str, proxy: str | None
) -> MintError:
    """A cancel, the deadline, a flood of headers or a proxy's refusal, else what `_network_error` makes of it."""
    if call.stopped == "cancelled":
        return NetworkError("The call was cancelled.", reason="cancelled")
    if call.stopped == "deadline" and not isinstance(err, httpx2.TimeoutException):
        # The deadline shut the socket; whatever httpx2 made of that, it is a timeout.
        err = httpx2.ConnectTimeout("") if isinstance(err, httpx2.ConnectError) else httpx2.ReadTimeout("")
    if getattr(_root_cause(err), "error_status_hint", None) == 431:  # h11: header section over 16 KiB
        return ResponseError(
            f"The answer from {urlsplit(url).netloc} had headers larger than 16 KiB, far more than the API sends, "
            "so it was not read further. A proxy or the wrong server is in the way.",
            status=0,
        )
    if isinstance(err, httpx2.ProxyError) and proxy is not None:
        # httpcore2 says "<status> <reason phrase>": the proxy's own words, which may echo its credentials.
        return NetworkError(
            f"The proxy {proxies.where(proxy)} did not connect us to {urlsplit(url).netloc}: "
            f"{proxies.proxy_said(redact(str(err), api_key), proxy=proxy)}. Check the proxy settings "
            "(https_proxy, all_proxy, no_proxy) and its credentials.",
            reason="proxy",
        )
    return _network_error(err, url=url, timeout=timeout, api_key=api_key, proxy=proxy)


def _network_error(
    err: httpx2.HTTPError, *, url: str, timeout: float, api_key: str, proxy: str | None = None
) -> MintError:
    host = urlsplit(url).netloc

    def said(text: str, limit: int = 2000) -> str:
        # What the server or the proxy sent (a parser quotes it): no key, none of the proxy's credentials.
        return proxies.proxy_said(redact(text, api_key), proxy=proxy, limit=limit)

    if isinstance(err, httpx2.TimeoutException):
        phase = "connecting to" if isinstance(err, httpx2.ConnectTimeout) else "waiting for"
        return NetworkError(
            f"Timed out after {timeout:g} s {phase} {host}. The server may be down or slow; "
            "try again or raise the timeout.",
            reason="timeout",
        )
    if isinstance(err, transport_layer.NotHttp):
        return ResponseError(
            f"The answer from {host} is not valid HTTP ({said(str(err), limit=200)}). "
            "The base URL may point at a server of another kind (SSH, a database), or a proxy is in the way.",
            status=0,
        )
    if isinstance(err, httpx2.RemoteProtocolError):
        return ResponseError(
            f"{host} closed the connection before the answer was complete. "
            "A proxy or the server broke off the response; try again.",
            status=0,
        )
    if isinstance(err, httpx2.UnsupportedProtocol | httpx2.InvalidURL):
        return ConfigError(f"The URL {url!r} cannot be used: {said(str(err))}")
    if isinstance(err, httpx2.DecodingError):
        return ResponseError(f"The answer from {host} could not be decoded.", status=0)
    known = socket_failure(_root_cause(err), host)
    if known is not None:
        return NetworkError(known[0], reason=known[1])
    return NetworkError(
        f"The connection to {host} failed: {said(str(err) or type(err).__name__)}.",
        reason="connection",
    )


def _root_cause(err: BaseException) -> BaseException:
    seen: set[int] = set()
    node: BaseException = err
    while id(node) not in seen:
        seen.add(id(node))
        nxt = node.__cause__ or node.__context__
        if nxt is None:
            break
        node = nxt
    return node


def _interpret(ep: Endpoint, response: httpx2.Response, raw: bytes, *, local_time: float, api_key: str) -> MintedToken:
    status = response.status_code
    request_id = response.headers.get("x-request-id")
    data = _parse_json(raw, response, request_id=request_id)
    if status >= 400 or (isinstance(data, dict) and isinstance(data.get("error"), dict)):
        raise _api_error(ep, response, data, request_id=request_id, api_key=api_key)
    offset = clock_offset(response.headers.get("date"), local_time)
    value, expires_at = token_fields(
        data,
        in_client_secret=ep.token_in_client_secret,
        status=status,
        request_id=request_id,
        server_now=local_time + offset,
    )
    session = data.get("session") if not ep.token_in_client_secret else data
    session = session if isinstance(session, dict) else {}
    token = MintedToken(
        value=value,
        expires_at=expires_at,
        endpoint=ep.id,
        session_id=_text(session.get("id")),
        model=_text(session.get("model")) or _transcription_model(session),
        request_id=request_id,
        clock_offset=offset,
        status=status,
        processing_ms=_int_header(response.headers.get("openai-processing-ms")),
        headers={k: v for k, v in response.headers.items() if _shown_header(k)},
        response=data,
    )
    remember(value)  # from now on a live credential: redacted from every message and log line
    return token


def _shown_header(name: str) -> bool:
    name = name.lower()
    return name in _SHOWN_HEADERS or name.startswith("x-ratelimit-")


def _parse_json(raw: bytes, response: httpx2.Response, *, request_id: str | None) -> Any:
    return parse_body(
        raw,
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        request_id=request_id,
    )


def _api_error(
    ep: Endpoint, response: httpx2.Response, data: Any, *, request_id: str | None, api_key: str
) -> MintError:
    status = response.status_code
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return ResponseError(
            f"The server answered HTTP {status} {response.reason_phrase} without the API's error details.",
            status=status,
            request_id=request_id,
        )
    message = _text(error.get("message")) or f"HTTP {status} {response.reason_phrase}"
    details = ErrorDetails(
        status=status,
        message=redact(message, api_key),
        type=_text(error.get("type")),
        param=_text(error.get("param")),
        code=_text(error.get("code")),
        request_id=request_id,
        retry_after=retry_after(response.headers.get("retry-after")) if status == 429 else None,
    )
    if details.code == RETIRED_CODE and ep.ga_equivalent is not None:
        ga = endpoint(ep.ga_equivalent)
        return RetiredEndpointError(
            details, retired_id=ep.id, retired_path=ep.path, ga_endpoint_id=ga.id, ga_path=ga.path
        )
    return ApiError(details)


def retry_after(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not header:
        return None
    try:
        seconds = float(header)
    except ValueError:
        pass
    else:  # "1e400" parses as infinity, which no one can wait for
        return max(0.0, seconds) if math.isfinite(seconds) else None
    when = http_date(header)
    return None if when is None else max(0.0, when - time.time())


def clock_offset(date_header: str | None, local_time: float) -> float:
    """Server clock minus local clock from a Date header; 0 when within the header's rounding."""
    server = http_date(date_header) if date_header else None
    if server is None:
        return 0.0
    # Date is truncated to the second, so the server's true time is on average half a second later.
    offset = server + 0.5 - local_time
    return 0.0 if abs(offset) < CLOCK_TOLERANCE_S else round(offset, 1)


def http_date(text: str) -> float | None:
    """Unix time of an HTTP date (IMF-fixdate or an obsolete format), None when it is not one."""
    # Costs nothing at start-up: httpx2 has loaded email.utils already (benchmarks/bench_mint.py measured it).
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year of 20 digits
        return None
    # asctime dates carry no zone; HTTP dates are all GMT (RFC 9110), whatever this machine's zone.
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int_header(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _transcription_model(session: Mapping[str, Any]) -> str | None:
    audio = session.get("audio")
    audio_input = audio.get("input") if isinstance(audio, dict) else None
    tx = audio_input.get("transcription") if isinstance(audio_input, dict) else None
    return _text(tx.get("model")) if isinstance(tx, dict) else None


_shared: TokenClient | None = None
_shared_lock = threading.Lock()


def shared_client() -> TokenClient:
    """The one TokenClient of a process that mints more than once (the window, serve), created on first use (off the
    app's start-up path) and warmed up. A command that mints once makes its own, and loads no TLS it does not use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = TokenClient()
            _shared.warm_up()
        return _shared
