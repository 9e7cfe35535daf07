"""`realtime-gui serve`, run as a user runs it, against the fake OpenAI server over loopback.

Most tests share one serve process (module scope, as a browser would keep talking to one); the ones that need other
options, or stop it, start their own.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from realtime_gui.api.request import build_request
from realtime_gui.jsontext import JsonValue

from conftest import TEST_KEY, free_port
from misbehaving import FakeOpenAI, Fault, FaultKind
from official_schema import check as official_check
from processes import cli_env, modules_loaded, run_cli
from serve_process import Serving

Start = Callable[..., Serving]
TEMPLATE = ["--set", "session.audio.output.voice=marin", "--set", "expires_after.seconds=120"]
TEMPLATE_VALUES: dict[str, JsonValue] = {"session.audio.output.voice": "marin", "expires_after.seconds": 120}


def _check_output(served: Serving) -> None:
    out = served.stdout + served.stderr
    assert TEST_KEY not in out, "the key must never be printed"
    assert "Traceback" not in out
    assert not re.search(r"ek_[0-9a-f]{8,}", out), "a token must never be printed"


@dataclass
class Shared:
    served: Serving
    fake: FakeOpenAI

    def mints(self) -> int:
        return mints(self.fake)

    def lines(self) -> int:
        return len(self.served.log_lines())


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One serve process with a template (voice marin, 120 s), a high rate and a 1 s timeout, for many tests."""
    with FakeOpenAI(api_key=TEST_KEY, check=official_check) as fake:
        env = cli_env(config=tmp_path_factory.mktemp("config"))
        served = Serving(["--base-url", fake.base_url, "--rate", "1000", "--timeout", "1", *TEMPLATE], env=env)
        yield Shared(served, fake)
        assert served.stop() == 0, served.stderr
        _check_output(served)


@pytest.fixture
def start(server: FakeOpenAI, tmp_path: Path) -> Iterator[Start]:
    """Starts `realtime-gui serve --port 0 ARGS` against the fake server with the test key; stops it after."""
    running: list[Serving] = []

    def run(*args: str, key: str = TEST_KEY, base_url: str | None = None) -> Serving:
        env = cli_env(config=tmp_path / "config", key=key)
        served = Serving(["--base-url", base_url or server.base_url, *args], env=env)
        running.append(served)
        return served

    yield run
    for served in running:
        assert served.stop() == 0, served.stderr
        _check_output(served)


def mints(server: FakeOpenAI) -> int:
    return sum(1 for r in server.requests if r.method == "POST")


def test_get_mints_with_the_template_and_is_not_cached(shared: Shared) -> None:
    since = shared.lines()
    answer = shared.served.request()
    assert answer.status == 200
    data = answer.json()
    assert data["value"].startswith("ek_"), "the API's JSON, as the API returned it"
    assert data["session"]["audio"]["output"]["voice"] == "marin"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"] == "application/json"
    assert "access-control-allow-origin" not in answer.headers, "no Origin, no CORS"
    sent = shared.fake.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert sent.json() == build_request("realtime", TEMPLATE_VALUES).body, "what `mint` sends with the same --set"
    [line] = shared.served.wait_for_log(1, since=since)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 200 GET /token origin=- request_id=req_\w+", line)
    assert answer.headers["x-request-id"] in line


def test_a_trailing_slash_is_the_same_path(shared: Shared) -> None:
    minted = shared.mints()
    answer = shared.served.request(path="/token/?x=1")
    assert answer.status == 200
    assert answer.json()["value"].startswith("ek_")
    assert shared.mints() == minted + 1
    assert shared.served.request(path="/token//").status == 404
    assert shared.served.request(path="/tokens").status == 404


def test_the_start_up_line_says_where_and_with_which_key_it_mints(start: Start, server: FakeOpenAI) -> None:
    served = start("--profile", "default")
    served.wait_for_stderr(lambda err: "Ctrl+C stops." in err)
    assert served.stderr.startswith(
        f"realtime-gui: Minting realtime tokens at {server.base_url} (profile 'default', key from OPENAI_API_KEY) "
        "for pages from http://localhost:*, http://127.0.0.1:*, http://[::1]:*, at most 30 a minute. Ctrl+C stops.\n"
    )


