"""net/listening.py: a server's shutdown() wakes its loop at once, however long the loop's poll, and the loop can be
served again afterwards."""

from __future__ import annotations

import gc
import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from realtime_gui.net.listening import PromptShutdown

# The loop's poll: a shutdown() that waited for it would wait an hour, so a stop that returns at all was woken.
HOUR_S = 3600.0
BOUND_S = 30.0  # bounds a failure only


class _Hello(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")


class _Server(PromptShutdown, ThreadingHTTPServer):
    daemon_threads = True
    turns = 0  # of the loop: one a request (or a poll, never here)

    def service_actions(self) -> None:
        self.turns += 1


@pytest.fixture
def server() -> Iterator[_Server]:
    made = _Server(("127.0.0.1", 0), _Hello)
    yield made
    made.server_close()


def _serve(server: _Server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": HOUR_S}, daemon=True)
    thread.start()
    return thread


def _hello(server: _Server) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=BOUND_S)
    try:
        connection.request("GET", "/")
        return connection.getresponse().read()
    finally:
        connection.close()


def _shutdown_in_a_thread(server: _Server) -> threading.Event:
    """shutdown() from another thread; the event is set once it has returned."""
    stopped = threading.Event()

    def stop() -> None:
        server.shutdown()
        stopped.set()

    threading.Thread(target=stop, daemon=True).start()
    return stopped


def _stop(server: _Server) -> None:
    """shutdown() from another thread; fails if it has not returned within BOUND_S."""
    assert _shutdown_in_a_thread(server).wait(BOUND_S), "shutdown() waited for the loop's poll"


def test_shutdown_wakes_a_loop_that_polls_hourly(server: _Server) -> None:
    loop = _serve(server)
    assert _hello(server) == b"hello"
    _stop(server)
    loop.join(BOUND_S)
    assert not loop.is_alive()


def test_shutdown_as_the_loop_starts_ends_it(server: _Server) -> None:
    stopped = _shutdown_in_a_thread(server)
    loop = _serve(server)
    assert stopped.wait(BOUND_S)
    loop.join(BOUND_S)
    assert not loop.is_alive()


def test_a_stopped_server_serves_again(server: _Server) -> None:
    _serve(server)
    _stop(server)
    turns = server.turns
    again = _serve(server)  # the first stop's wake-up byte must not end this loop, nor keep it turning
    assert _hello(server) == b"hello"
    assert again.is_alive()
    assert server.turns - turns <= 1, "a turn for the one request, no more"
    _stop(server)
    again.join(BOUND_S)
    assert not again.is_alive()


def test_a_port_in_use_raises_and_leaves_no_socket_open(server: _Server) -> None:
    with pytest.raises(OSError, match="already in use"):
        _Server(("127.0.0.1", server.server_address[1]), _Hello)
    gc.collect()  # an unclosed socket would warn now, and a warning fails the test (filterwarnings = error)


def test_stops_asked_after_the_loop_ended_return(server: _Server) -> None:
    # Each shutdown() writes a byte to the socket pair, and once the loop has ended nothing reads them: a pair that
    # is full (some 300 bytes on Linux) must not block the next shutdown(), which has nothing to wake.
    loop = _serve(server)
    _stop(server)
    loop.join(BOUND_S)
    stopped = threading.Event()

    def stop_again_and_again() -> None:
        for _ in range(2000):
            server.shutdown()
        stopped.set()

    threading.Thread(target=stop_again_and_again, daemon=True).start()
    assert stopped.wait(BOUND_S), "shutdown() blocked writing to the full socket pair"
