"""The HTTP side of the local token server: one thread per connection, bounded and deadline-bound reading.

Qt-free. A request's head (at most 16 KiB) and body (at most 64 KiB, Content-Length only) must arrive within the
client timeout, or the connection is cut; at most 64 connections are open at once. http.server's own refusals
(bad syntax, too large) are answered as JSON and reported like any other answer; nothing is logged raw.
What to answer is TokenServer's decision (serve/server.py).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import re
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from realtime_gui.net.listening import PromptShutdown
from realtime_gui.serve.replies import Answerer, Incoming, Reply, header_text, own_error, served_now

MAX_LINE_BYTES = 8 * 1024
MAX_HEAD_BYTES = 16 * 1024
MAX_BODY_BYTES = 64 * 1024
MAX_CONNECTIONS = 64
log = logging.getLogger(__name__)

# http.server refuses these itself; our sentence replaces its HTML page (which would quote the garbage back).
_REFUSALS = {
    400: ("bad_request", "The request could not be understood as HTTP/1.1."),
    408: ("too_slow", "The request did not arrive in time; the connection is closed."),
    411: ("length_required", "Send the body with a Content-Length (chunked bodies are not accepted)."),
    413: ("body_too_large", f"The body is larger than {MAX_BODY_BYTES // 1024} KiB."),
    414: ("line_too_long", f"The request line is longer than {MAX_LINE_BYTES // 1024} KiB."),
    431: ("headers_too_large", f"The request headers are larger than {MAX_HEAD_BYTES // 1024} KiB."),
    505: ("http_version", "Only HTTP/1.0 and HTTP/1.1 are spoken here."),
}


class _HeadTooLarge(http.client.HTTPException):
    """The head went over its budget; http.server answers HTTPException from header parsing with 431."""


class _DeadlineReader:
    """The reading side of a connection: each request's head within a byte budget, all of it before a deadline."""

    def __init__(self, sock: socket.socket, original: io.BufferedIOBase) -> None:
        self._sock = sock
        self._original = original  # http.server's own file, unused but closed with us
        self._buffer = bytearray()
        self._deadline = 0.0
        self._head_left = MAX_HEAD_BYTES
        self.received_any = False

    def start_request(self, deadline: float) -> None:
        self._deadline = deadline
        self._head_left = MAX_HEAD_BYTES
        self.received_any = bool(self._buffer)

    def readline(self, size: int = -1) -> bytes:
        limit = self._head_left + 1 if size < 0 else min(size, self._head_left + 1)
        while b"\n" not in self._buffer and len(self._buffer) < limit and self._fill():
            pass
        end = self._buffer.find(b"\n", 0, limit)
        n = end + 1 if end >= 0 else min(len(self._buffer), limit)
        if n > self._head_left:
            raise _HeadTooLarge("request head too large")
        line = bytes(self._buffer[:n])
        del self._buffer[:n]
        self._head_left -= n
        return line

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size and self._fill():
            pass
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def close(self) -> None:
        self._original.close()

    def _fill(self) -> bool:
        # A socket timeout alone bounds each wait, not the whole: a client sending a byte a second would last.
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the client did not send its request in time")
        self._sock.settimeout(left)
        chunk = self._sock.recv(16 * 1024)
        if chunk:
            self.received_any = True
            self._buffer += chunk
        return bool(chunk)


