"""The socket layer under httpx: ties each socket a call uses to that call's `Call` (deadline and cancel).

httpx's timeouts are per operation: a server that sends a byte a second, or `103 Early Hints` for ever, never
trips them. Wrapping httpcore's network backend lets every read, write and TLS handshake register its socket with
the `Call` of the thread making it, so the call's deadline or a cancel from another thread can shut it down.
Imported by client.py only, so it is loaded with the HTTP stack and never at the app's start-up.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from realtime_gui.calls import Call

_active = threading.local()  # .call: the Call of the request this thread is making, if any


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


def install(client: httpx.Client) -> None:
    """Put the call-aware backend under every connection pool `client` built: the direct one and any proxy's
    from the environment. httpx has no option for httpcore's backend, so its pools are reached directly."""
    for transport in (client._transport, *client._mounts.values()):
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore.ConnectionPool) and not isinstance(pool._network_backend, _CallBackend):
            pool._network_backend = _CallBackend(pool._network_backend)


def _current() -> Call | None:
    call = getattr(_active, "call", None)
    return call if isinstance(call, Call) else None


def _attach(stream: httpcore.NetworkStream) -> None:
    call = _current()
    if call is None:
        return
    sock = stream.get_extra_info("socket")
    if sock is not None:
        call.attach(sock)
    elif call.stopped is not None:
        raise httpcore.ReadError("the call was stopped")


def _clamp(timeout: float | None) -> float | None:
    """A timeout for a step a shut socket cannot interrupt (a connect; a TLS handshake, whose socket changes
    hands): no longer than the current call has left."""
    call = _current()
    if call is None:
        return timeout
    left = call.remaining(timeout)
    if left is not None and left <= 0:
        raise httpcore.ConnectTimeout("the call was stopped or its deadline passed")
    return left if timeout is None or left is None else min(timeout, left)


class _CallBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, timeout=_clamp(timeout), local_address=local_address, socket_options=socket_options
        )
        wrapped = _CallStream(stream)
        _attach(stream)
        return wrapped

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _CallStream(self._inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _CallStream(httpcore.NetworkStream):
    """A pooled connection may serve several calls, so the socket is registered with whichever call uses it."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        _attach(self._inner)
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _attach(self._inner)
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname=server_hostname, timeout=_clamp(timeout))
        _attach(tls)
        return _CallStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