@pytest.mark.parametrize(
    "origin", ["http://localhost:5173", "http://127.0.0.1:8000", "http://[::1]:3000", "http://localhost"]
)
def test_pages_on_this_machine_get_a_token_through_cors(shared: Shared, origin: str) -> None:
    since = shared.lines()
    answer = shared.served.request(origin=origin)
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == origin
    assert answer.headers["vary"] == "Origin"
    assert answer.json()["value"].startswith("ek_")
    assert f"origin={origin} " in shared.served.wait_for_log(1, since=since)[0]


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "https://localhost:5173",  # another scheme is another origin
        "http://localhost.evil.example:5173",
        "http://127.0.0.2:8000",
        "null",  # file:// pages and sandboxed frames
        "http://localhost:5173, http://evil.example",
    ],
)
def test_other_origins_are_refused_and_nothing_is_minted(shared: Shared, origin: str) -> None:
    since, minted = shared.lines(), shared.mints()
    for method in ("GET", "POST", "OPTIONS"):
        answer = shared.served.request(method, origin=origin, body=b"{}" if method == "POST" else None)
        assert answer.status == 403
        assert "access-control-allow-origin" not in answer.headers
        assert answer.json()["error"]["code"] == "origin_not_allowed"
        assert "--allow-origin" in answer.json()["error"]["message"]
        assert answer.json()["error"]["message"].startswith(f"Pages from {origin} may not get tokens. Allowed: ")
    assert shared.mints() == minted
    lines = shared.served.wait_for_log(3, since=since)
    assert all(" 403 " in line and "(origin_not_allowed)" in line for line in lines)


def test_allow_origin_adds_exact_origins(start: Start, server: FakeOpenAI) -> None:
    served = start("--allow-origin", "http://My-Laptop.local:5173/", "--allow-origin", "https://app.example")
    assert served.request(origin="http://my-laptop.local:5173").status == 200
    assert served.request(origin="https://app.example").headers["access-control-allow-origin"] == "https://app.example"
    assert served.request(origin="http://my-laptop.local:5174").status == 403
    assert served.request(origin="http://app.example").status == 403
    assert mints(server) == 2


def test_preflight_allows_get_and_post_with_content_type(shared: Shared) -> None:
    minted = shared.mints()
    answer = shared.served.request(
        "OPTIONS",
        origin="http://localhost:5173",
        headers={"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert answer.status == 204
    assert answer.body == b""
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert answer.headers["access-control-allow-methods"] == "GET, POST"
    assert answer.headers["access-control-allow-headers"] == "Content-Type"
    assert answer.headers["vary"] == "Origin"
    assert shared.mints() == minted, "a preflight mints nothing"


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example:{port}", 403),  # a DNS name re-pointed at 127.0.0.1 (rebinding)
        ("evil.example", 403),
        ("localhost:{other}", 403),
        ("127.0.0.1:{other}", 403),
        ("192.168.1.20:{port}", 403),
        ("localhost.:{port}", 403),
        ("localhost:{port}", 200),
        ("127.0.0.1:{port}", 200),
        ("127.3.2.1:{port}", 200),
        ("[::1]:{port}", 200),
    ],
)
def test_the_host_header_must_name_this_machine_and_port(shared: Shared, host: str, status: int) -> None:
    minted = shared.mints()
    port = shared.served.port
    answer = shared.served.request(host=host.format(port=port, other=port + 1), origin="http://localhost:5173")
    assert answer.status == status
    if status == 403:
        assert answer.json()["error"]["code"] == "host_not_allowed"
        assert shared.mints() == minted


def test_a_request_without_host_is_refused(shared: Shared) -> None:
    minted = shared.mints()
    with socket.create_connection(("127.0.0.1", shared.served.port), timeout=10) as sock:
        sock.sendall(b"GET /token HTTP/1.0\r\n\r\n")
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"missing_host" in answer
    assert shared.mints() == minted


def test_rate_limit_answers_429_with_retry_after(start: Start, server: FakeOpenAI) -> None:
    served = start("--rate", "2")
    assert [served.request(origin="http://localhost:1234").status for _ in range(2)] == [200, 200]
    refused = served.request(origin="http://localhost:1234")
    assert refused.status == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["access-control-allow-origin"] == "http://localhost:1234", "the page can read why"
    assert "access-control-expose-headers" in refused.headers
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "2 tokens a minute" in refused.json()["error"]["message"]
    assert served.request("OPTIONS", origin="http://localhost:1234").status == 204, "preflights are not mints"
    assert mints(server) == 2


