"""A hostile HTTP proxy on 127.0.0.1 that records everything it is sent: CONNECT to a name in its `routes` is
tunnelled to that port on 127.0.0.1 (the only place a name like api.example.test leads, so a test never leaves the
machine); anything else gets its `refusal`, which may echo what the client sent (its Proxy-Authorization)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Mapping

_HEAD_LIMIT = 64 * 1024
_IDLE_S = 10.0  # a client that connects and says nothing does not hold a thread for ever


def bad_gateway(head: bytes) -> bytes:
    return b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class RecordingProxy:
    """`with RecordingProxy(routes={"api.example.test:443": port}) as proxy:` serves at `proxy.url`."""

    def __init__(
        self, *, routes: Mapping[str, int] | None = None, refusal: Callable[[bytes], bytes] = bad_gateway
    ) -> None:
        self._routes = dict(routes or {})
        self._refusal = refusal
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._connections = 0
        self._received: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, name="recording-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self._port}"

    @property
    def connections(self) -> int:
        """How many connections were opened to the proxy at all."""
        with self._lock:
            return self._connections

    @property
    def received(self) -> list[bytes]:
        """The request head (up to the blank line) of each connection, in order."""
        with self._lock:
            return list(self._received)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
        self._listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections += 1
            threading.Thread(target=self._handle, args=(conn,), name="recording-proxy-conn", daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(_IDLE_S)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < _HEAD_LIMIT:
                    data = conn.recv(4096)
                    if not data:
                        break
                    head += data
            with self._lock:
                self._received.append(head)
            words = head.split(b"\r\n", 1)[0].split()
            target = words[1].decode("ascii", "replace") if len(words) > 1 else ""
            with contextlib.suppress(OSError):
                if words[:1] == [b"CONNECT"] and target in self._routes:
                    self._tunnel(conn, self._routes[target])
                else:
                    conn.sendall(self._refusal(head))

    @staticmethod
    def _tunnel(conn: socket.socket, port: int) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=_IDLE_S) as upstream:
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            conn.settimeout(None)
            upstream.settimeout(None)
            back = threading.Thread(target=_pump, args=(upstream, conn), daemon=True)
            back.start()
            _pump(conn, upstream)
            back.join(timeout=_IDLE_S)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
