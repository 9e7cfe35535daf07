"""The transport under the client: a call's deadline and cancel never reach a connection another call has taken
over, a name lookup that hangs ends with the call, and proxies from the environment are still honoured."""

from __future__ import annotations

import http.client
import http.server
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.demo import FakeOpenAI, Fault, FaultKind
from realtime_gui.errors import ConfigError, MintError, NetworkError
from realtime_gui.net import calls
from realtime_gui.net.calls import Call
from realtime_gui.net.client import TokenClient
from realtime_gui.net.minted import MintedToken

from conftest import TEST_KEY
from processes import child_env
from waiting import wait_until

REQUEST = build_request("realtime", {})
HUNG_HOST = "resolver-hangs.example"


# -- a deadline or cancel as the call ends --------------------------------------------------------------------


def test_finish_waits_for_a_shutdown_already_under_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # The deadline's timer took the call's sockets and is about to shut them when the call ends. Once finish()
    # returns, the socket may go back to the pool and on to another call, so the shutdown must be over by then.
    ours, peer = socket.socketpair()
    shutting, go_on = threading.Event(), threading.Event()
    order: list[str] = []
    real_shut = calls._shut

    def late_shut(sock: socket.socket) -> None:
        shutting.set()
        go_on.wait(5)
        real_shut(sock)
        order.append("shut")

    monkeypatch.setattr(calls, "_shut", late_shut)
    call = Call()
    waiting = threading.Event()  # another thread waits for the call's lock
    monkeypatch.setattr(call, "_lock", _TellingLock(waiting))
    call.attach(ours)
    call.start(0)
    assert shutting.wait(2)

    def finish() -> None:
        call.finish()
        order.append("finished")

    finished = threading.Thread(target=finish)
    finished.start()
    # An ordered finish() now waits for the shutdown; an unordered one returns, and the order below shows it.
    waiting.wait(5)
    go_on.set()
    finished.join(5)
    assert order == ["shut", "finished"]
    ours.close()
    peer.close()


class _TellingLock:
    """A lock that tells when a thread has to wait for it."""

    def __init__(self, waiting: threading.Event) -> None:
        self._lock = threading.Lock()
        self._waiting = waiting

    def __enter__(self) -> bool:
        if not self._lock.acquire(blocking=False):
            self._waiting.set()
            self._lock.acquire()
        return True

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def test_a_cancel_as_a_call_ends_never_breaks_the_next_call_on_its_connection(server: FakeOpenAI) -> None:
    connection = Connection(base_url=server.base_url, timeout=5)
    second: list[MintedToken | MintError] = []

    def mint_again(client: TokenClient) -> None:
        try:
            second.append(client.mint(REQUEST, connection=connection, api_key=TEST_KEY))
        except MintError as err:
            second.append(err)

    with TokenClient() as client:

        class CancelledAsItEnds(Call):
            """The first call: as it finishes, a second call starts on the same client (and would take this
            call's connection if it were free), and then this call is cancelled, as a late Cancel click does."""

            def finish(self) -> None:
                if not second and not hasattr(self, "worker"):
                    server.inject(Fault(FaultKind.SLOW, seconds=0.5))  # the second answer comes later
                    self.worker = threading.Thread(target=mint_again, args=(client,))
                    self.worker.start()
                    wait_until(lambda: len(server.requests) == 2, timeout=5, what="the second call's request")
                    self.cancel()
                super().finish()

        first = CancelledAsItEnds()
        token = client.mint(REQUEST, connection=connection, api_key=TEST_KEY, call=first)
        assert token.value.startswith("ek_")
        first.worker.join(10)
    assert len(server.requests) == 2
    assert isinstance(second[0], MintedToken), f"the second call broke: {second[0]}"


# -- a name lookup that hangs ---------------------------------------------------------------------------------


@pytest.fixture
def hung_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """socket.getaddrinfo never answers for HUNG_HOST (as a resolver with no reachable server), until the test ends;
    the event yielded is set once a lookup of it has begun."""
    release, resolving = threading.Event(), threading.Event()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == HUNG_HOST:
            resolving.set()
            release.wait(60)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield resolving
    release.set()


