"""A socketserver whose shutdown() wakes its serving loop at once (the token server's and the demo server's)."""

from __future__ import annotations

import selectors
import socket
import socketserver
import threading
from contextlib import suppress
from typing import Any


class PromptShutdown(socketserver.TCPServer):
    """Mixed in before the server class (`class Server(PromptShutdown, ThreadingHTTPServer)`). The standard
    library's loop looks for shutdown() only between waits of `poll_interval` (every stop of the token server waited
    up to 0.1 s, of the demo server 50 ms); this one also waits on a socket pair that shutdown() writes to, so stop
    returns as soon as the loop has seen it. `poll_interval` then only says how soon a signal reaches a loop whose
    select() it cannot interrupt (Ctrl+C on Windows)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._waker, self._wake = socket.socketpair()
        self._waker.setblocking(False)
        # Never blocks: once the loop has ended nothing reads the pair, and every later shutdown() adds a byte.
        self._wake.setblocking(False)
        self._stop_asked = threading.Event()
        self._loop_ended = threading.Event()
        super().__init__(*args, **kwargs)  # a bind that fails calls server_close(), which closes the pair too

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._loop_ended.clear()
        self._drain_waker()  # a shutdown() of an earlier loop's
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self, selectors.EVENT_READ, data="request")
                selector.register(self._waker, selectors.EVENT_READ, data="wake")
                while not self._stop_asked.is_set():
                    ready = selector.select(poll_interval)
                    if self._stop_asked.is_set():
                        break
                    woken = {key.data for key, _ in ready}
                    if "wake" in woken:
                        self._drain_waker()  # a stale wake (stops racing a restart) must not spin the loop
                    if "request" in woken:
                        # What the standard library's loop calls here (typeshed does not list it).
                        self._handle_request_noblock()  # type: ignore[attr-defined]
                    self.service_actions()
        finally:
            self._stop_asked.clear()
            self._loop_ended.set()

    def shutdown(self) -> None:
        """Stop the loop serve_forever() runs in another thread, and wait until it has ended."""
        self._stop_asked.set()
        with suppress(OSError):  # the pair's buffer full of earlier wakes: the loop is awake anyway
            self._wake.send(b"\0")
        self._loop_ended.wait()

    def server_close(self) -> None:
        super().server_close()
        self._waker.close()
        self._wake.close()

    def _drain_waker(self) -> None:
        with suppress(OSError):
            while self._waker.recv(4096):
                pass
