"""A call's stop switch: one deadline for the whole call, and a cancel that works from any thread.

Qt-free and httpx2-free, so the window makes one in the GUI thread without loading the HTTP stack. The thread that
makes the call registers every socket it uses (transport.py does it under httpx2); `cancel()` from any thread, or
the deadline passing, shuts those sockets down, so a read or write blocked on them returns at once and the server
sees the connection close. The same mechanism serves both, so a cancelled call and a late one end the same way.

What a shut socket cannot stop: a TCP connect already under way (bounded by the connect timeout, which is clamped
to what is left of the deadline). A name lookup has no socket at all; `look_up` waits for it only as long as the
call may last (transport.py and verify/session.py look every name up through it).

Once `finish()` returns, nothing this Call does touches those sockets again, so the connection can go back to a
pool and on to another call: a deadline or cancel that fires just as the call ends either shuts the socket before
`finish()` (the call still owns it) or finds nothing left to shut.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from contextlib import suppress
from typing import Literal

StopReason = Literal["cancelled", "deadline"]

# The C-level shutdown, also for an SSLSocket: SSLSocket.shutdown would drop its TLS state under the feet of the
# thread that is reading, while this only tells the kernel to end the connection.
_shutdown = socket.socket.shutdown
# How often a name lookup in progress checks whether its call was stopped.
_LOOKUP_POLL_S = 0.05


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


def look_up(host: str, port: int, *, call: Call | None, limit: float | None) -> list[str]:
    """The addresses of `host`, each once in the resolver's order, looked up within `limit` seconds and while `call`
    runs: TimeoutError when either ends first, the resolver's OSError (socket.gaierror) when it fails. The OS
    resolver cannot be interrupted and has timeouts of its own (tens of seconds, when no DNS server answers), so it
    runs in a daemon thread that is left behind if it takes too long."""
    try:
        ipaddress.ip_address(host)
        return [host]  # nothing to look up
    except ValueError:
        pass
    found: list[str] = []
    failed: list[OSError] = []
    done = threading.Event()

    def resolve() -> None:
        try:
            found.extend(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as err:
            failed.append(err)
        finally:
            done.set()

    threading.Thread(target=resolve, name=f"lookup-{host}", daemon=True).start()
    end = None if limit is None else time.monotonic() + limit
    while not done.wait(_LOOKUP_POLL_S if end is None else min(_LOOKUP_POLL_S, max(0.0, end - time.monotonic()))):
        if (call is not None and call.stopped is not None) or (end is not None and time.monotonic() >= end):
            raise TimeoutError(f"looking up {host} took too long")
    if failed:
        raise failed[0]
    return list(dict.fromkeys(found))
