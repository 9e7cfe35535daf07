"""A deliberately hostile HTTP server on 127.0.0.1: one server, one mode per misbehaviour.

The mode is the first path segment of the base URL, so one running server serves every case:
`server.base_url("slow-headers")` -> `http://127.0.0.1:PORT/slow-headers/v1`, and the client's POST to
`…/slow-headers/v1/realtime/client_secrets` is answered by the handler registered as "slow-headers".

Handlers write raw bytes to the socket, so they can break HTTP in ways no framework would let them. Add a case with

    @mode("name")
    def _name(conn: Connection) -> None: ...

Every handler must end by itself or when `conn.stopping` is set (the server's `stop()` sets it and closes every
socket), so a test never leaves a thread behind.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import select
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import formatdate

_MAX_REQUEST_BYTES = 1024 * 1024


@dataclass
class Connection:
    """One accepted connection and the request read from it."""

    sock: socket.socket
    method: str
    path: str  # below the mode segment, e.g. /v1/realtime/client_secrets
    headers: dict[str, str]  # lower-cased names
    body: bytes
    stopping: threading.Event
    hung_up: threading.Event = field(default_factory=threading.Event)  # the client closed it
    stalled: threading.Event = field(default_factory=threading.Event)  # the client stopped reading (a flood's goal)
    mode: str = ""  # the mode it was served by (its path's first segment)
    options: dict[str, str] = field(default_factory=dict)  # the server's `options`, set by a test for its modes

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the server is stopping (the handler should return)."""
        return self.stopping.wait(seconds)


Handler = Callable[[Connection], None]
MODES: dict[str, Handler] = {}


