"""Servers that stall, trickle, flood or bomb: every call ends within its timeout + 1 s and within its memory, as
a sentence (CLI exit 4); Cancel and closing the window really close the connection and end the threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.errors import NetworkError, ResponseError
from realtime_gui.net.calls import Call
from realtime_gui.net.client import TokenClient, shared_client
from realtime_gui.qt.ui.window.main_window import MainWindow
from realtime_gui.qt.workers.controller import MAX_MINT_THREADS, TooManyCalls

from conftest import TEST_KEY, OpenWindow, write_profile
from driving import threads_ended
from hostile_server import HostileServer, gzip_bomb
from memory_keyring import MemoryKeyring
from processes import close_app_during_call, mint_cli
from waiting import wait_until

REQUEST = build_request("realtime", {})
TIMED_OUT = "Timed out after 1 s"
TOO_LARGE = "was larger than 4 MiB"
# mode -> what the user is told; every one of them is exit 4 on the command line.
CASES = {
    "slow-headers": TIMED_OUT,
    "early-hints": TIMED_OUT,
    "slow-body": TIMED_OUT,
    "hang": TIMED_OUT,
    "gzip-bomb": TOO_LARGE,
    "big-body": TOO_LARGE,
    "big-headers": "had headers larger than 16 KiB",
}
TIMEOUT_S = 1.0
MAX_RSS_MIB = 200


# -- the command line, as a separate process ------------------------------------------------------------------


@pytest.mark.long
@pytest.mark.parametrize("mode", CASES)
def test_the_cli_ends_within_its_timeout_and_memory(mode: str, hostile: HostileServer, tmp_path: Path) -> None:
    if mode == "gzip-bomb":
        gzip_bomb()  # built once per process, before the clock starts
    done = mint_cli(hostile, mode, timeout=TIMEOUT_S, tmp_path=tmp_path)
    assert done.code == 4, done.err
    assert CASES[mode] in done.err
    assert done.out == ""
    assert "Traceback" not in done.err
    assert TEST_KEY not in done.out + done.err
    assert done.seconds < TIMEOUT_S + 1, f"{mode} took {done.seconds:.1f} s with --timeout {TIMEOUT_S:g}"
    assert done.max_rss_mib < MAX_RSS_MIB, f"{mode} peaked at {done.max_rss_mib:.0f} MiB"
    assert hostile.requests[0].headers.get("accept-encoding") == "gzip, deflate"


# -- the client in this process -------------------------------------------------------------------------------


def cancel_once_sent(call: Call, hostile: HostileServer) -> None:
    """Cancel `call` from this thread once its request has reached the server: the call is under way, hung."""
    wait_until(lambda: hostile.requests, what="the request to reach the server")
    call.cancel()


def test_cancel_from_another_thread_closes_the_connection_at_once(hostile: HostileServer) -> None:
    call = Call()
    connection = Connection(base_url=hostile.base_url("hang"), timeout=30)
    threading.Thread(target=cancel_once_sent, args=(call, hostile), daemon=True).start()
    started = time.monotonic()
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(REQUEST, connection=connection, api_key=TEST_KEY, call=call)
    assert time.monotonic() - started < 2
    assert caught.value.reason == "cancelled"
    assert str(caught.value) == "The call was cancelled."
    assert hostile.requests[0].hung_up.wait(2), "the server saw the connection close"


def test_a_call_cancelled_before_it_starts_sends_nothing(hostile: HostileServer) -> None:
    call = Call()
    call.cancel()
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(REQUEST, connection=Connection(base_url=hostile.base_url("ok")), api_key=TEST_KEY, call=call)
    assert caught.value.reason == "cancelled"
    # The next call's request is the first the server sees: anything the cancelled call had sent came before it.
    with TokenClient() as client:
        client.mint(REQUEST, connection=Connection(base_url=hostile.base_url("ok")), api_key=TEST_KEY)
    assert [r.path for r in hostile.requests] == ["/v1/realtime/client_secrets"]


def test_the_deadline_covers_the_whole_call_and_the_client_is_reusable(hostile: HostileServer) -> None:
    with TokenClient() as client:
        started = time.monotonic()
        with pytest.raises(NetworkError) as caught:
            client.mint(
                REQUEST,
                connection=Connection(base_url=hostile.base_url("early-hints"), timeout=0.5),
                api_key=TEST_KEY,
            )
        assert caught.value.reason == "timeout"
        assert time.monotonic() - started < 0.5 + 1
        assert hostile.requests[0].hung_up.wait(2)
        token = client.mint(REQUEST, connection=Connection(base_url=hostile.base_url("ok")), api_key=TEST_KEY)
        assert token.value.startswith("ek_")


def test_an_answer_too_large_says_so(hostile: HostileServer) -> None:
    with TokenClient() as client, pytest.raises(ResponseError) as caught:
        client.mint(REQUEST, connection=Connection(base_url=hostile.base_url("big-body")), api_key=TEST_KEY)
    assert TOO_LARGE in str(caught.value)
    assert "could not be decoded" not in str(caught.value)
    assert caught.value.status == 200


# -- the window -----------------------------------------------------------------------------------------------


def _window_on(open_window: OpenWindow, settings_file: Path, base_url: str, *, timeout: float) -> MainWindow:
    write_profile(settings_file, "test", base_url, timeout=timeout)
    shared_client()  # httpx2 loaded and the client built, as the window's warm-up does, before the clock starts
    window = open_window()
    assert isinstance(window, MainWindow)
    return window


def requests_seen(hostile: HostileServer, count: int) -> Callable[[], bool]:
    return lambda: len(hostile.requests) == count


def _click(qtbot: QtBot, window: MainWindow, name: str) -> None:
    button = window.mint_button if name == "mint" else window.cancel_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("mode", CASES)
def test_the_window_says_what_went_wrong_within_the_timeout(
    mode: str, qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    if mode == "gzip-bomb":
        gzip_bomb()
    window = _window_on(open_window, settings_file, hostile.base_url(mode), timeout=TIMEOUT_S)
    started = time.monotonic()
    with qtbot.waitSignal(window.controller.failed, timeout=int((TIMEOUT_S + 1) * 1000)):
        _click(qtbot, window, "mint")
    assert time.monotonic() - started < TIMEOUT_S + 1
    assert not window.controller.busy
    assert window.mint_button.isEnabled()
    banner = window.error_text.text()
    assert CASES[mode] in banner
    assert TEST_KEY not in banner


def test_cancel_returns_to_idle_and_closes_the_connection(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("hang"), timeout=30)
    _click(qtbot, window, "mint")
    qtbot.waitUntil(lambda: len(hostile.requests) == 1, timeout=5000)
    with qtbot.waitSignal(window.controller.busy_changed) as idle:
        _click(qtbot, window, "cancel")
    assert idle.args == [False]
    assert window.mint_button.isEnabled()
    # Long before the 30 s timeout: the cancel itself closed it.
    qtbot.waitUntil(hostile.requests[0].hung_up.is_set, timeout=2000)
    qtbot.waitUntil(lambda: window.controller.running_jobs("mint") == 0, timeout=2000)
    with qtbot.assertNotEmitted(window.controller.failed):
        threads_ended(qtbot, window.controller.running_jobs)
    assert not window.error_banner.isVisible()


def test_repeated_create_and_cancel_leaves_no_threads_or_sockets(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("hang"), timeout=30)
    controller = window.controller
    most = 0
    for round_ in range(1, 21):
        _click(qtbot, window, "mint")
        qtbot.waitUntil(requests_seen(hostile, round_), timeout=5000)
        most = max(most, controller.running_jobs("mint"))
        _click(qtbot, window, "cancel")
    assert most <= MAX_MINT_THREADS
    qtbot.waitUntil(lambda: all(r.hung_up.is_set() for r in hostile.requests), timeout=3000)
    qtbot.waitUntil(lambda: controller.running_jobs("mint") == 0, timeout=3000)
    assert not window.error_banner.isVisible(), "the cap is never hit when cancels end their threads"


def test_closing_with_hung_calls_is_quick_and_closes_them(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("early-hints"), timeout=30)
    for round_ in range(1, 4):  # two cancelled, the last one live
        _click(qtbot, window, "mint")
        qtbot.waitUntil(requests_seen(hostile, round_), timeout=5000)
        if round_ < 3:
            _click(qtbot, window, "cancel")
    assert window.controller.busy
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1, "closing must not wait for the calls' timeout"
    assert window.controller.running_jobs() == 0
    assert all(r.hung_up.wait(2) for r in hostile.requests)
    # The live call's failure (its connection shut) is queued: it must not reach the closed window.
    with qtbot.assertNotEmitted(window.controller.failed):
        threads_ended(qtbot, window.controller.running_jobs)


class BlockingKeyring(MemoryKeyring):
    """A keyring whose reads wait for `release`: a call step nothing can interrupt (a prompt, a locked store)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return TEST_KEY


