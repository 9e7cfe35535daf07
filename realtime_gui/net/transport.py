"""The HTTP transport under httpx2: every socket a call opens, reads, writes or looks up belongs to that call's `Call`
(deadline and cancel, calls.py), including the connections made through a proxy from the environment.

httpx2's timeouts are per operation: a server that sends a byte a second, or `103 Early Hints` for ever, never trips
them, and the name lookup before a connect has no timeout at all. So `CallTransport` builds httpcore2's connection
pools itself, on a network backend that registers each socket with the `Call` of the thread using it and looks
names up within the call's time. It is httpx2's own `HTTPTransport` rebuilt from public parts (httpx2 has no option
for httpcore2's backend), on the one TLS context (tls.py); with an explicit transport httpx2 does not read proxies
from the environment, so that is done here, by proxies.py's rule (never for this machine). Imported by client.py
only, so it is loaded with the HTTP stack and never at the app's start-up.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore2
import httpx2

from realtime_gui.config.connection import is_loopback
from realtime_gui.net import proxies, tls
from realtime_gui.net.calls import Call, look_up

# .call: the Call of the request this thread is making, if any; .head: the first bytes its answer began with.
_active = threading.local()

# httpx2's defaults for a client (httpx2.DEFAULT_LIMITS): idle connections are dropped after 5 s.
_MAX_CONNECTIONS = 100
_MAX_IDLE_CONNECTIONS = 20
_IDLE_SECONDS = 5.0
# How much of an answer is kept to say what it was when it turns out not to be HTTP.
_HEAD_BYTES = 200
# What a parser says when the server merely hung up (httpcore2 before any answer, h11 within one): an answer cut
# short, not one that is not HTTP.
_HUNG_UP = ("Server disconnected", "peer closed connection")


class NotHttp(httpx2.RemoteProtocolError):
    """The answer is not valid HTTP/1.1 (an SSH banner, a header name with a space): str() is what the parser
    said, or the first line of what came instead."""


@contextmanager
def calling(call: Call, *, timeout: float) -> Iterator[None]:
    """Make `call` (with a deadline `timeout` seconds from now) the current thread's call for the block."""
    call.start(timeout)
    _active.call = call
    try:
        yield
    finally:
        _active.call = None
        call.finish()


class CallTransport(httpx2.BaseTransport):
    """httpx2's HTTPTransport on a call-aware network backend: a pool for direct https, one for plain http to this
    machine, one per proxy."""

    def __init__(self) -> None:
        self._backend = _CallBackend(httpcore2.SyncBackend())
        # Read once, as httpx2 reads them when a client is made: scheme ("http", "https", "all", "no") -> value.
        self._environment = proxies.environment_proxies()
        # Each pool is made at its first call, so the TLS context is too: loading the trust store costs 50-60 ms
        # of CPU, which a plain-http mint on this machine never needs (benchmarks/bench_mint.py).
        self._pools: dict[tuple[str | None, bool], httpcore2.ConnectionPool] = {}  # (proxy URL, https) -> pool
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()  # the window's and serve's threads share one client

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        assert isinstance(request.stream, httpx2.SyncByteStream)
        if request.url.scheme != "https" and not is_loopback(request.url.host):
            # connection.py refuses such a base URL; this holds for any other caller too.
            raise httpx2.UnsupportedProtocol("plain http:// goes only to this machine")
        sent = httpcore2.Request(
            method=request.method,
            url=httpcore2.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        pool = self._pool_for(request.url)
        _active.head = bytearray()
        with _httpx_errors():
            answer = pool.handle_request(sent)
        assert isinstance(answer.stream, Iterable)
        return httpx2.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream, _current()),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()

    def proxy_for(self, url: str) -> str | None:
        """The proxy URL a call to `url` goes through (proxies.py's rule), None for a direct connection."""
        return proxies.proxy_for(url, self._environment)

    def _pool_for(self, url: httpx2.URL) -> httpcore2.ConnectionPool:
        proxy_url = self.proxy_for(str(url))
        key = (proxy_url, url.scheme == "https")
        with self._lock:
            if key not in self._pools:
                self._pools[key] = self._new_pool(proxy_url, https=key[1], scheme=url.scheme)
            return self._pools[key]

    def _new_pool(self, proxy_url: str | None, *, https: bool, scheme: str) -> httpcore2.ConnectionPool:
        # Only a direct plain-http pool (to this machine: handle_request refuses any other) goes without TLS.
        context = self.ssl_context() if https or proxy_url is not None else None
        proxy = _proxy(proxy_url, context) if proxy_url is not None else None
        if isinstance(proxy, str):
            raise httpx2.UnsupportedProtocol(f"the proxy the environment sets for {scheme}:// URLs {proxy}")
        return httpcore2.ConnectionPool(
            ssl_context=context,
            proxy=proxy,
            network_backend=self._backend,
            max_connections=_MAX_CONNECTIONS,
            max_keepalive_connections=_MAX_IDLE_CONNECTIONS,
            keepalive_expiry=_IDLE_SECONDS,
        )

    def ssl_context(self) -> ssl.SSLContext:
        """The one TLS context of every pool, made at the first call that needs it. ConfigError, with a sentence,
        when SSL_CERT_FILE or SSL_CERT_DIR cannot be used (tried again at the next call)."""
        if self._context is None:
            self._context = tls.client_context()
        return self._context