def mode(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        MODES[name] = handler
        return handler

    return register


def response(status: int, body: bytes, *, reason: str = "", headers: dict[str, str] | None = None) -> bytes:
    """A complete HTTP/1.1 response with Content-Length, as bytes."""
    lines = [f"HTTP/1.1 {status} {reason or 'Status'}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in {"Date": formatdate(usegmt=True), **(headers or {})}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def token_body(*, value: str = "ek_hostile_0123456789abcdef", expires_at: object = None) -> bytes:
    """A GA client-secret answer (the shape `realtime` expects)."""
    when = int(time.time()) + 600 if expires_at is None else expires_at
    return json.dumps(
        {"value": value, "expires_at": when, "session": {"type": "realtime", "id": "sess_hostile"}}
    ).encode()


@mode("ok")
def _ok(conn: Connection) -> None:
    conn.send(response(200, token_body(), headers={"Content-Type": "application/json", "x-request-id": "req_ok"}))


@mode("redirect")
def _redirect(conn: Connection) -> None:
    """A 307 to the "ok" mode of this very server: a client that follows it would carry the key along."""
    host, port = conn.sock.getsockname()[:2]
    where = f"http://{host}:{port}/ok{conn.path}"
    conn.send(response(307, b"", reason="Temporary Redirect", headers={"Location": where}))


@mode("hang")
def _hang(conn: Connection) -> None:
    _until_hangup(conn, 3600)


# -- transport modes --
# Servers that break the transport rather than the answer's content: they stall, trickle, flood or bomb. Each
# ends when the client hangs up (recorded in `conn.hung_up`, so a test can check that a cancel really closed the
# connection) or when the server stops.

_EARLY_HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </app.js>; rel=preload\r\n\r\n"
BOMB_DECODED_BYTES = 1 << 30  # what the stacked-gzip bomb inflates to: 1 GiB


@mode("slow-headers")
def _slow_headers(conn: Connection) -> None:
    # A status line and headers at one byte a second: every read gets a byte long before any per-read timeout.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Slow: " + b"z" * 10_000 + b"\r\n\r\n"
    _trickle(conn, head, interval=1.0)


@mode("early-hints")
def _early_hints(conn: Connection) -> None:
    # `103 Early Hints` for ever: each is a complete informational response, so the client keeps waiting for the
    # final one.
    while not conn.wait(0.005):
        if not _send(conn, _EARLY_HINTS):
            return


@mode("gzip-bomb")
def _gzip_bomb(conn: Connection) -> None:
    # ~11 KB on the wire, 1 GiB once both gzip layers are undone.
    body = gzip_bomb()
    if _send(conn, _head(len(body), "Content-Encoding: gzip, gzip\r\n") + body):
        _until_hangup(conn, 60)


@mode("slow-body")
def _slow_body(conn: Connection) -> None:
    # Headers at once, then the body a byte every 50 ms: never idle long enough for a read timeout.
    body = token_body()
    if _send(conn, _head(len(body))):
        _trickle(conn, body, interval=0.05)


@mode("big-headers")
def _big_headers(conn: Connection) -> None:
    # 1 MiB of header lines before a good body.
    body = token_body()
    filler = "".join(f"X-Filler-{i}: {'h' * 1000}\r\n" for i in range(1024))
    if _send(conn, _head(len(body), filler) + body):
        _until_hangup(conn, 60)


@mode("big-body")
def _big_body(conn: Connection) -> None:
    # A 64 MiB JSON string, plainly encoded, sent as fast as the client reads it.
    size, chunk = 64 << 20, b" " * 65536
    if not _send(conn, _head(size) + b'"'):
        return
    for _ in range(size // len(chunk)):
        if conn.stopping.is_set() or not _send(conn, chunk):
            return


def _head(length: int, extra: str = "") -> bytes:
    """A 200 status line and headers for a JSON body of `length` bytes; `extra` is more header lines."""
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n{extra}\r\n".encode()


@functools.cache
def gzip_bomb() -> bytes:
    """Zeros, gzipped twice: `BOMB_DECODED_BYTES` decoded. Built once per process, in well under a second: each
    megabyte of zeros is deflated once, and a full flush after it makes every megabyte's bytes the same, so the inner
    stream is that piece repeated (a plain deflate of the whole took seconds; the decoded bytes are the same)."""
    block = bytes(1 << 20)
    count = BOMB_DECODED_BYTES // len(block)
    deflate = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate: the gzip frame is written here
    piece = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no flags, no time, any OS
    trailer = crc.to_bytes(4, "little") + (BOMB_DECODED_BYTES % (1 << 32)).to_bytes(4, "little")
    inner = header + piece * count + deflate.flush() + trailer
    return gzip.compress(inner, 9)


def _send(conn: Connection, data: bytes) -> bool:
    """Send `data`; False (and `conn.hung_up` set) when the client has gone."""
    try:
        conn.send(data)
    except OSError:
        conn.hung_up.set()
        return False
    return True


def _trickle(conn: Connection, data: bytes, *, interval: float) -> None:
    for i in range(len(data)):
        if not _send(conn, data[i : i + 1]) or _until_hangup(conn, interval):
            return


def _chunks(conn: Connection, seconds: float) -> Iterator[bytes]:
    """What the client sends, as it comes, for up to `seconds`; ends early when it hangs up (`hung_up` is set then)
    or the server stops."""
    end = time.monotonic() + seconds
    while not conn.stopping.is_set() and (left := end - time.monotonic()) > 0:
        readable, _, _ = select.select([conn.sock], [], [], min(left, 0.05))
        if not readable:
            continue
        try:
            data = conn.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            conn.hung_up.set()
            return
        yield data


def _until_hangup(conn: Connection, seconds: float) -> bool:
    """Wait up to `seconds` for the client to close the connection; True when it did or the server is stopping."""
    for _ in _chunks(conn, seconds):
        pass
    return conn.hung_up.is_set() or conn.stopping.is_set()


class HostileServer:
    """`with HostileServer() as server:` serves every mode at `server.base_url(mode)` until the block ends."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.stopping = threading.Event()
        self.requests: list[Connection] = []
        self.options: dict[str, str] = {}  # what a mode may need from the test, e.g. where to redirect
        self.arrived = threading.Event()  # set at the first request
        self._threads: list[threading.Thread] = []
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept_loop, name="hostile-accept", daemon=True)

    def base_url(self, mode_name: str) -> str:
        if mode_name not in MODES:
            raise KeyError(f"no hostile mode {mode_name!r}; known: {', '.join(sorted(MODES))}")
        return f"http://127.0.0.1:{self.port}/{mode_name}/v1"

    def start(self) -> HostileServer:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() now, not at its next 50 ms timeout
        self._acceptor.join(5)
        with self._lock:
            for sock in self._socks:
                _close(sock)
            threads = list(self._threads)
        for thread in threads:
            thread.join(5)
        self._listener.close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            thread = threading.Thread(target=self._serve, args=(sock,), name="hostile-conn", daemon=True)
            with self._lock:
                self._socks.append(sock)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            conn = self._read_request(sock)
            if conn is None:
                return
            self.requests.append(conn)
            self.arrived.set()
            segments = conn.path.split("/", 2)  # "", mode, rest
            handler = MODES.get(segments[1]) if len(segments) > 1 else None
            if handler is None:
                conn.send(response(404, b"no such mode"))
                return
            conn.mode, conn.path = segments[1], "/" + (segments[2] if len(segments) > 2 else "")
            handler(conn)
        except OSError:
            pass  # the client hung up, or stop() closed the socket: both are expected here
        finally:
            _close(sock)

    def _read_request(self, sock: socket.socket) -> Connection | None:
        sock.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk or len(data) > _MAX_REQUEST_BYTES:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(body) < min(length, _MAX_REQUEST_BYTES):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return Connection(
            sock=sock,
            method=method,
            path=path,
            headers=headers,
            body=body,
            stopping=self.stopping,
            options=self.options,
        )


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@contextmanager
def running() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


# -- answer modes --
# Answers that arrive whole and on time but cannot be used, or try to smuggle something onto the user's screen:
# the key echoed back, terminal control codes, JSON no parser should recurse into, numbers no clock can hold.

ESCAPES = "\x1b[2J\x1b]0;owned\x07\r\x08\x9b31m\u202egnp.exe\u2066\x7f"  # clear, retitle, bell, CR, C1, bidi, DEL


def sent_key(conn: Connection) -> str:
    """The key the client sent, whichever header carried it."""
    bearer = conn.headers.get("authorization", "")
    return bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else conn.headers.get("api-key", "")


def _json(status: int, data: object, *, reason: str = "", headers: dict[str, str] | None = None) -> bytes:
    body = json.dumps(data).encode()
    return response(status, body, reason=reason, headers={"Content-Type": "application/json", **(headers or {})})


@mode("deep-json")
def _deep_json(conn: Connection) -> None:
    conn.send(response(200, b"[" * 100_000 + b"]" * 100_000, headers={"Content-Type": "application/json"}))


@mode("token-surrogate")
def _token_surrogate(conn: Connection) -> None:
    conn.send(response(200, token_body(value="ek_\ud800lone_surrogate_0123456789"), headers={"x-request-id": "req_s"}))


@mode("token-control")
def _token_control(conn: Connection) -> None:
    conn.send(response(200, token_body(value=f"ek_{ESCAPES}0123456789")))


@mode("token-huge")
def _token_huge(conn: Connection) -> None:
    conn.send(response(200, token_body(value="ek_" + "a" * 100_000)))


@mode("token-number")
def _token_number(conn: Connection) -> None:
    conn.send(_json(200, {"value": 12345, "expires_at": int(time.time()) + 600}))


@mode("expiry-huge")
def _expiry_huge(conn: Connection) -> None:
    conn.send(response(200, token_body(expires_at=int("9" * 4000))))


@mode("expiry-milliseconds")
def _expiry_milliseconds(conn: Connection) -> None:
    conn.send(response(200, token_body(expires_at=int(time.time() + 600) * 1000)))


@mode("expiry-string")
def _expiry_string(conn: Connection) -> None:
    conn.send(response(200, token_body(expires_at=str(int(time.time()) + 600))))


@mode("not-an-object")
def _not_an_object(conn: Connection) -> None:
    conn.send(_json(200, ["ek_in_a_list_0123456789", int(time.time()) + 600]))


@mode("secret-not-an-object")
def _secret_not_an_object(conn: Connection) -> None:
    """For the beta endpoints, whose token sits in client_secret."""
    conn.send(_json(200, {"client_secret": "ek_flat_0123456789", "expires_at": int(time.time()) + 600}))


@mode("echo-error")
def _echo_error(conn: Connection) -> None:
    """A 401 that echoes the key in every field the client might show, in the reason phrase and the request id."""
    key = sent_key(conn)
    error = {"message": f"Incorrect API key provided: {key}.", "type": key, "code": key.upper(), "param": key}
    conn.send(_json(401, {"error": error}, reason=f"Bad key {key}", headers={"x-request-id": key}))


@mode("echo-html")
def _echo_html(conn: Connection) -> None:
    key = sent_key(conn)
    page = f"<html><head><title>Denied {key}</title></head><body>{key}</body></html>".encode()
    conn.send(response(502, page, reason=key, headers={"Content-Type": "text/html", "x-request-id": key}))


@mode("echo-token")
def _echo_token(conn: Connection) -> None:
    """A usable token whose answer echoes the key (as sent and in capitals) in the session and the request id."""
    key = sent_key(conn)
    data = {
        "value": "ek_echo_0123456789abcdef",
        "expires_at": int(time.time()) + 600,
        "session": {"type": "realtime", "id": key, "model": key.upper(), "instructions": f"key={key}"},
    }
    conn.send(_json(200, data, headers={"x-request-id": key}))


LONG_REQUEST_ID = "req_" + "7" * 304  # 308 characters: cleaned, it is cut and ends in "…"


@mode("long-request-id")
def _long_request_id(conn: Connection) -> None:
    """A usable token whose request id is far longer than any real one."""
    conn.send(
        response(200, token_body(), headers={"Content-Type": "application/json", "x-request-id": LONG_REQUEST_ID})
    )


@mode("control-error")
def _control_error(conn: Connection) -> None:
    """Terminal control codes in every field of an error, in its reason phrase and request id (C1 as a raw byte),
    and a message far longer than any real one."""
    error = {
        "message": f"Denied{ESCAPES}\nrequest id: fake\ud800" + "x" * 1_000_000,
        "type": f"invalid{ESCAPES}",
        "code": f"\x1b[31mcode{ESCAPES}",
        "param": f"session.model{ESCAPES}",
    }
    conn.send(_json(400, {"error": error}, reason="Bad\x9bRequest", headers={"x-request-id": "req_\x9b31m_c1"}))


@mode("control-token")
def _control_token(conn: Connection) -> None:
    """A usable token whose session id, model, instructions and request id carry terminal control codes; the model
    name is also far too long to fit the window."""
    session = {"type": "realtime", "id": f"sess_{ESCAPES}", "model": f"gpt{ESCAPES}" + "-mini" * 60}
    data = {
        "value": "ek_control_0123456789abcdef",
        "expires_at": int(time.time()) + 600,
        "session": {**session, "instructions": ESCAPES},
    }
    conn.send(_json(200, data, headers={"x-request-id": "req_\x9b31m_c1"}))


@mode("date-overflow")
def _date_overflow(conn: Connection) -> None:
    """A usable token with a Date header whose year no calendar holds."""
    date = "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"
    conn.send(response(200, token_body(), headers={"Content-Type": "application/json", "Date": date}))


@mode("retry-forever")
def _retry_forever(conn: Connection) -> None:
    """A rate limit asking the client to wait longer than any clock counts."""
    error = {"message": "Rate limit reached.", "type": "requests", "code": "rate_limit_exceeded", "param": None}
    conn.send(_json(429, {"error": error}, headers={"Retry-After": "1e400"}))


# -- answers that are not HTTP --
# What a base URL pointing at another kind of server gets back, or a server that writes broken HTTP; and, to tell
# them apart, an answer that is HTTP but cut off.

SSH_BANNER = "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13"


@mode("ssh-banner")
def _ssh_banner(conn: Connection) -> None:
    """An SSH server: its banner, then (as sshd does, given an HTTP request instead of a banner) a complaint."""
    conn.send(f"{SSH_BANNER}\r\nInvalid SSH identification string.\r\n".encode())


@mode("not-http")
def _not_http(conn: Connection) -> None:
    """A token answer without status line or headers, led by terminal control codes."""
    conn.send(ESCAPES.encode() + b"\r\n" + token_body())


@mode("bad-header-name")
def _bad_header_name(conn: Connection) -> None:
    body = token_body()
    conn.send(b"HTTP/1.1 200 OK\r\nBad Header: x\r\n" + _head(len(body)).split(b"\r\n", 1)[1] + body)


@mode("echo-bad-header")
def _echo_bad_header(conn: Connection) -> None:
    """A header line HTTP does not allow, which the parser quotes, holding the key and a control code."""
    body = token_body()
    line = f"X-Echo {sent_key(conn)}\x1b[2J: 1\r\n".encode()
    conn.send(b"HTTP/1.1 200 OK\r\n" + line + _head(len(body)).split(b"\r\n", 1)[1] + body)


@mode("cut-off")
def _cut_off(conn: Connection) -> None:
    """Real HTTP, broken off in the middle of the headers."""
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Le")


# -- answers small enough, but costly to hold --

ANSWER_LIMIT = 4 * 1024 * 1024  # what both the token client and a token check accept: 4 MiB


def tiny_arrays(head: dict[str, object], *, limit: int = ANSWER_LIMIT) -> bytes:
    """`head` as JSON with a "pad" of `[[]]` after `[[]]` (two values in four bytes), to just under `limit` bytes:
    valid, under every byte and depth limit, and some 840,000 arrays once parsed."""
    start = json.dumps(head)[:-1].encode() + b', "pad": ['
    count = (limit - len(start) - 64) // 5
    return start + b",".join([b"[[]]"] * count) + b"]}"


@mode("tiny-arrays")
def _tiny_arrays(conn: Connection) -> None:
    body = tiny_arrays(json.loads(token_body()))
    conn.send(response(200, body, headers={"Content-Type": "application/json"}))


# -- WebSocket modes --
# The token check's upgrade (GET …/v1/realtime) answered by servers that redirect it, flood it, stream for ever, or
# get the handshake wrong. The base URL is http://, so the session URL is ws:// on this same server and mode. A POST
# (a mint) is answered with a good token, so the window can mint from a mode's profile and then Test there.

_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _CLOSE, _PING = 0x1, 0x8, 0x9


def ws_accept(conn: Connection) -> str:
    """The Sec-WebSocket-Accept that proves the server read this client's key (RFC 6455 4.2.2)."""
    key = conn.headers.get("sec-websocket-key", "")
    return base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()


def ws_switch(conn: Connection, *, accept: str | None = None) -> bytes:
    """The 101 answer to the upgrade, with the right accept unless another is given."""
    head = (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept if accept is not None else ws_accept(conn)}\r\n\r\n"
    )
    return head.encode()


def ws_frame(payload: bytes | str, *, opcode: int = _TEXT) -> bytes:
    """One unmasked, final frame, as a server sends it."""
    data = payload.encode() if isinstance(payload, str) else payload
    size = len(data)
    if size < 126:
        length = bytes([size])
    elif size < 1 << 16:
        length = bytes([126]) + size.to_bytes(2, "big")
    else:
        length = bytes([127]) + size.to_bytes(8, "big")
    return bytes([0x80 | opcode]) + length + data


def ws_event(data: object) -> bytes:
    return ws_frame(json.dumps(data))


def session_created(session_id: str = "sess_hostile", **session: object) -> bytes:
    return ws_event({"type": "session.created", "session": {"id": session_id, "model": "gpt-realtime", **session}})


def _client_frame(data: bytes) -> tuple[int, bytes, bytes] | None:
    """The first frame in `data` as a client sends it (masked): its opcode, its payload unmasked, and what follows;
    None while it has not all arrived."""
    if len(data) < 2:
        return None
    opcode, size, at = data[0] & 0x0F, data[1] & 0x7F, 2
    if size >= 126:
        at = 4 if size == 126 else 10
        if len(data) < at:
            return None
        size = int.from_bytes(data[2:at], "big")
    mask = data[at : at + 4] if data[1] & 0x80 else bytes(4)
    at += 4 if data[1] & 0x80 else 0
    if len(data) < at + size:
        return None
    payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(data[at : at + size]))
    return opcode, payload, data[at + size :]


_MAX_PARTIAL = 1 << 20  # bytes of an unfinished frame kept


def _until_closed(conn: Connection, seconds: float) -> None:
    """After a mode's misbehaviour, behave: read what the client sends until it closes the session, and answer its
    close frame as a server does (the client would otherwise wait its close timeout out, a second a test, for
    nothing the test is about); or until it hangs up, or the server stops, or `seconds` pass."""
    received = b""
    for data in _chunks(conn, seconds):
        received += data
        while (frame := _client_frame(received)) is not None:
            opcode, payload, received = frame
            if opcode == _CLOSE:
                _send(conn, ws_frame(payload[:2], opcode=_CLOSE))  # the code it closed with, back
                return
        if len(received) > _MAX_PARTIAL:
            return  # no client of these tests sends a frame this long: not one to wait for


def ws_mode(name: str) -> Callable[[Handler], Handler]:
    """Register a WebSocket mode: its handler answers the upgrade; a mint (POST) gets the "ok" answer."""

    def register(handler: Handler) -> Handler:
        def serve(conn: Connection) -> None:
            if conn.method == "POST":
                _ok(conn)
            else:
                handler(conn)

        MODES[name] = serve
        return handler

    return register


@mode("moved")
def _moved(conn: Connection) -> None:
    """Where the same-origin redirect points: any request here is a request that should never have come."""
    conn.send(response(404, b"nothing here"))


@ws_mode("ws-redirect")
def _ws_redirect(conn: Connection) -> None:
    """A 302 at the upgrade to another path of this very server (a client that follows sends the token again)."""
    where = f"/moved{conn.path}"
    conn.send(response(302, b"", reason="Found", headers={"Location": where}))


@ws_mode("ws-redirect-away")
def _ws_redirect_away(conn: Connection) -> None:
    """A 307 at the upgrade to the ws:// URL in `options["location"]`: another port, another server."""
    where = conn.options["location"]
    conn.send(response(307, b"", reason="Temporary Redirect", headers={"Location": where}))


@ws_mode("ws-ping-flood")
def _ws_ping_flood(conn: Connection) -> None:
    """Pings as fast as the socket takes them, and never a read: the client's pongs pile up until its writes block."""
    _flood_pings(conn, ws_switch(conn))


@ws_mode("ws-ping-flood-open")
def _ws_ping_flood_open(conn: Connection) -> None:
    """The session opens, then the ping flood: the text turn's own writes wait behind the blocked pongs."""
    _flood_pings(conn, ws_switch(conn) + session_created())


def _flood_pings(conn: Connection, opening: bytes) -> None:
    """Send pings until the client hangs up; `conn.stalled` is set once it stops reading them. `conn.hung_up` may
    never be set: the client's FIN waits behind the pongs we never read, so only a reset (unread pings left on its
    side when it closes) reaches us."""
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # its pongs fill our side sooner
    if not _send(conn, opening):
        return
    conn.sock.setblocking(False)  # partial sends, so a frame is never cut when the client stops reading
    burst = ws_frame(b"p" * 125, opcode=_PING) * 64
    pending = burst
    while not conn.stopping.is_set():
        _, writable, _ = select.select([], [conn.sock], [], 0.2)
        if not writable:
            conn.stalled.set()  # its reads have stopped: its reader thread is stuck writing a pong we never read
            continue
        try:
            sent = conn.sock.send(pending)
        except BlockingIOError:
            continue
        except OSError:
            conn.hung_up.set()
            return
        pending = pending[sent:] or burst


@ws_mode("ws-endless-reply")
def _ws_endless_reply(conn: Connection) -> None:
    """The session opens, then the reply to anything said streams for ever: 64 KiB deltas, as fast as read."""
    if not _send(conn, ws_switch(conn) + session_created()):
        return
    delta = ws_event({"type": "response.output_text.delta", "delta": "endless " * 8192})
    while not conn.stopping.is_set():
        if not _send(conn, delta):
            return


LONG_REPLY_CHARS = 4 * 1024 * 1024


@ws_mode("ws-long-reply")
def _ws_long_reply(conn: Connection) -> None:
    """The session opens, and the reply is LONG_REPLY_CHARS of text in 4 KiB deltas, then response.done."""
    if not _send(conn, ws_switch(conn) + session_created()):
        return
    piece = "long " * 819 + "l"  # 4,096 characters
    delta = ws_event({"type": "response.output_text.delta", "delta": piece})
    for _ in range(LONG_REPLY_CHARS // len(piece)):
        if conn.stopping.is_set() or not _send(conn, delta):
            return
    done = {"type": "response.done", "response": {"id": "resp_long", "status": "completed"}}
    if _send(conn, ws_event(done)):
        _until_closed(conn, 60)


@ws_mode("ws-bad-accept")
def _ws_bad_accept(conn: Connection) -> None:
    """A 101 whose Sec-WebSocket-Accept is wrong, straight followed by frames, as if the session had opened."""
    frames = session_created() + ws_frame(b"x" * 125, opcode=_PING) + ws_event({"type": "response.done"})
    if _send(conn, ws_switch(conn, accept="d3JvbmcgYWNjZXB0IGtleSE=") + frames * 64):
        _until_hangup(conn, 60)


@ws_mode("ws-endless-refusal")
def _ws_endless_refusal(conn: Connection) -> None:
    """A 401 at the upgrade with no length, whose body never ends."""
    if not _send(conn, b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n"):
        return
    chunk = b'{"error": ' * 4096
    while not conn.stopping.is_set():
        if not _send(conn, chunk):
            return


@ws_mode("ws-echo-token")
def _ws_echo_token(conn: Connection) -> None:
    """session.created echoing the token the client sent, as it is and in capitals, in the id, model and voice."""
    token = sent_key(conn)
    created = session_created(token, model=token.upper(), audio={"output": {"voice": token}}, instructions=token)
    if _send(conn, ws_switch(conn) + created):
        _until_closed(conn, 60)


@ws_mode("ws-echo-token-reply")
def _ws_echo_token_reply(conn: Connection) -> None:
    """The session opens, and the reply to anything said echoes the token, cut in two across its deltas."""
    token = sent_key(conn)
    half = len(token) // 2
    pieces = ["You sent ", token[:half], token[half:], "."]
    events = b"".join(ws_event({"type": "response.output_text.delta", "delta": piece}) for piece in pieces)
    done = ws_event({"type": "response.done", "response": {"id": "resp_echo", "status": "completed"}})
    if _send(conn, ws_switch(conn) + session_created() + events + done):
        _until_closed(conn, 60)


@ws_mode("ws-tiny-arrays")
def _ws_tiny_arrays(conn: Connection) -> None:
    """A session.created just under the 4 MiB event limit, padded with some 840,000 tiny arrays."""
    event = tiny_arrays({"type": "session.created", "session": {"id": "sess_tiny", "model": "gpt-realtime"}})
    if _send(conn, ws_switch(conn) + ws_frame(event)):
        _until_closed(conn, 60)
