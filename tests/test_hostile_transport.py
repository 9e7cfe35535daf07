"""Servers that stall, trickle, flood or bomb: every call ends within its timeout + 1 s and within its memory, as
a sentence (CLI exit 4); Cancel and closing the window really close the connection and end the threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt

from realtime_gui.calls import Call
from realtime_gui.client import Connection, NetworkError, ResponseError, TokenClient, shared_client
from realtime_gui.qt.controller import MAX_MINT_THREADS, TooManyCalls
from realtime_gui.qt.ui.main_window import MainWindow
from realtime_gui.request import build_request

from conftest import TEST_KEY, write_profile
from hostile_server import HostileServer, gzip_bomb
from memory_keyring import MemoryKeyring

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


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    env["PYTHON_KEYRING_BACKEND"] = "memory_keyring.MemoryKeyring"  # never the real keyring
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["OPENAI_API_KEY"] = TEST_KEY
    env.update(extra)
    return env


class Finished:
    def __init__(self, code: int, out: str, err: str, seconds: float, max_rss_mib: float) -> None:
        self.code, self.out, self.err, self.seconds, self.max_rss_mib = code, out, err, seconds, max_rss_mib


def run_measured(
    args: list[str], *, env: dict[str, str], tmp_path: Path, started: Callable[[], bool], kill_after: float = 60
) -> Finished:
    """Run a child to its end: exit code, output, seconds from `started()` first being true (the request reached
    the server, so the interpreter's start-up is not counted) to its exit, and its own peak RSS (wait4)."""
    out_path, err_path = tmp_path / "stdout", tmp_path / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        spawned = time.monotonic()
        call_started: float | None = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            now = time.monotonic()
            if call_started is None and started():
                call_started = now
            if pid:
                break
            if now - spawned > kill_after:  # a regression must fail the test, not hang it
                proc.kill()
            time.sleep(0.005)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        proc.returncode,
        out_path.read_text(errors="replace"),
        err_path.read_text(errors="replace"),
        now - (call_started if call_started is not None else spawned),
        usage.ru_maxrss / 1024,  # KiB on Linux
    )


# -- the command line, as a separate process ------------------------------------------------------------------


@pytest.mark.parametrize("mode", CASES)
def test_the_cli_ends_within_its_timeout_and_memory(mode: str, hostile: HostileServer, tmp_path: Path) -> None:
    if mode == "gzip-bomb":
        gzip_bomb()  # built once per process, before the clock starts
    cli = Path(sys.executable).with_name("realtime-gui")
    args = [str(cli), "mint", "--base-url", hostile.base_url(mode), "--timeout", f"{TIMEOUT_S:g}"]
    done = run_measured(args, env=_env(tmp_path), tmp_path=tmp_path, started=lambda: bool(hostile.requests))
    assert done.code == 4, done.err
    assert CASES[mode] in done.err
    assert done.out == ""
    assert "Traceback" not in done.err
    assert TEST_KEY not in done.out + done.err
    assert done.seconds < TIMEOUT_S + 1, f"{mode} took {done.seconds:.1f} s with --timeout {TIMEOUT_S:g}"
    assert done.max_rss_mib < MAX_RSS_MIB, f"{mode} peaked at {done.max_rss_mib:.0f} MiB"
    assert hostile.requests, "the request reached the server"
    assert hostile.requests[0].headers.get("accept-encoding") == "gzip, deflate"


# -- the client in this process -------------------------------------------------------------------------------


def test_cancel_from_another_thread_closes_the_connection_at_once(hostile: HostileServer) -> None:
    call = Call()
    connection = Connection(base_url=hostile.base_url("hang"), timeout=30)
    threading.Timer(0.3, call.cancel).start()
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
    time.sleep(0.2)
    assert hostile.requests == []


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
        assert time.monotonic() - started < 1.5
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


def _window_on(open_window: Any, settings_file: Path, base_url: str, *, timeout: float) -> MainWindow:
    write_profile(settings_file, "test", base_url, timeout=timeout)
    shared_client()  # httpx loaded and the client built, as the window's warm-up does, before the clock starts
    window = open_window()
    assert isinstance(window, MainWindow)
    return window


def _click(qtbot: Any, window: MainWindow, name: str) -> None:
    button = window.mint_button if name == "mint" else window.cancel_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("mode", CASES)