def test_calls_that_cannot_be_interrupted_are_capped_and_closing_does_not_wait_for_them(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("ok"), timeout=30)
    blocking = BlockingKeyring()
    keyring.set_keyring(blocking)
    controller = window.controller
    try:
        for _ in range(MAX_MINT_THREADS):
            _click(qtbot, window, "mint")
            _click(qtbot, window, "cancel")
        assert controller.running_jobs("mint") == MAX_MINT_THREADS
        with qtbot.waitSignal(window.controller.failed) as refused:
            _click(qtbot, window, "mint")
        assert isinstance(refused.args[0], TooManyCalls)
        assert "Nothing was sent" in window.error_text.text()
        assert "still ending" in window.error_text.text()
        assert not window.controller.busy
        assert controller.running_jobs("mint") == MAX_MINT_THREADS

        started = time.monotonic()
        window.close()
        assert time.monotonic() - started < 1, "one wait for all threads, not one per thread"
    finally:
        blocking.release.set()
    qtbot.waitUntil(lambda: controller.wait_for_threads(0), timeout=5000)
    assert hostile.requests == [], "cancelled calls send nothing when they resume"


# -- the real app, as a separate process ----------------------------------------------------------------------


@pytest.mark.long
@pytest.mark.parametrize("mode", ["hang", "early-hints"])
def test_the_app_exits_promptly_when_closed_during_a_hung_call(
    mode: str, hostile: HostileServer, tmp_path: Path
) -> None:
    closed = close_app_during_call(hostile, mode, timeout=30, tmp_path=tmp_path)
    assert closed.code == 0, closed.err
    assert "Traceback" not in closed.err
    assert closed.seconds_to_exit < 1, f"the process outlived its window by {closed.seconds_to_exit:.2f} s"
    assert hostile.requests[0].hung_up.wait(2), "the call's connection was closed"


@pytest.mark.long
def test_the_app_exits_promptly_even_when_a_call_cannot_be_interrupted(hostile: HostileServer, tmp_path: Path) -> None:
    # The mint (and the key status) wait on a keyring that never answers: no socket to shut, so the app must
    # end without waiting for those threads, and without Qt aborting on them.
    closed = close_app_during_call(
        hostile, "ok", timeout=30, tmp_path=tmp_path, keyring_backend="memory_keyring.HangingKeyring"
    )
    assert closed.code == 0, closed.err
    assert "Traceback" not in closed.err
    assert "QThread" not in closed.err
    assert closed.seconds_to_exit < 1, f"the process outlived its window by {closed.seconds_to_exit:.2f} s"
    assert hostile.requests == []
