"""The token server as the window will drive it (in process): template swaps, counts, stop; slow and hostile clients."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realtime_gui.config.connection import Connection
from realtime_gui.jsontext import Values
from realtime_gui.serve import handler as serve_http
from realtime_gui.serve.policy import PolicyError, RateLimiter, bind_address, check_origin, host_allowed, printable
from realtime_gui.serve.server import ServedRequest, Template, TokenServer

from conftest import TEST_KEY, require_programs
from hostile_server import HostileServer
from misbehaving import FakeOpenAI, Fault, FaultKind
from waiting import wait_until


def template(server: FakeOpenAI, values: Values | None = None) -> Template:
    return Template(
        endpoint_id="realtime",
        values=values or {},
        connection=Connection(base_url=server.base_url, timeout=5),
        api_key=TEST_KEY,
    )


@pytest.fixture
def reported() -> list[ServedRequest]:
    return []


@pytest.fixture
def token_server(server: FakeOpenAI, reported: list[ServedRequest]) -> Iterator[TokenServer]:
    with TokenServer(
        template(server, {"session.audio.output.voice": "marin"}),
        port=0,
        on_request=reported.append,
        client_timeout=0.5,
    ) as running:
        yield running


def get(running: TokenServer, *, origin: str | None = None) -> tuple[int, dict[str, object]]:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    try:
        connection.request("GET", "/token", headers={"Origin": origin} if origin else {})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def voice(answer: dict[str, object]) -> object:
    session = answer["session"]
    assert isinstance(session, dict)
    return session["audio"]["output"]["voice"]


def test_a_new_template_applies_to_the_next_request(token_server: TokenServer, server: FakeOpenAI) -> None:
    assert token_server.url == f"http://127.0.0.1:{token_server.port}/token"
    assert voice(get(token_server)[1]) == "marin"
    token_server.template = template(server, {"session.audio.output.voice": "cedar"})
    assert voice(get(token_server)[1]) == "cedar"
    token_server.template = template(server, {"session.audio.output.speed": 9})
    status, answer = get(token_server)
    assert status == 400, "an invalid form is reported to the page, and nothing is sent"
    assert "session.audio.output.speed" in str(answer)
    assert len(server.requests) == 2


def test_a_profile_that_cannot_be_used_is_a_500_and_nothing_is_sent(
    token_server: TokenServer, server: FakeOpenAI
) -> None:
    from realtime_gui.keys.api_key import KeyringUnavailable

    token_server.template = Template(
        endpoint_id="realtime",
        values={},
        connection=Connection(base_url="http://api.example.com/v1", timeout=5),
        api_key=TEST_KEY,
    )
    status, answer = get(token_server)
    assert status == 500
    assert answer["error"] == {
        "message": "Refusing plain http:// to api.example.com: the API key would travel unencrypted. Use https://, "
        "or http:// only to this machine (localhost, 127.0.0.1 or any 127.x.x.x, ::1).",
        "type": "realtime_gui_error",
        "param": None,
        "code": "config_error",
    }

    def no_keyring() -> str:
        raise KeyringUnavailable("No OS keyring can be used here; choose Key… to use a key for this run only.")

    token_server.template = Template(
        endpoint_id="realtime", values={}, connection=template(server).connection, api_key=no_keyring
    )
    status, answer = get(token_server)
    assert status == 500
    error = answer["error"]
    assert isinstance(error, dict)
    assert (error["code"], error["message"]) == (
        "config_error",
        "No OS keyring can be used here; choose Key… to use a key for this run only.",
    )
    assert server.requests == [], "neither request reached the API"


def test_counts_and_the_last_origin_are_reported(token_server: TokenServer, reported: list[ServedRequest]) -> None:
    assert get(token_server, origin="http://localhost:5173")[0] == 200
    assert get(token_server)[0] == 200
    assert get(token_server, origin="http://evil.example")[0] == 403
    assert get(token_server, origin="http://127.0.0.1:8080")[0] == 200
    stats = token_server.stats
    assert (stats.requests, stats.tokens, stats.refused) == (4, 3, 1)
    assert stats.last_origin == "http://127.0.0.1:8080"
    assert [(r.status, r.origin, r.minted) for r in reported] == [
        (200, "http://localhost:5173", True),
        (200, None, True),
        (403, "http://evil.example", False),
        (200, "http://127.0.0.1:8080", True),
    ]
    assert all(r.request_id and r.request_id.startswith("req_") for r in reported if r.minted)
    assert "ek_" not in repr(reported)


def test_stop_cuts_open_connections_and_reports_nothing_after(
    server: FakeOpenAI, reported: list[ServedRequest]
) -> None:
    running = TokenServer(template(server), port=0, on_request=reported.append, client_timeout=30).start()
    keep_alive = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    keep_alive.request("GET", "/token")
    assert keep_alive.getresponse().read()
    began = time.monotonic()
    running.stop()
    # Not a figure (bench_serve.py measures stop): whether it waited for the idle connection's 30 s client timeout.
    assert time.monotonic() - began < 30 / 3, "stop waited for an idle connection"
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        _get_again(keep_alive)
    keep_alive.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", running.port), timeout=2)
    assert len(reported) == 1
    assert len(server.requests) == 1, "a stopped server mints nothing more"


def test_stop_cancels_a_mint_under_way_and_reads_the_key_where_it_mints(
    server: FakeOpenAI, reported: list[ServedRequest]
) -> None:
    from realtime_gui.serve.server import _shared_minter

    server.inject(Fault(FaultKind.HANG, seconds=30))
    key_readers: list[str] = []
    ended: list[BaseException | None] = []
    upstream_ended = threading.Event()

    def read_key() -> str:
        key_readers.append(threading.current_thread().name)
        return TEST_KEY

    def minter(*args: Any) -> Any:
        try:
            return _shared_minter(*args)
        except BaseException as err:
            ended.append(err)
            upstream_ended.set()
            raise

    lazy = Template(
        endpoint_id="realtime",
        values={},
        connection=Connection(base_url=server.base_url, timeout=30),
        api_key=read_key,
    )
    running = TokenServer(lazy, port=0, on_request=reported.append, minter=minter).start()

    def ask() -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):  # the page's connection is cut
            get(running)

    page = threading.Thread(target=ask)
    page.start()
    wait_until(lambda: server.requests, what="the mint to reach the server")
    assert len(server.requests) == 1, "the mint is under way, stuck upstream"
    assert key_readers
    assert threading.main_thread().name not in key_readers, "the key is read in the server's thread"
    running.stop()
    assert upstream_ended.wait(2), "stop() cancelled the upstream call"  # the connection's own timeout is 30 s
    assert len(ended) == 1
    assert "cancelled" in str(getattr(ended[0], "reason", ended[0]))
    page.join(timeout=5)
    assert not page.is_alive()
    assert reported == [], "nothing is reported after stop()"


def test_a_client_sending_a_byte_at_a_time_is_cut_off(token_server: TokenServer) -> None:
    trickle = b"GET /token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    began = time.monotonic()  # before the connection, so before the server's clock for it starts
    sent = 0
    with socket.create_connection(("127.0.0.1", token_server.port), timeout=10) as sock:
        answer = b""
        for byte in trickle:  # each byte well within any per-read timeout; the whole far beyond the deadline
            try:
                sock.sendall(bytes([byte]))
                sent += 1
                answer = sock.recv(4096, socket.MSG_DONTWAIT)
            except BlockingIOError:
                time.sleep(0.05)  # the trickle's pace: this client is slow on purpose
                continue
            except OSError:
                break
            break
        elapsed = time.monotonic() - began
        with contextlib.suppress(OSError):
            answer += _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]
    assert b"too_slow" in answer
    assert sent < len(trickle), "cut off while the request was still coming"
    assert elapsed > 0.4, "not before the 0.5 s client timeout"


def test_an_idle_connection_is_closed_quietly(token_server: TokenServer, reported: list[ServedRequest]) -> None:
    began = time.monotonic()  # before the connection, so before the server's clock for it starts
    with socket.create_connection(("127.0.0.1", token_server.port), timeout=10) as sock:
        assert _read_all(sock) == b"", "closed by the server, before the socket's own 10 s timeout"
        assert time.monotonic() - began > 0.3, "not before the 0.5 s client timeout"
    assert reported == [], "an idle keep-alive connection is not a request"


def test_connections_beyond_the_cap_are_closed_at_once(
    token_server: TokenServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_http, "MAX_CONNECTIONS", 3)
    idle = [http.client.HTTPConnection("127.0.0.1", token_server.port, timeout=10) for _ in range(3)]
    for sock in idle:  # answered once, so the server has taken each, and kept alive
        sock.request("GET", "/token")
        assert sock.getresponse().read()
    with socket.create_connection(("127.0.0.1", token_server.port), timeout=10) as extra:
        extra.sendall(f"GET /token HTTP/1.1\r\nHost: 127.0.0.1:{token_server.port}\r\n\r\n".encode())
        with contextlib.suppress(ConnectionResetError):
            assert _read_all(extra) == b""
    for sock in idle:
        sock.close()
    wait_until(lambda: _answered(token_server), what="the server to let the closed connections go")
    assert get(token_server)[0] == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.lists(
            st.sampled_from(
                [
                    b"GET ",
                    b"POST ",
                    b"/token",
                    b" HTTP/1.1",
                    b"\r\n",
                    b"Host: 127.0.0.1",
                    b":",
                    b"\n",
                    b"Content-Length: ",
                    b"5",
                    b"99999999999",
                    b"Origin: http://localhost",
                    b"\x00",
                    b"\xff",
                    b"Transfer-Encoding: chunked",
                    b'{"a":',
                    b"Expect: 100-continue",
                    b" ",
                ]
            ),
            max_size=40,
        ).map(b"".join),
    )
)
def test_garbage_never_breaks_the_server(token_server: TokenServer, garbage: bytes) -> None:
    with socket.create_connection(("127.0.0.1", token_server.port), timeout=10) as sock:
        sock.sendall(garbage)
        sock.shutdown(socket.SHUT_WR)
        try:
            answer = _read_all(sock)
        except ConnectionResetError:
            answer = b""
    assert answer == b"" or answer.startswith(b"HTTP/1.")
    assert b"Traceback" not in answer


def test_garbage_left_the_server_serving(token_server: TokenServer) -> None:
    assert get(token_server)[0] == 200
    assert not [t for t in threading.enumerate() if t.name == "token-server" and not t.daemon]


# -- the rules on their own ----------------------------------------------------------------------------------------


def test_rate_limit_is_a_sliding_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    for t in (0.0, 1.0, 2.0):
        now[0] = t
        assert limiter.acquire() is None
    now[0] = 3.0
    assert limiter.acquire() == 57, "the first slot frees at 60 s"
    now[0] = 60.5
    assert limiter.acquire() is None
    assert limiter.acquire() == 1
    limiter.per_minute = 1  # the window may lower it while running
    assert limiter.acquire() == 60, "only when the newest leaves the window"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "127.0.0.1"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("127.0.0.5", "127.0.0.5"),
    ],
)
def test_loopback_hosts_are_accepted(given: str, expected: str) -> None:
    assert bind_address(given) == expected


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.5", "10.0.0.1", "example.com", "localhost.example"])
def test_other_hosts_are_refused(host: str) -> None:
    with pytest.raises(PolicyError, match="anyone who can reach that address"):
        bind_address(host)


def test_ipv6_loopback_serves_too(server: FakeOpenAI) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        running = TokenServer(template(server), host="::1", port=0).start()
    except OSError:
        pytest.skip("::1 cannot be bound here")
    try:
        assert running.url == f"http://[::1]:{running.port}/token"
        connection = http.client.HTTPConnection("::1", running.port, timeout=10)
        connection.request("GET", "/token", headers={"Origin": "http://[::1]:3000"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Access-Control-Allow-Origin") == "http://[::1]:3000"
        connection.close()
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://My-Laptop.local:5173/", "http://my-laptop.local:5173"),
        ("https://app.example:443", "https://app.example"),
        ("http://[::2]:80", "http://[::2]"),
    ],
)
def test_allowed_origins_are_normalised_as_browsers_send_them(given: str, expected: str) -> None:
    assert check_origin(given) == expected


def test_host_header_rules() -> None:
    assert host_allowed("localhost:8787", 8787)
    assert host_allowed("LOCALHOST:8787", 8787)
    assert host_allowed("localhost", 80)
    assert not host_allowed("localhost", 8787)
    assert not host_allowed(None, 8787)
    assert not host_allowed("127.0.0.1:8787:1", 8787)
    assert not host_allowed("attacker.example:8787", 8787)


def test_log_text_is_escaped_cut_and_redacted() -> None:
    assert printable("http://x\x1b[2J\r\nHost: y") == "http://x\\x1b[2J\\r\\nHost: y"
    assert printable(None) == "-"
    assert printable("a" * 500, 20) == "a" * 19 + "…"
    assert "sk-proj-abcdefgh1234" not in printable("Origin sk-proj-abcdefgh1234")


def _get_again(connection: http.client.HTTPConnection) -> bytes:
    connection.request("GET", "/token")
    return connection.getresponse().read()


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# -- what a browser says about how it asks (Fetch Metadata, Origin, User-Agent) --------------------------------------

MOZILLA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"
CORS_FETCH = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "User-Agent": MOZILLA}


def ask(running: TokenServer, headers: dict[str, str], method: str = "GET") -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    try:
        connection.request(method, "/token", headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="curl without a User-Agent"),
        pytest.param({"User-Agent": "curl/8.14.1"}, id="curl"),
        pytest.param({"User-Agent": "node", "Sec-Fetch-Mode": "cors", "Accept": "*/*"}, id="Node's fetch"),
        pytest.param(
            {**CORS_FETCH, "Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-site"}, id="fetch, other port"
        ),
        pytest.param(
            {**CORS_FETCH, "Origin": "http://localhost:5173", "Sec-Fetch-Site": "cross-site"}, id="fetch, localhost"
        ),
        pytest.param({"Origin": "http://localhost:5173", "User-Agent": MOZILLA}, id="fetch, no Fetch Metadata"),
    ],
)
def test_requests_that_are_no_page_s_or_cors_from_an_allowed_origin_mint(
    token_server: TokenServer, server: FakeOpenAI, headers: dict[str, str]
) -> None:
    status, answer = ask(token_server, headers)
    assert status == 200, answer
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        pytest.param(
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
            "without CORS (an <img>",
            id="img from another site",
        ),
        pytest.param(
            {
                "Sec-Fetch-Site": "same-site",
                "Sec-Fetch-Mode": "no-cors",
                "Sec-Fetch-Dest": "script",
                "User-Agent": MOZILLA,
            },
            "without CORS",
            id="script from an allowed port",
        ),
        pytest.param(
            {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
            "a navigation",
            id="the address bar",
        ),
        pytest.param(
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"},
            "a navigation",
            id="a frame",
        ),
        pytest.param(
            {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "websocket", "Sec-Fetch-Dest": "websocket"},
            "a WebSocket",
            id="websocket",
        ),
        pytest.param(
            {
                **CORS_FETCH,
                "Sec-Fetch-Dest": "script",
                "Origin": "http://127.0.0.1:8000",
                "Sec-Fetch-Site": "same-site",
            },
            "Sec-Fetch-Dest script",
            id="a module script from an allowed origin",
        ),
        pytest.param({**CORS_FETCH, "Sec-Fetch-Site": "cross-site"}, "carries no Origin", id="cors without Origin"),
        pytest.param({"User-Agent": MOZILLA, "Accept": "image/avif,image/*"}, "no Origin", id="img, old browser"),
        pytest.param(
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors, cors"}, "Sec-Fetch-Mode", id="two modes"
        ),
    ],
)
def test_browser_requests_without_cors_are_refused_before_the_rate(
    server: FakeOpenAI, reported: list[ServedRequest], headers: dict[str, str], words: str
) -> None:
    with TokenServer(template(server), port=0, rate=1, on_request=reported.append) as running:
        for _ in range(3):  # more than the rate: none of them counts
            status, answer = ask(running, headers)
            assert status == 403
            assert answer["error"]["code"] == "not_cors"
            assert words in answer["error"]["message"]
            assert "nothing was minted" in answer["error"]["message"]
        assert server.requests == [], "nothing minted, the key never used"
        assert ask(running, {})[0] == 200, "the rate was not spent"
    assert [r.note for r in reported[:3]] == ["not_cors"] * 3


def test_a_foreign_origin_is_refused_however_it_asks(token_server: TokenServer, server: FakeOpenAI) -> None:
    for headers, method in [
        ({"Origin": "http://127.0.0.2:18300", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "cross-site"}, "POST"),
        ({"Origin": "http://127.0.0.2:18300", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "cross-site"}, "POST"),
        ({**CORS_FETCH, "Origin": "http://127.0.0.2:18300", "Sec-Fetch-Site": "cross-site"}, "GET"),
        ({"Origin": "null", "Sec-Fetch-Mode": "cors"}, "GET"),
    ]:
        status, answer = ask(token_server, headers, method)
        assert (status, answer["error"]["code"]) == (403, "origin_not_allowed"), headers
    assert server.requests == []


# -- framing and what is written back ---------------------------------------------------------------------------------


def _exchange(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        return _read_all(sock)


@pytest.mark.parametrize(
    "lengths",
    [
        pytest.param(["0", "SMUGGLED"], id="0 then the smuggled request's length"),
        pytest.param(["SMUGGLED", "0"], id="the smuggled request's length then 0"),
        pytest.param(["SMUGGLED", "SMUGGLED"], id="the same twice"),
        pytest.param(["SMUGGLED", "chunked"], id="with Transfer-Encoding"),
    ],
)
def test_a_body_framed_two_ways_is_400_and_nothing_is_minted(
    token_server: TokenServer, server: FakeOpenAI, lengths: list[str]
) -> None:
    host = f"Host: 127.0.0.1:{token_server.port}\r\n"
    smuggled = f"GET /token HTTP/1.1\r\n{host}\r\n".encode()
    head = f"POST /token HTTP/1.1\r\n{host}"
    for value in lengths:
        if value == "chunked":
            head += "Transfer-Encoding: chunked\r\n"
        else:
            head += f"Content-Length: {len(smuggled) if value == 'SMUGGLED' else value}\r\n"
    answer = _exchange(token_server.port, head.encode() + b"\r\n" + smuggled)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert answer.count(b"HTTP/1.1 ") == 1, "one answer: the body was never read as a request"
    assert b"ambiguous_length" in answer
    assert b"Connection: close" in answer
    assert server.requests == []


@pytest.mark.parametrize("mode", ["long-request-id", "echo-token"])
def test_a_hostile_request_id_still_gives_the_page_its_answer_in_ascii(
    hostile: HostileServer, reported: list[ServedRequest], mode: str
) -> None:
    hostile_template = Template(
        endpoint_id="realtime",
        values={},
        connection=Connection(base_url=hostile.base_url(mode), timeout=5),
        api_key=TEST_KEY,
    )
    with TokenServer(hostile_template, port=0, on_request=reported.append) as running:
        # Connection: close, so the answer is read to its end without waiting out the idle keep-alive connection.
        request = f"GET /token HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\nConnection: close\r\n\r\n"
        answer = _exchange(running.port, request.encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert head.isascii(), head
    assert all(0x20 <= b < 0x7F for line in head.split(b"\r\n") for b in line), head
    assert json.loads(body)["value"].startswith("ek_")
    [request_id] = [line for line in head.split(b"\r\n") if line.lower().startswith(b"x-request-id:")]
    assert len(request_id) <= len("x-request-id: ") + 128
    assert request_id.startswith(b"x-request-id: " + (b"req_777" if mode == "long-request-id" else b"sk-..."))
    assert TEST_KEY.encode() not in answer
    assert len(hostile.requests) == 1
    assert [r.minted for r in reported] == [True]


def test_node_s_fetch_a_local_server_s_way_of_asking_still_mints(token_server: TokenServer, server: FakeOpenAI) -> None:
    """Node's fetch sends Sec-Fetch-Mode: cors but no Origin and no Sec-Fetch-Site: it is no page's request."""
    require_programs("node", packages="nodejs")
    script = (
        "const [get, post] = [await fetch(process.argv[1]), await fetch(process.argv[1], {method: 'POST', "
        "headers: {'Content-Type': 'application/json'}, body: '{}'})];"
        "console.log(get.status, post.status, (await post.json()).value.slice(0, 3));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, token_server.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == "200 200 ek_\n", done.stderr
    assert len(server.requests) == 2


def _answered(running: TokenServer) -> bool:
    """One GET answered, not cut off (as a connection beyond the cap is)."""
    try:
        return get(running)[0] == 200
    except (ConnectionError, http.client.HTTPException):
        return False
