"""Hostile Realtime servers against the token check: redirects at the upgrade (never followed), a ping flood that
never reads (the deadline and Cancel still hold), replies that stream for ever (memory stays bounded), a wrong
accept key followed by frames (no traceback), a token echoed back (never printed), and answers of tiny arrays
(bounded by their number of values). Through the CLI as a separate process and through the window's Test.

A check that must end at its timeout ends there through the timeout path, saying so; how soon after the timeout it
ends, and how soon Cancel returns, are figures: benchmarks/bench_hostile_verify.py measures them."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from realtime_gui.qt.ui.token_side.verify_panel import REPLY_KEPT, REPLY_LIMIT
from realtime_gui.qt.ui.window.main_window import MainWindow
from realtime_gui.verify.findings import MAX_REPLY_CHARS, Redirected, VerifyCancelled, VerifyRequest
from realtime_gui.verify.session import Verification

from conftest import TEST_KEY, OpenWindow, write_profile
from driving import WAIT_MS, child, texts_on_screen, threads_ended
from hostile_server import LONG_REPLY_CHARS, Connection, HostileServer
from processes import CLI, CONTROL, HOSTILE_TOKEN, Finished, child_env, run_measured, verify_cli

# The timeout of a check that ends on its own (a refusal, a redirect, a good session): generous, so that a loaded
# machine never decides the test.
TIMEOUT_S = 10.0
# The timeout of a check that ends at it (a flood, an endless reply): short, since the test waits it out; long
# enough for the upgrade and session.created (milliseconds) on a loaded machine.
WAITED_OUT_S = 1.0
# The timeout of a check that Cancel or closing must end: ending long before it is ending through Cancel.
CANCELLED_S = 60.0
MAX_RSS_MIB = 200
NO_SESSION = "No session.created from 127.0.0.1:"
NO_REPLY = "No reply (response.done) from 127.0.0.1:"


def upgrades(hostile: HostileServer) -> list[Connection]:
    return [r for r in hostile.requests if r.method == "GET"]


def assert_one_sentence(done: Finished, *, code: int) -> None:
    """What every run against a hostile server must do: its exit code, and on stderr our sentences only."""
    assert done.code == code, done.err
    assert "Traceback" not in done.err
    assert "websockets" not in done.err, "websockets' own log must not reach the terminal"
    assert all(line.startswith("realtime-gui: ") for line in done.err.splitlines()), done.err
    assert HOSTILE_TOKEN not in done.out + done.err
    assert TEST_KEY not in done.out + done.err
    assert not CONTROL.search(done.out + done.err)


@pytest.fixture
def elsewhere() -> Iterator[socket.socket]:
    """A listening socket on another port, where a cross-origin redirect points: it must never be connected to."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener


def connections_to(listener: socket.socket) -> int:
    """How many connections reached `listener` (the kernel completes them whether or not anyone accepts)."""
    listener.setblocking(False)
    count = 0
    while True:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


# -- redirects at the upgrade: refused, never followed ---------------------------------------------------------------