def test_post_overrides_apply_over_the_template(shared: Shared) -> None:
    served, fake = shared.served, shared.fake
    body = json.dumps({"session.audio.output.voice": "cedar", "session.instructions": "Be brief."}).encode()
    answer = served.request(
        "POST", origin="http://localhost:5173", body=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status == 200
    assert answer.json()["session"]["audio"]["output"]["voice"] == "cedar"
    overridden = {**TEMPLATE_VALUES, "session.audio.output.voice": "cedar", "session.instructions": "Be brief."}
    assert fake.requests[-1].json() == build_request("realtime", overridden).body
    assert served.request("POST", body=b"").status == 200, "an empty POST mints with the template"
    assert fake.requests[-1].json() == build_request("realtime", TEMPLATE_VALUES).body, "overrides do not stick"
    assert served.request("GET").status == 200
    assert fake.requests[-1].json() == build_request("realtime", TEMPLATE_VALUES).body


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        (b'{"session.audio.output.speed": 7}', "invalid_value", "session.audio.output.speed"),
        (b'{"session.voice": "marin"}', "invalid_value", "did you mean session.audio.output.voice"),
        (b'{"session.audio.output.voice": 3}', "invalid_value", "session.audio.output.voice"),
        (b"voice=marin", "invalid_json", "not valid JSON"),
        (b'["session.model"]', "invalid_json", "JSON object of PATH -> VALUE"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json", "not valid JSON"),
    ],
)
def test_bad_overrides_are_400_and_nothing_is_sent(shared: Shared, body: bytes, code: str, fragment: str) -> None:
    minted = shared.mints()
    answer = shared.served.request("POST", origin="http://localhost:5173", body=body)
    assert answer.status == 400
    error = answer.json()["error"]
    assert error["code"] == code
    assert fragment in error["message"]
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173", "the page can read why"
    assert shared.mints() == minted
    if code == "invalid_value":
        assert answer.json()["problems"][0]["path"] == error["param"]


