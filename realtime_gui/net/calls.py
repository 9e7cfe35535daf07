"""A call's stop switch: one deadline for the whole call, and a cancel that works from any thread.

Qt-free and httpx2-free, so the window makes one in the GUI thread without loading the HTTP stack. The thread that
makes the call registers every socket it uses (transport.py does it under httpx2); `cancel()` from any thread, or
the deadline passing, shuts those sockets down, so a read or write blocked on them returns at once and the server
sees the connection close. The same mechanism serves both, so a cancelled call and a late one end the same way.

What a shut socket cannot stop: a TCP connect already under way (bounded by the connect timeout, which is clamped
to what is left of the deadline). A name lookup has no socket at all; transport.py waits for it only as long as
the call may last.

Once `finish()` returns, nothing this Call does touches those sockets again, so the connection can go back to a
pool and on to another call: a deadline or cancel that fires just as the call ends either shuts the socket before
`finish()` (the call still owns it) or finds nothing left to shut.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from typing import Literal

StopReason = Literal["cancelled", "deadline"]

# The C-level shutdown, also for an SSLSocket: SSLSocket.shutdown would drop its TLS state under the feet of the
# thread that is reading, while this only tells the kernel to end the connection.
_shutdown = socket.socket.shutdown


class Call:
    """One call's deadline and cancel switch. Made by whoever may want to stop the call; used by one call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._stopped: StopReason | None = None
        self._deadline: float | None = None
        self._timer: threading.Timer | None = None
        self._finished = False

    @property
    def stopped(self) -> StopReason | None:
        """Why the call was stopped ("cancelled" or "deadline"), or None while it may run."""
        return self._stopped

    def cancel(self) -> None:
        """Stop the call now, from any thread: it ends with an error at its next (or current) socket operation."""
        self._stop("cancelled")

    def start(self, seconds: float) -> None:
        """Start the deadline: `seconds` from now the call is stopped, whatever it is doing with its sockets."""
        timer = threading.Timer(seconds, self._stop, args=("deadline",))
        timer.daemon = True  # never what keeps the process alive
        with self._lock:
            if self._timer is not None or self._stopped is not None or self._finished:
                return
            self._deadline = time.monotonic() + seconds
            self._timer = timer
        timer.start()

    def remaining(self, default: float | None = None) -> float | None:
        """Seconds left before the deadline (0 once it passed); `default` when none was started."""
        if self._stopped is not None:
            return 0.0
        if self._deadline is None:
            return default
        return max(0.0, self._deadline - time.monotonic())

    def attach(self, sock: socket.socket) -> None:
        """Register a socket this call is about to use; shut at once if the call was already stopped."""
        with self._lock:
            if self._stopped is None:
                self._sockets.add(sock)
                return
        _shut(sock)

    def finish(self) -> None:
        """The call is over: stop the deadline's timer and forget the sockets, which may then go back to a pool.
        Waits for a shutdown already under way, so none can reach a socket after it has been handed on."""
        with self._lock:
            timer, self._timer = self._timer, None
            self._sockets.clear()
            self._finished = True
            if self._stopped is None:
                self._deadline = None
        if timer is not None:
            timer.cancel()

    def _stop(self, reason: StopReason) -> None:
        with self._lock:
            if self._stopped is not None or self._finished:
                return
            self._stopped = reason
            # Under the lock, so finish() is ordered after it: shutdown() does not block (it only tells the
            # kernel), and without the lock a deadline firing as the call ends could shut a connection that has
            # since gone back to the pool and on to another call.
            for sock in self._sockets:
                _shut(sock)
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # Shutdown, not close: the fd stays owned by the thread using it (closing it under that thread could hand
    # the number to another socket); the blocked recv returns b"" and the peer gets a FIN.
    with suppress(OSError):
        _shutdown(sock, socket.SHUT_RDWR)