def test_a_same_origin_redirect_is_refused_and_the_token_not_sent_again(hostile: HostileServer, tmp_path: Path) -> None:
    done = verify_cli(hostile, "ws-redirect", timeout=TIMEOUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    assert "redirected the session (HTTP 302) to /moved/v1/realtime. A token check never follows a redirect" in (
        done.err
    )
    assert done.out == ""
    assert [r.mode for r in hostile.requests] == ["ws-redirect"], "nothing reached the redirect's target"


def test_a_cross_origin_redirect_is_refused_and_its_target_gets_nothing(
    hostile: HostileServer, elsewhere: socket.socket, tmp_path: Path
) -> None:
    port = elsewhere.getsockname()[1]
    target = f"ws://127.0.0.1:{port}/v1/realtime?model=gpt-realtime&see=\x9b31m{'x' * 500}"  # C1 CSI, long
    hostile.options["location"] = target
    done = verify_cli(hostile, "ws-redirect-away", timeout=TIMEOUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    assert f"redirected the session (HTTP 307) to ws://127.0.0.1:{port}/v1/realtime?model=gpt-realtime" in done.err
    assert "31mxxx" in done.err
    assert "\x9b" not in done.err, "the target is shown escaped"
    assert "more characters)" in done.err, "and cut short"
    assert connections_to(elsewhere) == 0, "the redirect's target was never contacted"
    assert len(upgrades(hostile)) == 1


def test_a_redirect_is_a_redirected_error_in_the_core(hostile: HostileServer, elsewhere: socket.socket) -> None:
    hostile.options["location"] = f"ws://127.0.0.1:{elsewhere.getsockname()[1]}/v1/realtime"
    request = VerifyRequest(token=HOSTILE_TOKEN, base_url=hostile.base_url("ws-redirect-away"), timeout=TIMEOUT_S)
    with pytest.raises(Redirected) as caught:
        Verification(request).run()
    assert caught.value.status == 307
    assert caught.value.location == hostile.options["location"]
    assert connections_to(elsewhere) == 0


# -- the deadline holds after the 101 --------------------------------------------------------------------------------


@pytest.mark.long
@pytest.mark.parametrize(
    ("mode", "args", "said"),
    [("ws-ping-flood", (), NO_SESSION), ("ws-ping-flood-open", ("--say", "hi"), NO_REPLY)],
    ids=["before session.created", "during the turn"],
)
def test_a_ping_flood_that_never_reads_ends_within_the_timeout(
    hostile: HostileServer, tmp_path: Path, mode: str, args: tuple[str, ...], said: str
) -> None:
    done = verify_cli(hostile, mode, *args, timeout=WAITED_OUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    assert said in done.err
    assert f"within {WAITED_OUT_S:g} s" in done.err


def test_cancel_ends_a_ping_flood_at_once_and_never_blocks(hostile: HostileServer) -> None:
    request = VerifyRequest(token=HOSTILE_TOKEN, base_url=hostile.base_url("ws-ping-flood"), timeout=CANCELLED_S)
    check = Verification(request)
    ended = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            check.run()
        except BaseException as err:
            outcome.append(err)
        ended.set()

    threading.Thread(target=run, daemon=True).start()
    assert hostile.arrived.wait(10)
    assert upgrades(hostile)[0].stalled.wait(10), "the client's reader is stuck writing pongs"
    assert not ended.is_set()
    # websockets' lock is held by the stuck reader until the check's timeout: a cancel() that waited for it would
    # return only then.
    cancelled = threading.Event()

    def cancel() -> None:
        check.cancel()
        cancelled.set()

    threading.Thread(target=cancel, daemon=True).start()
    assert cancelled.wait(CANCELLED_S / 4), "cancel() waited for websockets' lock"
    assert ended.wait(CANCELLED_S / 4), "the check waited for its timeout"
    assert isinstance(outcome[0], VerifyCancelled)


# -- memory is bounded whatever the server streams -------------------------------------------------------------------


@pytest.mark.long
def test_an_endless_reply_is_cut_and_memory_stays_bounded(hostile: HostileServer, tmp_path: Path) -> None:
    done = verify_cli(hostile, "ws-endless-reply", "--say", "hi", timeout=WAITED_OUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    session_line, reply = done.out.split("\n", 1)
    assert session_line.startswith("session sess_hostile opened in ")
    assert len(reply.rstrip("\n")) == MAX_REPLY_CHARS, "the reply is printed up to the cap, and no further"
    cut, timed_out = done.err.splitlines()
    assert cut.startswith(f"realtime-gui: The reply was cut after {MAX_REPLY_CHARS:,} characters: ")
    assert timed_out.startswith(f"realtime-gui: {NO_REPLY}")
    assert done.max_rss_mib < MAX_RSS_MIB, f"peaked at {done.max_rss_mib:.0f} MiB"


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_long_reply_is_kept_up_to_the_cap_and_says_how_much_was_cut(
    hostile: HostileServer, tmp_path: Path, output: str
) -> None:
    done = verify_cli(hostile, "ws-long-reply", "--say", "hi", "--output", output, timeout=30, tmp_path=tmp_path)
    assert_one_sentence(done, code=0)
    cut = LONG_REPLY_CHARS - MAX_REPLY_CHARS
    assert (
        done.err
        == f"realtime-gui: The reply was cut after {MAX_REPLY_CHARS:,} characters: {cut:,} more were not kept.\n"
    )
    if output == "json":
        reply = json.loads(done.out)["reply"]
        assert len(reply["text"]) == MAX_REPLY_CHARS
        assert reply["characters_cut"] == cut
    else:
        assert len(done.out.split("\n", 1)[1].rstrip("\n")) == MAX_REPLY_CHARS
    assert done.max_rss_mib < MAX_RSS_MIB, f"peaked at {done.max_rss_mib:.0f} MiB"


def test_tiny_arrays_in_session_created_are_refused_within_memory(hostile: HostileServer, tmp_path: Path) -> None:
    done = verify_cli(hostile, "ws-tiny-arrays", "--output", "json", timeout=30, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    assert "sent an event that holds more than 100,000 values" in done.err
    assert done.out == ""
    assert done.max_rss_mib < MAX_RSS_MIB, f"peaked at {done.max_rss_mib:.0f} MiB"


def test_a_mint_answer_of_tiny_arrays_is_refused_within_memory(hostile: HostileServer, tmp_path: Path) -> None:
    argv = [CLI, "mint", "--base-url", hostile.base_url("tiny-arrays"), "--output", "json", "--timeout", "30"]
    done = run_measured(argv, env=child_env(tmp_path), tmp_path=tmp_path, started=lambda: bool(hostile.requests))
    assert_one_sentence(done, code=4)
    assert "The server's answer (HTTP 200) cannot be used: it holds more than 100,000 values" in done.err
    assert done.out == ""
    assert done.max_rss_mib < MAX_RSS_MIB, f"peaked at {done.max_rss_mib:.0f} MiB"


# -- no traceback, no token ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt", range(6))  # websockets logged its traceback about one run in three
def test_a_wrong_accept_key_followed_by_frames_prints_one_sentence(
    hostile: HostileServer, tmp_path: Path, attempt: int
) -> None:
    done = verify_cli(hostile, "ws-bad-accept", timeout=TIMEOUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    assert done.err.count("\n") == 1, done.err
    assert "did not open a WebSocket (invalid Sec-WebSocket-Accept header" in done.err


def test_an_endless_refusal_ends_within_the_timeout_as_one_sentence(hostile: HostileServer, tmp_path: Path) -> None:
    done = verify_cli(hostile, "ws-endless-refusal", timeout=WAITED_OUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=4)
    assert done.err.count("\n") == 1, done.err
    assert f"{NO_SESSION}{hostile.port} within {WAITED_OUT_S:g} s" in done.err, "the deadline ended it"
    assert done.max_rss_mib < MAX_RSS_MIB


def test_a_token_echoed_in_session_created_is_not_printed(hostile: HostileServer, tmp_path: Path) -> None:
    done = verify_cli(hostile, "ws-echo-token", timeout=TIMEOUT_S, tmp_path=tmp_path)
    assert_one_sentence(done, code=0)  # checks the token is in neither stream, in any case
    assert HOSTILE_TOKEN.upper() not in done.out
    assert done.out == "session ek_…cdef opened in " + done.out.split(" opened in ", 1)[1]
    assert "model ek_…cdef, voice ek_…cdef" in done.out  # the capitals too


def test_a_token_echoed_across_reply_deltas_is_not_printed(hostile: HostileServer, tmp_path: Path) -> None:
    done = verify_cli(hostile, "ws-echo-token-reply", "--say", "hi", timeout=TIMEOUT_S, tmp_path=tmp_path)
    assert done.code == 0, done.err
    assert HOSTILE_TOKEN not in done.out + done.err
    assert "You sent ek_…cdef." in done.out


def test_mint_verify_does_not_print_an_echoed_token_in_its_verdict(hostile: HostileServer, tmp_path: Path) -> None:
    argv = [CLI, "mint", "--verify", "--base-url", hostile.base_url("ws-echo-token"), "--timeout", "5"]
    done = run_measured(argv, env=child_env(tmp_path), tmp_path=tmp_path, started=lambda: bool(hostile.requests))
    assert done.code == 0, done.err
    assert done.out == HOSTILE_TOKEN + "\n", "the token goes to stdout, as asked"
    assert done.err.startswith("realtime-gui: The token works: session ek_…cdef opened in ")
    assert HOSTILE_TOKEN.lower() not in done.err.lower()


# -- the window's Test -----------------------------------------------------------------------------------------------


def window_on(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer, mode: str, *, timeout: float
) -> MainWindow:
    """The window on a profile at `mode`, with a token minted there, ready to Test."""
    write_profile(settings_file, "test", hostile.base_url(mode), timeout=timeout)
    window = open_window()
    with qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    return window


def verify_button(window: MainWindow) -> QAbstractButton:
    return child(window, QAbstractButton, "verifyToken")


def result(window: MainWindow) -> str:
    return child(window, QLabel, "verifyResult").text()


@pytest.mark.parametrize("how", ["cancel", "close"])
def test_the_window_ends_a_ping_flooded_test_at_once(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer, how: str
) -> None:
    window = window_on(qtbot, open_window, settings_file, hostile, "ws-ping-flood", timeout=CANCELLED_S)
    verifier = window.controller.verifier
    qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(upgrades(hostile)) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(upgrades(hostile)[0].stalled.is_set, timeout=10_000)  # its reader holds websockets' lock
    with qtbot.assertNotEmitted(verifier.failed), qtbot.assertNotEmitted(verifier.verified):
        started = time.monotonic()
        if how == "cancel":
            qtbot.mouseClick(child(window, QPushButton, "cancel"), Qt.MouseButton.LeftButton)
            assert result(window) == "Test cancelled: the session was closed."
        else:
            window.close()
        returned_in = time.monotonic() - started
        threads_ended(qtbot, lambda: verifier.running)  # and what the thread queued never comes
    # Not a figure (bench_hostile_verify.py measures how soon it returns): whether it waited for the check's timeout,
    # the only thing that would have freed websockets' lock.
    assert returned_in < CANCELLED_S / 4, f"the window waited {returned_in:.1f} s, for the check's timeout"


def test_a_ping_flooded_test_fails_within_its_timeout(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = window_on(qtbot, open_window, settings_file, hostile, "ws-ping-flood", timeout=WAITED_OUT_S)
    with qtbot.waitSignal(window.controller.verifier.failed, timeout=WAIT_MS):
        qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    assert result(window).startswith(f"✗ {NO_SESSION}")
    assert f"within {WAITED_OUT_S:g} s" in result(window), "the deadline ended it"
    assert verify_button(window).isEnabled()


def test_an_endless_reply_in_the_window_is_cut_and_says_so(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = window_on(qtbot, open_window, settings_file, hostile, "ws-endless-reply", timeout=WAITED_OUT_S)
    verifier = window.controller.verifier
    pieces: list[str] = []
    verifier.texted.connect(pieces.append)
    child(window, QLineEdit, "verifySay").setText("Talk for ever")
    with qtbot.waitSignal(verifier.failed, timeout=WAIT_MS):
        qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    assert sum(map(len, pieces)) == REPLY_KEPT, "no more of the reply crossed to the GUI thread than it keeps"
    shown = child(window, QPlainTextEdit, "verifyReply").toPlainText()
    assert shown.startswith("endless endless")
    assert f"… ({REPLY_KEPT - REPLY_LIMIT} more characters)" in shown
    assert "\n(The reply was cut: " in shown
    assert shown.endswith(" more characters were not kept.)")
    assert f"✗ {NO_REPLY}" in result(window)


def test_the_window_refuses_a_redirect_and_says_where_it_pointed(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = window_on(qtbot, open_window, settings_file, hostile, "ws-redirect", timeout=TIMEOUT_S)
    with qtbot.waitSignal(window.controller.verifier.failed, timeout=WAIT_MS):
        qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    assert "redirected the session (HTTP 302) to /moved/v1/realtime" in result(window)
    assert "moved" not in [r.mode for r in hostile.requests], "nothing reached the redirect's target"


def test_the_window_does_not_show_a_token_echoed_in_session_created(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, hostile: HostileServer
) -> None:
    window = window_on(qtbot, open_window, settings_file, hostile, "ws-echo-token", timeout=TIMEOUT_S)
    with qtbot.waitSignal(window.controller.verifier.verified, timeout=WAIT_MS):
        qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    assert result(window).startswith("✓ Session ek_…cdef opened in ")
    assert HOSTILE_TOKEN.lower() not in result(window).lower()
    assert TEST_KEY not in texts_on_screen(window)