@pytest.mark.usefixtures("hung_resolver")
def test_a_hung_name_lookup_ends_at_the_calls_deadline() -> None:
    started = time.monotonic()
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(REQUEST, connection=Connection(base_url=f"https://{HUNG_HOST}/v1", timeout=0.5), api_key=TEST_KEY)
    assert time.monotonic() - started < 1.5
    assert caught.value.reason == "timeout"
    assert f"Timed out after 0.5 s connecting to {HUNG_HOST}" in str(caught.value)


def test_a_cancel_ends_a_hung_name_lookup_at_once(hung_resolver: threading.Event) -> None:
    call = Call()

    def cancel_once_resolving() -> None:
        hung_resolver.wait(10)
        call.cancel()

    threading.Thread(target=cancel_once_resolving, daemon=True).start()
    started = time.monotonic()
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(
            REQUEST, connection=Connection(base_url=f"https://{HUNG_HOST}/v1", timeout=30), api_key=TEST_KEY, call=call
        )
    assert time.monotonic() - started < 1
    assert caught.value.reason == "cancelled"


# Runs the CLI with a resolver that never answers for HUNG_HOST, as a machine with an unreachable DNS server.
_HUNG_CLI = f"""
import socket, sys, threading, time
real = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host == {HUNG_HOST!r}:
        print("resolving", time.monotonic(), file=sys.stderr, flush=True)
        threading.Event().wait()
    return real(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
from realtime_gui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_cli_ends_at_its_timeout_when_the_name_lookup_hangs(tmp_path: Path) -> None:
    args = ["mint", "--base-url", f"https://{HUNG_HOST}/v1", "--timeout", "1"]
    done = subprocess.run(
        [sys.executable, "-c", _HUNG_CLI, *args], env=child_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    ended = time.monotonic()  # one clock for every process on the machine (CLOCK_MONOTONIC)
    resolving, said = done.stderr.split("\n", 1)
    assert done.returncode == 4, done.stderr
    assert f"Timed out after 1 s connecting to {HUNG_HOST}" in said
    assert "Traceback" not in said
    # From the lookup on: the interpreter's start-up is no part of the call, and on a busy machine it varies most.
    seconds = ended - float(resolving.removeprefix("resolving "))
    assert seconds < 1 + 1.5, f"the CLI took {seconds:.1f} s from the lookup with --timeout 1"


# -- proxies from the environment -----------------------------------------------------------------------------


class _ForwardingProxy(http.server.ThreadingHTTPServer):
    """A plain HTTP proxy on loopback, without CONNECT: it forwards each absolute-form request and relays the
    answer, and records the request lines it saw."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ForwardingProxy

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.server.seen.append(self.requestline)
        target = urlsplit(self.path)  # absolute form: http://host:port/path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        upstream.request("POST", target.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()


@pytest.fixture
def proxy() -> Iterator[_ForwardingProxy]:
    server = _ForwardingProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_a_proxy_from_the_environment_carries_the_call(
    proxy: _ForwardingProxy, server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("http_proxy", proxy.url)
    with TokenClient() as client:
        token = client.mint(REQUEST, connection=Connection(base_url=server.base_url), api_key=TEST_KEY)
    assert token.value.startswith("ek_")
    assert proxy.seen == [f"POST {server.base_url}/realtime/client_secrets HTTP/1.1"]
    assert len(server.requests) == 1


@pytest.mark.parametrize("exempt", ["127.0.0.1", "*", ".0.0.1", "example.com, 127.0.0.1"])
def test_no_proxy_exempts_its_hosts(
    exempt: str, proxy: _ForwardingProxy, server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("http_proxy", proxy.url)
    no_proxy_env.setenv("no_proxy", exempt)
    with TokenClient() as client:
        client.mint(REQUEST, connection=Connection(base_url=server.base_url), api_key=TEST_KEY)
    assert proxy.seen == []
    assert len(server.requests) == 1


def test_a_proxy_of_a_kind_not_supported_is_a_sentence(server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch) -> None:
    no_proxy_env.setenv("all_proxy", "socks5://user:hunter2pw@127.0.0.1:1080")
    with TokenClient() as client, pytest.raises(ConfigError) as caught:
        client.mint(REQUEST, connection=Connection(base_url=server.base_url), api_key=TEST_KEY)
    assert "the proxy the environment sets for http:// URLs (socks5://127.0.0.1) is not an http:// or https://" in str(
        caught.value
    )
    assert "hunter2pw" not in str(caught.value)
    assert server.requests == []