def test_bad_overrides_get_the_same_message_as_set(
    shared: Shared, server: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from realtime_gui.cli import main

    problems = shared.served.request("POST", body=b'{"session.audio.output.speed": 7, "session.voice": "x"}').json()[
        "problems"
    ]
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    args = ["--set", "session.audio.output.speed=7", "--set", "session.voice=x"]
    assert main(["mint", "--base-url", server.base_url, *args]) == 2
    listed = [line.strip() for line in capsys.readouterr().err.splitlines() if line.startswith("  ")]
    assert [f"{p['path']}: {p['message']}" for p in problems] == listed
    assert len(listed) == 2


@pytest.mark.parametrize(
    ("fault", "status", "code", "ours"),
    [
        (Fault(FaultKind.UNAUTHORIZED), 401, "invalid_api_key", False),
        (Fault(FaultKind.BAD_PARAM, param="session.model"), 400, "invalid_value", False),
        (Fault(FaultKind.RATE_LIMITED, seconds=7), 429, "rate_limit_exceeded", False),
        (Fault(FaultKind.SERVER_ERROR), 500, None, False),
        (Fault(FaultKind.BAD_GATEWAY_HTML), 502, "bad_response", True),
        (Fault(FaultKind.EMPTY_BODY), 502, "bad_response", True),
        (Fault(FaultKind.TRUNCATED), 502, "bad_response", True),
        (Fault(FaultKind.NO_TOKEN), 502, "bad_response", True),
        (Fault(FaultKind.HANG, seconds=5), 502, "timeout", True),
    ],
)
def test_upstream_faults_come_back_with_status_and_error_json(
    shared: Shared, fault: Fault, status: int, code: str | None, ours: bool
) -> None:
    served, since = shared.served, shared.lines()
    shared.fake.inject(fault)
    answer = served.request(origin="http://localhost:5173")
    assert answer.status == status
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert (error["type"] == "realtime_gui_error") is ours, "the API's own error JSON, or our sentence"
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"
    if not ours:
        assert answer.headers["x-request-id"].startswith("req_")
        assert answer.headers["x-request-id"] in served.wait_for_log(1, since=since)[0]
    if fault.kind is FaultKind.RATE_LIMITED:
        assert answer.headers["retry-after"] == "7"
    assert TEST_KEY not in answer.body.decode()
    assert f" {status} GET /token " in served.wait_for_log(1, since=since)[0]
    assert served.request().status == 200, "a fault does not stop the server"


def test_a_wrong_key_is_redacted_from_the_api_error(start: Start) -> None:
    wrong = "sk-proj-wrongwrongwrong0123456789ABCD"
    served = start(key=wrong)
    answer = served.request()
    assert answer.status == 401
    assert answer.json()["error"]["code"] == "invalid_api_key"
    assert wrong not in answer.body.decode()
    assert wrong not in served.stderr


def test_retired_beta_endpoint_answers_with_the_apis_error(start: Start, server: FakeOpenAI) -> None:
    served = start("--endpoint", "beta-sessions")
    server.inject(Fault(FaultKind.RETIRED))
    answer = served.request()
    assert answer.status == 400
    assert answer.json()["error"]["code"] == "beta_api_shape_disabled"
    assert "no longer supported" in answer.json()["error"]["message"]
    beta = served.request()
    assert beta.status == 200
    assert beta.json()["client_secret"]["value"].startswith("ek_"), "beta pages read client_secret.value"


def test_network_failure_is_502_with_a_sentence(start: Start) -> None:
    served = start(base_url=f"http://127.0.0.1:{free_port()}/v1")
    answer = served.request(origin="http://localhost:5173")
    assert answer.status == 502
    error = answer.json()["error"]
    assert error["code"] == "refused"
    assert "refused the connection" in error["message"]
    assert "(refused)" in served.wait_for_log(1)[0]


def test_ctrl_c_stops_cleanly_with_a_connection_open(start: Start) -> None:
    served = start()
    assert served.request().status == 200
    # Each connection answered once (a 404, nothing minted), so the server has taken it and kept it alive: a
    # browser's idle keep-alive socket, and one with half its next request sent.
    idle, slow = (_kept_alive(served.port) for _ in range(2))
    slow.sendall(b"GET /token HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    began = time.monotonic()
    assert served.stop(signal.SIGINT) == 0
    assert time.monotonic() - began < 3
    assert "Stopped after serving 1 token(s)" in served.stderr
    assert "Traceback" not in served.stderr
    idle.close()
    slow.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", served.port), timeout=2).close()


def _kept_alive(port: int) -> socket.socket:
    """A connection to the server at `port` after one request, answered and kept open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"GET /nothing HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(4096)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 "), head
    assert b"connection: close" not in head.lower()
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    )
    while len(body) < length:
        body += sock.recv(4096)
    return sock


def test_sigterm_stops_cleanly_too(start: Start) -> None:
    served = start()
    assert served.stop(signal.SIGTERM) == 0
    assert "Stopped after serving 0 token(s)" in served.stderr


def test_garbage_is_answered_and_logged_escaped_never_a_crash(shared: Shared) -> None:
    served, since, minted = shared.served, shared.lines(), shared.mints()
    port = served.port
    head = f"Host: 127.0.0.1:{port}\r\nConnection: close\r\n"
    cases: list[tuple[bytes, bytes]] = [
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\r\n\r\n", b" 400 "),  # TLS hello
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", b" 414 "),
        (b"GET /token HTTP/1.1\r\n" + head.encode() + b"X-Big: " + b"b" * 20000 + b"\r\n\r\n", b" 431 "),
        (
            b"GET /token HTTP/1.1\r\n" + head.encode() + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n",
            b" 431 ",
        ),
        (f"POST /token HTTP/1.1\r\n{head}Content-Length: 1000000\r\n\r\n".encode(), b" 413 "),
        (f"POST /token HTTP/1.1\r\n{head}Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n".encode(), b" 411 "),
        (f"POST /token HTTP/1.1\r\n{head}Content-Length: -5\r\n\r\n".encode(), b" 400 "),
        (b"GET /token HTTP/2.0\r\n\r\n", b" 505 "),
        (b"BREW /token HTTP/1.1\r\n" + head.encode() + b"\r\n", b" 405 "),
        (b"GET /elsewhere HTTP/1.1\r\n" + head.encode() + b"\r\n", b" 404 "),
        (
            b"GET /token HTTP/1.1\r\n" + head.encode() + b"Origin: http://\x1b[31mevil sk-abcdefghijklmnop\r\n\r\n",
            b" 403 ",
        ),
    ]
    for request, expected in cases:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(request)
            answer = _read_all(sock)
        assert expected in answer.split(b"\r\n", 1)[0], (request[:60], answer[:200])
        assert b"realtime_gui_error" in answer, "a JSON sentence, not http.server's HTML page"
        assert b"<html" not in answer.lower()
    assert served.request().status == 200, "still serving"
    assert shared.mints() == minted + 1
    lines = served.wait_for_log(len(cases) + 1, since=since)
    assert len(lines) == len(cases) + 1
    log = "\n".join(lines)
    assert "\x1b" not in log, "no raw control characters"
    assert "\\x1b[31m" in log, "control characters are escaped"
    assert "sk-abcdefghijklmnop" not in log, "anything shaped like a key is redacted"


def test_a_stalled_client_does_not_hold_up_others(shared: Shared) -> None:
    served = shared.served
    stalled = [socket.create_connection(("127.0.0.1", served.port), timeout=10) for _ in range(5)]
    for sock in stalled:
        sock.sendall(b"POST /token HTTP/1.1\r\nContent-Length: 100\r\n")
    began = time.monotonic()
    assert served.request().status == 200
    assert time.monotonic() - began < 2
    for sock in stalled:
        sock.close()


def test_twenty_concurrent_pages_are_all_served(shared: Shared) -> None:
    minted = shared.mints()
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda i: shared.served.request(origin=f"http://localhost:{5000 + i}"), range(20)))
    assert [a.status for a in answers] == [200] * 20
    assert len({a.json()["value"] for a in answers}) == 20
    assert shared.mints() == minted + 20


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--host", "0.0.0.0"], "Refusing to listen on '0.0.0.0'"),
        (["--host", "192.168.1.20"], "anyone who can reach that address"),
        (["--host", "example.com"], "Use 127.0.0.1 (the default) or any 127.x.x.x, ::1 or localhost."),
        # Refused before as unreachable: the port was the only thing wrong.
        (["--host", "127.0.0.1:8000"], "--host takes an address without a port; give the port with --port: "),
        (["--host", "[::1]:8000"], "give the port with --port: --host [::1] --port 8000."),
        (["--host", "localhost:"], "give the port with --port: --host localhost --port PORT."),
        (["--allow-origin", "*"], "would let any page mint tokens"),
        (["--allow-origin", "http://localhost:5173/app"], "is not an origin"),
        (["--rate", "0"], "--rate must be at least 1"),
        (["--port", "70000"], "--port must be 0 to 65535"),
        (["--set", "session.audio.output.speed=7"], "session.audio.output.speed"),
        (["--base-url", "http://api.example/v1"], "Refusing plain http://"),
        (["--timeout", "0"], "--timeout must be a number of seconds from 0.1 to 600"),
    ],
)
def test_bad_start_up_input_exits_2_and_serves_nothing(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from realtime_gui.cli import main

    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    assert main(["serve", "--port", "0", *args]) == 2
    captured = capsys.readouterr()
    assert fragment in captured.err
    assert "Serving tokens" not in captured.out
    assert "Traceback" not in captured.err


def test_missing_key_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from realtime_gui.cli import main

    assert main(["serve", "--port", "0"]) == 2
    assert "No API key for profile 'default'" in capsys.readouterr().err


def test_a_port_in_use_exits_2_with_a_sentence(server: FakeOpenAI, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), "--base-url", server.base_url, env=cli_env(config=tmp_path))
    assert done.code == 2
    assert f"Cannot listen on 127.0.0.1 port {port}" in done.err
    assert "Pick another --port" in done.err
    assert done.out == ""


def test_serve_never_imports_qt() -> None:
    probe = modules_loaded(
        "import realtime_gui.serve.server, realtime_gui.serve.handler, realtime_gui.serve.policy\n"
        "import realtime_gui.serve.replies, realtime_gui.cli.serve\n"
        "from realtime_gui.cli import build_parser\n"
        "build_parser().parse_args(['serve'])\n"
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.modules == []


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)
