"""The transport under the client: a call's deadline and cancel never reach a connection another call has taken
over, a name lookup that hangs ends with the call, and proxies from the environment are honoured for other hosts,
never for this machine."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.errors import ConfigError, MintError, NetworkError
from realtime_gui.net import calls
from realtime_gui.net.calls import Call
from realtime_gui.net.client import TokenClient
from realtime_gui.net.minted import MintedToken

from conftest import TEST_KEY
from misbehaving import FakeOpenAI, Fault, FaultKind
from processes import mint_with_hung_lookup
from proxy_server import RecordingProxy
from tls_certs import Certs, make_certs
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
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(REQUEST, connection=Connection(base_url=f"https://{HUNG_HOST}/v1", timeout=0.5), api_key=TEST_KEY)
    assert caught.value.reason == "timeout"
    assert f"Timed out after 0.5 s connecting to {HUNG_HOST}" in str(caught.value)


def test_a_cancel_ends_a_hung_name_lookup_at_once(hung_resolver: threading.Event) -> None:
    call = Call()

    def cancel_once_resolving() -> None:
        hung_resolver.wait(10)
        call.cancel()

    threading.Thread(target=cancel_once_resolving, daemon=True).start()
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(
            REQUEST, connection=Connection(base_url=f"https://{HUNG_HOST}/v1", timeout=30), api_key=TEST_KEY, call=call
        )
    assert caught.value.reason == "cancelled", "ended by the cancel, not by its 30 s timeout"


def test_the_cli_ends_at_its_timeout_when_the_name_lookup_hangs(tmp_path: Path) -> None:
    # The lookup never ends by itself: the process ends (mint_with_hung_lookup gives it a minute) only through the
    # deadline. How soon past --timeout is a figure: benchmarks/bench_transport.py measures it.
    done = mint_with_hung_lookup(HUNG_HOST, timeout=1, tmp_path=tmp_path)
    assert done.code == 4, done.err
    assert f"Timed out after 1 s connecting to {HUNG_HOST}" in done.err
    assert "Traceback" not in done.err


# -- proxies from the environment -----------------------------------------------------------------------------


ELSEWHERE = "api.example.test"  # a name only the test's proxy (or a test's resolver) leads anywhere


@pytest.fixture
def certs(tmp_path: Path) -> Certs:
    return make_certs(tmp_path / "certs")


@pytest.fixture
def tls_server(certs: Certs, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """The fake server over https, its authority trusted through SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with FakeOpenAI(api_key=TEST_KEY, tls=certs.server_context()) as fake:
        yield fake


def port_of(server: FakeOpenAI) -> int:
    port = urlsplit(server.base_url).port
    assert port is not None
    return port


def elsewhere(server: FakeOpenAI) -> str:
    """The base URL of `server` under a name that is not this machine's."""
    return f"https://{ELSEWHERE}:{port_of(server)}/v1"


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_a_proxy_from_the_environment_carries_a_call_to_another_host(
    tls_server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch
) -> None:
    port = port_of(tls_server)
    with RecordingProxy(routes={f"{ELSEWHERE}:{port}": port}) as proxy:
        no_proxy_env.setenv("https_proxy", proxy.url)
        with TokenClient() as client:
            token = client.mint(REQUEST, connection=Connection(base_url=elsewhere(tls_server)), api_key=TEST_KEY)
        (head,) = proxy.received
    assert token.value.startswith("ek_")
    assert head.startswith(f"CONNECT {ELSEWHERE}:{port} HTTP/1.1\r\n".encode())
    assert TEST_KEY.encode() not in head, "the key travels inside the tunnel's TLS, never to the proxy"
    assert len(tls_server.requests) == 1


@pytest.mark.parametrize("exempt", [ELSEWHERE, "*", ".example.test", f"example.com, {ELSEWHERE}"])
def test_no_proxy_exempts_its_hosts(exempt: str, tls_server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch) -> None:
    looked_up = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        return looked_up("127.0.0.1" if host == ELSEWHERE else host, *args, **kwargs)

    no_proxy_env.setattr(socket, "getaddrinfo", resolve)  # the direct connection finds the server on loopback
    with RecordingProxy() as proxy:
        no_proxy_env.setenv("https_proxy", proxy.url)
        no_proxy_env.setenv("no_proxy", exempt)
        with TokenClient() as client:
            client.mint(REQUEST, connection=Connection(base_url=elsewhere(tls_server)), api_key=TEST_KEY)
        assert proxy.connections == 0
    assert len(tls_server.requests) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_this_machine_is_never_reached_through_a_proxy(
    host: str, server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch
) -> None:
    # Plain http:// is allowed only because it never leaves this machine: through a proxy the key would.
    with RecordingProxy() as proxy:
        for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            no_proxy_env.setenv(name, proxy.url)
        base_url = server.base_url.replace("127.0.0.1", host)
        with TokenClient() as client:
            token = client.mint(REQUEST, connection=Connection(base_url=base_url), api_key=TEST_KEY)
        assert proxy.connections == 0
    assert token.value.startswith("ek_")
    assert len(server.requests) == 1


def test_a_proxy_of_a_kind_not_supported_is_a_sentence(
    tls_server: FakeOpenAI, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("all_proxy", "socks5://user:hunter2pw@127.0.0.1:1080")
    with TokenClient() as client, pytest.raises(ConfigError) as caught:
        client.mint(REQUEST, connection=Connection(base_url=elsewhere(tls_server)), api_key=TEST_KEY)
    assert "the proxy the environment sets for https:// URLs (socks5://127.0.0.1:1080) is not an http:// or" in str(
        caught.value
    )
    assert "hunter2pw" not in str(caught.value)
    assert tls_server.requests == []
    with TokenClient() as client:  # this machine is never reached through it, so it stands in no one's way
        client.mint(REQUEST, connection=Connection(base_url=tls_server.base_url), api_key=TEST_KEY)
