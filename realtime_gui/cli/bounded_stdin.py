"""Reading a pipe with a deadline: what `verify` reads from standard input must arrive within its timeout.

Qt-free. A pipe whose writer never writes (or never closes it) would otherwise block the read for ever, and neither
select() on a pipe nor a read timeout exists on every OS; a daemon thread does the blocking read instead, and the
caller stops waiting at the deadline. The thread uses os.read, not sys.stdin: a daemon thread blocked inside a
buffered file at exit makes Python abort ("could not acquire lock … at interpreter shutdown").
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable

from realtime_gui.errors import InputError

_CHUNK = 64 * 1024


class StdinTimeout(InputError):
    """The input did not end, nor become complete, before the deadline."""

    def __init__(self, received: int) -> None:
        self.received = received  # bytes that did arrive
        super().__init__(f"{received} bytes arrived before the deadline")


def read_until(fd: int, *, complete: Callable[[bytes], bool], timeout: float, limit: int) -> bytes:
    """The bytes from `fd` up to its end, or up to the first moment `complete(data)` holds, or a little over
    `limit` bytes (the caller says it is too long); StdinTimeout when none of these happen within `timeout` s."""
    chunks: queue.Queue[bytes | None] = queue.Queue()
    threading.Thread(target=_pump, args=(fd, chunks, limit), name="stdin-reader", daemon=True).start()
    deadline = time.monotonic() + timeout
    data = bytearray()
    while True:
        try:
            chunk = chunks.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise StdinTimeout(len(data)) from None
        if chunk is None:
            return bytes(data)
        data += chunk
        if len(data) > limit or complete(bytes(data)):
            return bytes(data)


def _pump(fd: int, chunks: queue.Queue[bytes | None], limit: int) -> None:
    received = 0
    try:
        while received <= limit:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            received += len(chunk)
            chunks.put(chunk)
    except OSError:
        pass  # a closed or unreadable descriptor ends the input like EOF
    chunks.put(None)