class HttpServer(PromptShutdown, ThreadingHTTPServer):
    daemon_threads = True  # an idle keep-alive connection must not hold up Ctrl+C
    block_on_close = False
    request_queue_size = MAX_CONNECTIONS  # the default 5 drops a burst's connections, which retry after 1 s

    def __init__(self, app: Answerer, host: str, port: int, *, client_timeout: float) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.client_timeout = client_timeout
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._closed = False
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # HTTPServer's would look up the host's FQDN, a DNS query
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @property
    def host(self) -> str:
        return self.server_name

    @property
    def port(self) -> int:
        return self.server_port

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            accepted = not self._closed and len(self._open) < MAX_CONNECTIONS
            if accepted:
                self._open.add(request)
        if not accepted:
            request.close()  # at once: the accepting thread must not wait on it
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        try:
            request.shutdown(socket.SHUT_WR)
            # Read what the client still sends, briefly: closing with unread data resets the connection, which can
            # destroy our answer (a 413 or 431) before the client has read it.
            drained, until = 0, time.monotonic() + 0.1
            while drained < MAX_BODY_BYTES and (left := until - time.monotonic()) > 0:
                request.settimeout(left)
                chunk = request.recv(16 * 1024)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass
        request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        err = sys.exc_info()[1]
        if isinstance(err, OSError):  # the client went away mid-answer: its business, not an error here
            log.debug("connection ended: %s", type(err).__name__)
            return
        log.error("unexpected error on a connection (%s)", type(err).__name__, exc_info=log.isEnabledFor(logging.DEBUG))

    def close(self) -> None:
        """Stop accepting, and cut the open connections (a browser's keep-alive one could mint on otherwise)."""
        self.server_close()
        with self._open_lock:
            self._closed = True
            still_open = list(self._open)
        for sock in still_open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: HttpServer
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # never answer in HTTP/0.9 (a body with no status line)
    disable_nagle_algorithm = True  # without it each keep-alive answer stalls ~40 ms on loopback
    _reader: _DeadlineReader
    _parsed = False
    _responding = False

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection, self.rfile)
        self.rfile = cast(io.BufferedIOBase, self._reader)

    def version_string(self) -> str:
        return "realtime-gui"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # every answer is reported once, through TokenServer.record, escaped

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle_one_request(self) -> None:
        self.close_connection = True
        self.command, self.path, self.requestline = "", "", ""
        self.request_version = self.default_request_version
        self._parsed = self._responding = False  # what is known of this request, for the report and the 408
        self._reader.start_request(time.monotonic() + self.server.client_timeout)
        try:
            self.raw_requestline = self.rfile.readline(MAX_LINE_BYTES + 1)
            if not self.raw_requestline:
                return  # the client closed the connection
            if len(self.raw_requestline) > MAX_LINE_BYTES:
                self.send_error(414)
                return
            if not self.parse_request():
                return  # refused, through send_error
            self._parsed = True
            self._answer()
            self.wfile.flush()
        except TimeoutError:
            if self._reader.received_any and not self._responding:
                self.send_error(408)
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self._refuse(code, *_REFUSALS.get(code, _REFUSALS[400]))

    def _refuse(self, code: int, error: str, sentence: str) -> None:
        """Answer `code` without reading further, and close: what follows on this connection is never a request."""
        self.close_connection = True
        incoming = self._incoming(b"")
        with contextlib.suppress(OSError):
            self._send(incoming, self.server.app.with_cors(incoming.origin, own_error(code, error, sentence)))

    def _answer(self) -> None:
        lengths = self.headers.get_all("Content-Length") or []
        chunked = self.headers.get("Transfer-Encoding") is not None
        # RFC 9112 6.3: a second Content-Length, or one beside Transfer-Encoding, frames the body two ways. Reading
        # it one way left the rest to be read as a request of its own (smuggled: a second token), so neither is read.
        if len(lengths) > 1 or (chunked and lengths):
            self._refuse(
                400,
                "ambiguous_length",
                "The request gives its body's length more than one way (Content-Length twice, or with "
                "Transfer-Encoding); send one Content-Length.",
            )
            return
        if chunked:
            self.send_error(411)
            return
        length_text = lengths[0] if lengths else None
        length = 0
        if length_text is not None:
            if not re.fullmatch(r"\s*\d{1,9}\s*", length_text):
                self.send_error(400)
                return
            length = int(length_text)
            if length > MAX_BODY_BYTES:
                self.send_error(413)
                return
        body = self._reader.read(length) if length else b""
        if len(body) < length:
            self.close_connection = True  # the client closed mid-body: nobody to answer
            return
        incoming = self._incoming(body)
        self._send(incoming, self.server.app.answer(incoming))

    def _incoming(self, body: bytes) -> Incoming:
        def only(name: str) -> str | None:
            # Two Host or Origin headers are joined, which no rule accepts.
            values = self.headers.get_all(name) if self._parsed else None
            return ", ".join(values) if values else None

        return Incoming(
            method=self.command or "-",
            path=self.path or "-",
            host=only("Host"),
            origin=only("Origin"),
            body=body,
            fetch_site=only("Sec-Fetch-Site"),
            fetch_mode=only("Sec-Fetch-Mode"),
            fetch_dest=only("Sec-Fetch-Dest"),
            user_agent=only("User-Agent"),
        )

    def _send(self, incoming: Incoming, reply: Reply) -> None:
        self._responding = True
        # Reported before it is written, so whoever reads the counts after the client has its answer sees it.
        self.server.app.record(served_now(incoming, reply))
        self.connection.settimeout(self.server.client_timeout)  # a client that does not read is cut off too
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, header_text(value, limit=MAX_LINE_BYTES))  # ASCII: http.server fails on others
        if reply.status != 204:
            self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and reply.body:
            self.wfile.write(reply.body)