def _proxy(url: str, ssl_context: ssl.SSLContext | None) -> httpcore2.Proxy | str:
    """httpcore2's Proxy for `url` (credentials in it become Proxy-Authorization), or why it cannot be used. An
    https:// proxy is verified by the same trust store as every server."""
    problem = proxies.unusable(url)
    if problem is not None:
        return problem
    try:
        parsed = httpx2.Proxy(url)
    except (ValueError, httpx2.InvalidURL):
        return "is not a valid proxy URL; fix or unset it"
    return httpcore2.Proxy(
        url=httpcore2.URL(
            scheme=parsed.url.raw_scheme,
            host=parsed.url.raw_host,
            port=parsed.url.port,
            target=parsed.url.raw_path,
        ),
        auth=parsed.raw_auth,
        headers=parsed.headers.raw,
        ssl_context=ssl_context if parsed.url.scheme == "https" else None,
    )


class _Body(httpx2.SyncByteStream):
    def __init__(self, stream: Iterable[bytes], call: Call | None) -> None:
        self._stream = stream
        self._call = call

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        # The call is over before its connection goes back to the pool: from then on another call may use the
        # connection, and this call's deadline or cancel must no longer be able to shut it.
        if self._call is not None:
            self._call.finish()
        close = getattr(self._stream, "close", None)
        if close is not None:
            with _httpx_errors():
                close()


# httpcore2's errors and httpx2's names for them, as httpx2's HTTPTransport maps them.
_HTTPX_ERRORS: dict[type[Exception], type[httpx2.HTTPError]] = {
    httpcore2.TimeoutException: httpx2.TimeoutException,
    httpcore2.ConnectTimeout: httpx2.ConnectTimeout,
    httpcore2.ReadTimeout: httpx2.ReadTimeout,
    httpcore2.WriteTimeout: httpx2.WriteTimeout,
    httpcore2.PoolTimeout: httpx2.PoolTimeout,
    httpcore2.NetworkError: httpx2.NetworkError,
    httpcore2.ConnectError: httpx2.ConnectError,
    httpcore2.ReadError: httpx2.ReadError,
    httpcore2.WriteError: httpx2.WriteError,
    httpcore2.ProxyError: httpx2.ProxyError,
    httpcore2.UnsupportedProtocol: httpx2.UnsupportedProtocol,
    httpcore2.ProtocolError: httpx2.ProtocolError,
    httpcore2.LocalProtocolError: httpx2.LocalProtocolError,
    httpcore2.RemoteProtocolError: httpx2.RemoteProtocolError,
}


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpcore2.RemoteProtocolError as err:
        not_http = _not_http(err)
        if not_http is not None:
            raise NotHttp(not_http) from err
        raise httpx2.RemoteProtocolError(str(err)) from err
    except Exception as err:
        # The most specific name: the first class in the error's own ancestry that has one.
        mapped = next((_HTTPX_ERRORS[kind] for kind in type(err).__mro__ if kind in _HTTPX_ERRORS), None)
        if mapped is None:
            raise
        raise mapped(str(err)) from err


def _not_http(err: httpcore2.RemoteProtocolError) -> str | None:
    """What shows that the answer is not HTTP, or None when the server only hung up part way."""
    head = bytes(getattr(_active, "head", b""))
    if head and not head.startswith(b"HTTP/"):
        # Something else altogether: how it began says more than the parser ("illegal request line").
        first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "backslashreplace")
        return f'it began "{first[:80]}"'
    if str(err).startswith(_HUNG_UP):
        return None
    return str(err)  # the parser found something HTTP does not allow


def _current() -> Call | None:
    call = getattr(_active, "call", None)
    return call if isinstance(call, Call) else None


def _attach(stream: httpcore2.NetworkStream) -> None:
    call = _current()
    if call is None:
        return
    sock = stream.get_extra_info("socket")
    if sock is not None:
        call.attach(sock)
    elif call.stopped is not None:
        raise httpcore2.ReadError("the call was stopped")


def _clamp(timeout: float | None) -> float | None:
    """A timeout for a step a shut socket cannot interrupt (a connect; a TLS handshake, whose socket changes
    hands): no longer than the current call has left."""
    call = _current()
    if call is None:
        return timeout
    left = call.remaining(timeout)
    if left is not None and left <= 0:
        raise httpcore2.ConnectTimeout("the call was stopped or its deadline passed")
    return left if timeout is None or left is None else min(timeout, left)


def _addresses(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of `host`, looked up within `timeout` and the current call's time (calls.look_up)."""
    try:
        return look_up(host, port, call=_current(), limit=_clamp(timeout))
    except TimeoutError:
        raise httpcore2.ConnectTimeout(f"looking up {host} took too long") from None
    except OSError as err:
        # Raised while handling it, as httpcore2's own backend does: the pool re-raises `from None`, which keeps
        # only the implicit context, and client.py reads the socket error (a DNS failure) from there.
        raise httpcore2.ConnectError(str(err)) from err


class _CallBackend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        # Each address in turn, as socket.create_connection tries them; the TLS layer still checks the name.
        last: httpcore2.ConnectError | None = None
        for address in _addresses(host, port, timeout):
            try:
                stream = self._inner.connect_tcp(
                    address, port, timeout=_clamp(timeout), local_address=local_address, socket_options=socket_options
                )
            except httpcore2.ConnectError as err:
                last = err
                continue
            _attach(stream)
            return _CallStream(stream)
        raise last or httpcore2.ConnectError(f"no address found for {host}")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _CallStream(httpcore2.NetworkStream):
    """A pooled connection may serve several calls, so the socket is registered with whichever call uses it."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        _attach(self._inner)
        data = self._inner.read(max_bytes, timeout)
        head = getattr(_active, "head", None)
        if head is not None and len(head) < _HEAD_BYTES:
            head += data[: _HEAD_BYTES - len(head)]
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _attach(self._inner)
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname=server_hostname, timeout=_clamp(timeout))
        _attach(tls)
        return _CallStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
