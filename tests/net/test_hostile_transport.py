"""Servers that stall, trickle, flood or bomb: every call ends, at its timeout or on its own, within its memory, as
a sentence (CLI exit 4); Cancel and closing the window really close the connection and end the threads, long before
the calls' timeout. How soon past the timeout a call ends, and how soon the app exits once closed, are figures:
benchmarks/bench_transport.py measures them."""

from __future__ import annotations

import threading
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
from driving import WAIT_MS, threads_ended
from hostile_server import HostileServer, gzip_bomb
from memory_keyring import MemoryKeyring
from processes import close_app_during_call, mint_cli
from waiting import wait_until

REQUEST = build_request("realtime", {})
# The timeout of a call the server never lets end: short, since the test waits it out (whatever the client reached
# by then, a timeout is what it says).
WAITED_OUT_S = 0.5
# The timeout of a call that ends on its own (a bomb, a flood of headers): generous, so that reading 4 MiB on a
# loaded machine is never what decides the test.
ENDS_ON_ITS_OWN_S = 30.0
# The timeout of a call that Cancel or closing must end: ending long before it is ending through them.
CANCELLED_S = 30.0
TIMED_OUT = f"Timed out after {WAITED_OUT_S:g} s"
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
MAX_RSS_MIB = 200


def timeout_for(mode: str) -> float:
    return WAITED_OUT_S if CASES[mode] == TIMED_OUT else ENDS_ON_ITS_OWN_S


# -- the command line, as a separate process ------------------------------------------------------------------


@pytest.mark.long
@pytest.mark.parametrize("mode", CASES)
def test_the_cli_ends_within_its_timeout_and_memory(mode: str, hostile: HostileServer, tmp_path: Path) -> None:
    if mode == "gzip-bomb":
        gzip_bomb()  # built once per process, before the child starts
    done = mint_cli(hostile, mode, timeout=timeout_for(mode), tmp_path=tmp_path)
    assert done.code == 4, done.err
    assert CASES[mode] in done.err
    assert done.out == ""
    assert "Traceback" not in done.err
    assert TEST_KEY not in done.out + done.err
    assert done.max_rss_mib < MAX_RSS_MIB, f"{mode} peaked at {done.max_rss_mib:.0f} MiB"
    assert hostile.requests[0].headers.get("accept-encoding") == "gzip, deflate"


# -- the client in this process -------------------------------------------------------------------------------


def cancel_once_sent(call: Call, hostile: HostileServer) -> None:
    """Cancel `call` from this thread once its request has reached the server: the call is under way, hung."""
    wait_until(lambda: hostile.requests, what="the request to reach the server")
    call.cancel()


def test_cancel_from_another_thread_closes_the_connection_at_once(hostile: HostileServer) -> None:
    call = Call()
    connection = Connection(base_url=hostile.base_url("hang"), timeout=CANCELLED_S)
    threading.Thread(target=cancel_once_sent, args=(call, hostile), daemon=True).start()
    with TokenClient() as client, pytest.raises(NetworkError) as caught:
        client.mint(REQUEST, connection=connection, api_key=TEST_KEY, call=call)
    assert caught.value.reason == "cancelled", "ended by the cancel, not by its timeout"
    assert str(caught.value) == "The call was cancelled."
    assert hostile.requests[0].hung_up.wait(10), "the server saw the connection close"


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
        # A 103 every 5 ms: a deadline per read would never pass, and the call would never end. It runs in a thread
        # of its own so that such a call fails this test instead of hanging it.
        raised: list[BaseException] = []
        early_hints = Connection(base_url=hostile.base_url("early-hints"), timeout=WAITED_OUT_S)

        def call() -> None:
            try:
                client.mint(REQUEST, connection=early_hints, api_key=TEST_KEY)
            except BaseException as err:
                raised.append(err)

        calling = threading.Thread(target=call, daemon=True)
        calling.start()
        calling.join(WAIT_MS / 1000)
        assert not calling.is_alive(), "a stream of 103s kept the call going past its deadline"
        [error] = raised
        assert isinstance(error, NetworkError), error
        assert error.reason == "timeout"
        assert hostile.requests[0].hung_up.wait(10)
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
    window = _window_on(open_window, settings_file, hostile.base_url(mode), timeout=timeout_for(mode))
    with qtbot.waitSignal(window.controller.failed, timeout=WAIT_MS):
        _click(qtbot, window, "mint")
    assert not window.controller.busy
    assert window.mint_button.isEnabled()
    banner = window.error_text.text()
    assert CASES[mode] in banner
    assert TEST_KEY not in banner