def test_the_window_says_what_went_wrong_within_the_timeout(
    mode: str, qtbot: Any, open_window: Any, settings_file: Path, hostile: HostileServer
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
    qtbot: Any, open_window: Any, settings_file: Path, hostile: HostileServer
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
    qtbot.waitUntil(lambda: window.controller._jobs.running("mint") == 0, timeout=2000)
    with qtbot.assertNotEmitted(window.controller.failed, wait=300):
        pass
    assert not window.error_banner.isVisible()


def test_repeated_create_and_cancel_leaves_no_threads_or_sockets(
    qtbot: Any, open_window: Any, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("hang"), timeout=30)
    jobs = window.controller._jobs
    most = 0
    for round_ in range(1, 21):
        _click(qtbot, window, "mint")
        qtbot.waitUntil(lambda n=round_: len(hostile.requests) == n, timeout=5000)
        most = max(most, jobs.running("mint"))
        _click(qtbot, window, "cancel")
    assert most <= MAX_MINT_THREADS
    qtbot.waitUntil(lambda: all(r.hung_up.is_set() for r in hostile.requests), timeout=3000)
    qtbot.waitUntil(lambda: jobs.running("mint") == 0, timeout=3000)
    assert not window.error_banner.isVisible(), "the cap is never hit when cancels end their threads"


def test_closing_with_hung_calls_is_quick_and_closes_them(
    qtbot: Any, open_window: Any, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("early-hints"), timeout=30)
    for round_ in range(1, 4):  # two cancelled, the last one live
        _click(qtbot, window, "mint")
        qtbot.waitUntil(lambda n=round_: len(hostile.requests) == n, timeout=5000)
        if round_ < 3:
            _click(qtbot, window, "cancel")
    assert window.controller.busy
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1, "closing must not wait for the calls' timeout"
    assert window.controller._jobs.running_count == 0
    assert all(r.hung_up.wait(2) for r in hostile.requests)
    # The live call's failure (its connection shut) is queued: it must not reach the closed window.
    with qtbot.assertNotEmitted(window.controller.failed, wait=300):
        pass


class BlockingKeyring(MemoryKeyring):
    """A keyring whose reads wait for `release`: a call step nothing can interrupt (a prompt, a locked store)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return TEST_KEY


def test_calls_that_cannot_be_interrupted_are_capped_and_closing_does_not_wait_for_them(
    qtbot: Any, open_window: Any, settings_file: Path, hostile: HostileServer
) -> None:
    window = _window_on(open_window, settings_file, hostile.base_url("ok"), timeout=30)
    blocking = BlockingKeyring()
    keyring.set_keyring(blocking)
    jobs = window.controller._jobs
    try:
        for _ in range(MAX_MINT_THREADS):
            _click(qtbot, window, "mint")
            _click(qtbot, window, "cancel")
        assert jobs.running("mint") == MAX_MINT_THREADS
        with qtbot.waitSignal(window.controller.failed) as refused:
            _click(qtbot, window, "mint")
        assert isinstance(refused.args[0], TooManyCalls)
        assert "Nothing was sent" in window.error_text.text()
        assert "still ending" in window.error_text.text()
        assert not window.controller.busy
        assert jobs.running("mint") == MAX_MINT_THREADS

        started = time.monotonic()
        window.close()
        assert time.monotonic() - started < 1.5, "one wait for all threads, not one per thread"
    finally:
        blocking.release.set()
    qtbot.waitUntil(lambda: jobs.wait_all(0), timeout=5000)
    assert hostile.requests == [], "cancelled calls send nothing when they resume"


# -- the real app, as a separate process ----------------------------------------------------------------------

# Starts the app's own main(), clicks Create, and closes the window once the test says the request arrived.
DRIVER = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from realtime_gui.qt.app import main
from realtime_gui.qt.ui.main_window import MainWindow

flag = Path(sys.argv[1])
app = QApplication([sys.argv[0]])

def window():
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

def create():
    window().mint_button.click()
    close_when_told()

def close_when_told():
    if not flag.exists():
        QTimer.singleShot(20, close_when_told)
        return
    print("closing", time.monotonic(), flush=True)
    window().close()

QTimer.singleShot(100, create)
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("mode", ["hang", "early-hints"])
def test_the_app_exits_promptly_when_closed_during_a_hung_call(
    mode: str, hostile: HostileServer, tmp_path: Path
) -> None:
    settings = tmp_path / "settings.ini"
    write_profile(settings, "test", hostile.base_url(mode), timeout=30)
    flag = tmp_path / "close-now"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(flag), "--settings", str(settings)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not hostile.requests and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert hostile.requests, "the app sent its request"
        flag.touch()
        out, err = proc.communicate(timeout=20)
        exited = time.monotonic()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    closing = float(out.split()[1])  # time.monotonic() is one clock for every process on the machine
    assert exited - closing < 1.5, f"the process outlived its window by {exited - closing:.2f} s"
    assert hostile.requests[0].hung_up.wait(2), "the call's connection was closed"