def test_cancel_returns_to_idle_and_closes_the_connection(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("hang"), timeout=CANCELLED_S)
    _click(qtbot, window, "mint")
    qtbot.waitUntil(lambda: len(hostile.requests) == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.busy_changed) as idle:
        _click(qtbot, window, "cancel")
    assert idle.args == [False]
    assert window.mint_button.isEnabled()
    # Long before the call's timeout: the cancel itself closed it.
    qtbot.waitUntil(hostile.requests[0].hung_up.is_set, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.controller.running_jobs("mint") == 0, timeout=WAIT_MS)
    with qtbot.assertNotEmitted(window.controller.failed):
        threads_ended(qtbot, window.controller.running_jobs)
    assert not window.error_banner.isVisible()


def test_repeated_create_and_cancel_leaves_no_threads_or_sockets(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("hang"), timeout=CANCELLED_S)
    controller = window.controller
    most = 0
    for round_ in range(1, 21):
        _click(qtbot, window, "mint")
        qtbot.waitUntil(requests_seen(hostile, round_), timeout=WAIT_MS)
        most = max(most, controller.running_jobs("mint"))
        _click(qtbot, window, "cancel")
        # Create comes right after Cancel, with no event handled between (faster than any hand): the call cancelled
        # the round before must have ended by then, though the one just cancelled may still be ending. Not waiting
        # for it raced the next request: on a loaded machine two cancelled threads in a row could still be ending
        # when the next Create counted them, and a third made the cap.
        qtbot.waitUntil(lambda: controller.running_jobs("mint") <= 1, timeout=WAIT_MS)
    assert most <= MAX_MINT_THREADS
    qtbot.waitUntil(lambda: all(r.hung_up.is_set() for r in hostile.requests), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: controller.running_jobs("mint") == 0, timeout=WAIT_MS)
    assert not window.error_banner.isVisible(), "the cap is never hit when cancels end their threads"


def test_closing_with_hung_calls_is_quick_and_closes_them(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("early-hints"), timeout=CANCELLED_S)
    for round_ in range(1, 4):  # two cancelled, the last one live
        _click(qtbot, window, "mint")
        qtbot.waitUntil(requests_seen(hostile, round_), timeout=WAIT_MS)
        if round_ < 3:
            _click(qtbot, window, "cancel")
    assert window.controller.busy
    window.close()
    assert window.controller.running_jobs() == 0, "closing shut the calls' connections and their threads ended"
    assert all(r.hung_up.wait(10) for r in hostile.requests)
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

        window.close()
        # Closing returned while they are still blocked: it gave up on them rather than wait (they would block
        # until released, 30 s at most).
        assert controller.running_jobs("mint") == MAX_MINT_THREADS
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
    # The call's timeout is ten minutes, the longest a profile takes: the process ends (close_app_during_call gives
    # it a minute) only if closing ended the call.
    closed = close_app_during_call(hostile, mode, timeout=600, tmp_path=tmp_path)
    assert closed.code == 0, closed.err
    assert "Traceback" not in closed.err
    assert hostile.requests[0].hung_up.wait(10), "the call's connection was closed"


@pytest.mark.long
def test_the_app_exits_promptly_even_when_a_call_cannot_be_interrupted(hostile: HostileServer, tmp_path: Path) -> None:
    # The mint (and the key status) wait on a keyring that never answers: no socket to shut, so the app must
    # end without waiting for those threads, and without Qt aborting on them. It ends (close_app_during_call gives
    # it a minute) only if it did not wait for the keyring.
    closed = close_app_during_call(
        hostile, "ok", timeout=600, tmp_path=tmp_path, keyring_backend="memory_keyring.HangingKeyring"
    )
    assert closed.code == 0, closed.err
    assert "Traceback" not in closed.err
    assert "QThread" not in closed.err
    assert hostile.requests == []
