"""The window's Test, Say and "Copy as…" (pytest-qt, real widgets), against the fake server's Realtime sessions."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import Profile
from realtime_gui.demo import Recorded
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow
from driving import WAIT_MS, child, texts_on_screen, threads_ended
from misbehaving import FakeOpenAI, Fault, FaultKind


def mint(qtbot: QtBot, window: MainWindow, endpoint_id: str = "realtime", **values: Any) -> None:
    combo = child(window, QComboBox, "endpoint")
    combo.setCurrentIndex(combo.findData(endpoint_id))
    window.form.set_values({k.replace("__", "."): v for k, v in values.items()})
    with qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)


def with_timeout(window: MainWindow, server: FakeOpenAI, seconds: float) -> None:
    """The `test` profile with another timeout (the one a Test waits for session.created)."""
    window.profiles["test"] = Profile("test", Connection(base_url=server.base_url, timeout=seconds))


def verify_button(window: MainWindow) -> QAbstractButton:
    return child(window, QAbstractButton, "verifyToken")


def result(window: MainWindow) -> str:
    label = child(window, QLabel, "verifyResult")
    return label.text() if label.isVisible() else ""


def click_test(qtbot: QtBot, window: MainWindow, *, signal: str = "verified") -> Any:
    verifier = window.controller.verifier
    with qtbot.waitSignal(getattr(verifier, signal), timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    return blocker.args[0]


def upgrades(server: FakeOpenAI) -> list[Recorded]:
    return [r for r in server.requests if r.method == "GET"]


def assert_key_never_sent_to_the_websocket(server: FakeOpenAI) -> None:
    for upgrade in upgrades(server):
        assert TEST_KEY not in upgrade.path
        assert all(TEST_KEY not in value for value in upgrade.headers.values()), "the API key went to the WebSocket"
        assert upgrade.headers["authorization"].startswith("Bearer ek_")
        assert "openai-beta" not in upgrade.headers


# -- a token that works ----------------------------------------------------------------------------------------------


def test_test_shows_the_session_and_the_settings_the_server_applied(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    assert not verify_button(window).isEnabled(), "no token yet"
    mint(qtbot, window, session__audio__output__voice="cedar", session__output_modalities=["text"])
    assert verify_button(window).isEnabled()
    token = window.token_panel.current
    assert token is not None

    opened = click_test(qtbot, window).opened
    shown = result(window)
    assert shown.startswith(f"✓ Session {token.session_id} opened in {opened.elapsed_ms:.0f} ms: model gpt-realtime")
    assert "voice cedar" in shown
    assert "output text" in shown
    assert child(window, QPlainTextEdit, "verifyReply").isHidden(), "nothing was said"
    [upgrade] = upgrades(server)
    assert upgrade.path == "/v1/realtime?model=gpt-realtime", "the profile's server, the token's model"
    assert upgrade.headers["authorization"] == f"Bearer {token.value}"
    assert_key_never_sent_to_the_websocket(server)
    assert TEST_KEY not in texts_on_screen(window)
    assert verify_button(window).isEnabled(), "ready for another Test"


def test_test_goes_to_the_server_that_minted_the_token(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    mint(qtbot, window)
    with FakeOpenAI(api_key=TEST_KEY) as elsewhere:
        window.profiles["test"] = Profile("test", Connection(base_url=elsewhere.base_url))  # edited since
        click_test(qtbot, window)
        assert elsewhere.requests == []
    assert len(upgrades(server)) == 1


def test_say_streams_the_reply_into_the_window(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    mint(qtbot, window)
    verifier = window.controller.verifier
    seen: list[tuple[str, str, bool]] = []

    def on_texted(_piece: str) -> None:
        # Connected after the panel: by now the panel has shown this piece. And it runs in the GUI thread.
        seen.append(
            (
                result(window),
                child(window, QPlainTextEdit, "verifyReply").toPlainText(),
                QThread.currentThread() is window.thread(),
            )
        )

    verifier.texted.connect(on_texted)
    say = child(window, QLineEdit, "verifySay")
    qtbot.keyClicks(say, "Hello, how are you?")
    with qtbot.waitSignal(verifier.verified, timeout=WAIT_MS) as done:
        qtbot.keyClick(say, Qt.Key.Key_Return)  # Enter in Say runs Test
    reply = "Hello from the fake Realtime API. You said: Hello, how are you?"
    assert done.args[0].reply.text == reply
    assert len(seen) == len(reply.split(" ")), "every streamed piece reached the GUI thread"
    assert all(in_gui_thread for _, _, in_gui_thread in seen)
    assert all(line.startswith("✓ Session sess_") for line, _, _ in seen), "the session line came first"
    shown = [text for _, text, _ in seen]
    assert shown[0] == "Hello", "the first piece shows at once, before the rest has come"
    assert all(reply.startswith(text) for text in shown)
    assert child(window, QPlainTextEdit, "verifyReply").toPlainText() == reply
    assert say.text() == "Hello, how are you?", "what was typed stays"
    assert_key_never_sent_to_the_websocket(server)


def test_a_flood_of_tiny_pieces_is_shown_a_few_times_and_capped(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    mint(qtbot, window)
    server.inject(Fault(FaultKind.WS_SILENT_REPLY))  # the session opens; the flood below stands in for the reply
    reply = child(window, QPlainTextEdit, "verifyReply")
    child(window, QLineEdit, "verifySay").setText("Talk a lot")
    with qtbot.waitSignal(window.controller.verifier.opened, timeout=WAIT_MS):
        window.token_panel.verify.test()
    updates: list[str] = []
    reply.textChanged.connect(lambda: updates.append(reply.toPlainText()))
    for _ in range(10_000):
        window.controller.verifier.texted.emit("ab")  # what the Verifier delivers for a server's 10,000 pieces
    assert len(updates) <= 2, f"the reply view was redrawn {len(updates)} times for one burst"
    qtbot.waitUntil(lambda: "more characters)" in reply.toPlainText(), timeout=WAIT_MS)
    assert len(reply.toPlainText()) < 9000
    window.cancel()


def test_a_transcription_token_tests_without_say(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    mint(qtbot, window, "transcription")
    say = child(window, QLineEdit, "verifySay")
    assert not say.isEnabled()
    assert "audio-only" in say.placeholderText()
    click_test(qtbot, window)
    assert result(window).startswith("✓ Session sess_")
    assert upgrades(server)[-1].path == "/v1/realtime?intent=transcription"


# -- refusals and failures, in plain words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (
            Fault(FaultKind.WS_REFUSED, status=403, text="Realtime sessions are not enabled for this project."),
            "✗ The server refused the session (HTTP 403): Realtime sessions are not enabled for this project.\n"
            "type invalid_request_error · request id req_",
        ),
        (
            Fault(FaultKind.WS_ERROR_EVENT, text="Your organization must be verified."),
            "✗ The server sent an error: Your organization must be verified.\n"
            "type invalid_request_error · code session_refused",
        ),
        (
            Fault(FaultKind.WS_CLOSE, close_code=4000, text="invalid_request_error"),
            "✗ The server closed the session with code 4000: invalid_request_error.",
        ),
        (Fault(FaultKind.WS_SILENT), "✗ No session.created from 127.0.0.1:"),
        (Fault(FaultKind.WS_NOT_JSON), "sent text that is not a Realtime event"),
    ],
    ids=["refused", "error-event", "close-code", "silent", "not-json"],
)
def test_failures_show_plain_words(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, fault: Fault, words: str
) -> None:
    window = open_window()
    with_timeout(window, server, 1.0)  # the silent server is given up on after 1 s
    mint(qtbot, window)
    server.inject(fault)
    click_test(qtbot, window, signal="failed")
    assert words in result(window)
    assert "Traceback" not in result(window)
    assert TEST_KEY not in texts_on_screen(window)
    assert verify_button(window).isEnabled(), "a failed Test can be tried again"


def test_an_expired_token_the_server_refuses_says_so(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    mint(qtbot, window)
    server.state.clock = lambda: time.time() + 3600  # the server's clock is past the token's expiry
    click_test(qtbot, window, signal="failed")
    assert result(window).startswith(
        "✗ The server refused the session (HTTP 401): The ephemeral token has expired; mint a new one.\n"
        "type invalid_request_error · code invalid_api_key"
    )


def test_the_server_s_text_is_escaped_and_the_token_redacted(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    mint(qtbot, window)
    token = window.token_panel.current
    assert token is not None
    server.inject(Fault(FaultKind.WS_ERROR_EVENT, text=f"\x1b]0;owned\x07 bad token {token.value} \u202eevil"))
    click_test(qtbot, window, signal="failed")
    shown = result(window)
    assert "\\x1b]0;owned\\x07 bad token ek_…" in shown
    assert "\\u202eevil" in shown
    assert token.value not in shown
    assert "\x1b" not in shown
    assert "\u202e" not in shown


def test_a_failed_turn_keeps_the_session_line_and_the_partial_reply(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    with_timeout(window, server, 1.0)
    mint(qtbot, window)
    server.inject(Fault(FaultKind.WS_SILENT_REPLY))
    child(window, QLineEdit, "verifySay").setText("Anyone there?")
    click_test(qtbot, window, signal="failed")
    first, second = result(window).splitlines()[:2]
    assert first.startswith("✓ Session sess_")
    assert second.startswith("✗ No reply (response.done) from 127.0.0.1:")


# -- Cancel, Esc and closing stop it at once -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancel_stops_a_hung_test_at_once(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, how: str) -> None:
    window = open_window()
    with_timeout(window, server, 30.0)
    mint(qtbot, window)
    server.inject(Fault(FaultKind.WS_HANG_UPGRADE, seconds=30))
    verifier = window.controller.verifier
    cancel = child(window, QPushButton, "cancel")
    assert not cancel.isEnabled()
    qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(upgrades(server)) == 1, timeout=WAIT_MS)  # the upgrade is in the server's hands
    assert cancel.isEnabled(), "Cancel stops a Test too"
    assert not verify_button(window).isEnabled()
    with qtbot.assertNotEmitted(verifier.failed), qtbot.assertNotEmitted(verifier.verified):
        if how == "button":
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        else:
            qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert result(window) == "Test cancelled: the session was closed."
        assert verify_button(window).isEnabled()
        assert not cancel.isEnabled()
        # The socket was closed, so the thread ends now rather than after its 30 s, and what it queued never comes.
        threads_ended(qtbot, lambda: verifier.running)


def test_closing_the_window_stops_a_hung_test_at_once(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    with_timeout(window, server, 30.0)
    mint(qtbot, window)
    server.inject(Fault(FaultKind.WS_SILENT))
    verifier = window.controller.verifier
    qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(upgrades(server)) == 1, timeout=WAIT_MS)
    with qtbot.assertNotEmitted(verifier.failed), qtbot.assertNotEmitted(verifier.verified):
        started = time.monotonic()
        window.close()
        closed_in = time.monotonic() - started
        assert verifier.running == 0, "no thread outlives the window"
        threads_ended(qtbot, lambda: verifier.running)  # and what it queued never comes
    # Not a figure: whether closing waited for the Test's 30 s timeout (the socket it shut ends the thread at once).
    assert closed_in < 30 / 4, f"closing waited {closed_in:.1f} s, for the Test's 30 s timeout"


def test_a_new_token_stops_the_test_of_the_old_one(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    with_timeout(window, server, 30.0)
    mint(qtbot, window)
    server.inject(Fault(FaultKind.WS_SILENT))
    verifier = window.controller.verifier
    qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(upgrades(server)) == 1, timeout=WAIT_MS)
    with qtbot.assertNotEmitted(verifier.failed):
        mint(qtbot, window)
        threads_ended(qtbot, lambda: verifier.running)  # the old test's, and what it queued
    assert result(window) == "", "the old token's result is gone"
    assert verify_button(window).isEnabled()


# -- when Test is possible -------------------------------------------------------------------------------------------


def test_an_expired_token_cannot_be_tested(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    mint(qtbot, window)
    panel = window.token_panel
    panel.clock = lambda: time.time() + 3600
    panel.tick()
    assert not verify_button(window).isEnabled()
    assert not child(window, QLineEdit, "verifySay").isEnabled()
    assert panel.verify.test() is False
    assert upgrades(server) == [], "nothing was opened"


def test_a_test_result_is_marked_as_the_expired_token_s_when_the_countdown_ends(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    mint(qtbot, window)
    click_test(qtbot, window)
    label = child(window, QLabel, "verifyResult")
    before = result(window)
    assert before.startswith("✓ Session")
    ok_colour = label.palette().color(label.foregroundRole())
    panel = window.token_panel
    panel.clock = lambda: time.time() + 3600
    with qtbot.waitSignal(panel.expired, timeout=WAIT_MS):
        panel.tick()
    after = result(window)
    assert after.startswith("This Test was of a token that has since expired:\n"), after
    assert after.endswith(before), "what the Test found is still there to read"
    assert label.palette().color(label.foregroundRole()) != ok_colour, "no longer in the colour of success"
    # A new token's Test result is its own again.
    panel.clock = time.time
    mint(qtbot, window)
    assert result(window) == ""
    click_test(qtbot, window)
    assert result(window).startswith("✓ Session")


def test_a_test_that_ends_after_the_token_expired_says_so(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    mint(qtbot, window)
    panel = window.token_panel
    verifier = window.controller.verifier
    with qtbot.waitSignal(verifier.verified, timeout=WAIT_MS):
        qtbot.mouseClick(verify_button(window), Qt.MouseButton.LeftButton)
        panel.clock = lambda: time.time() + 3600  # the countdown ends while the session opens
        panel.tick()
    assert result(window).startswith("This Test was of a token that has since expired:\n✓ Session")


# -- Copy as… --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["webrtc", "websocket", "verify"])
def test_copy_as_puts_the_token_only_where_chosen(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, kind: str
) -> None:
    window = open_window()
    mint(qtbot, window)
    token = window.token_panel.current
    assert token is not None
    panel = window.token_panel.verify
    clipboard = QGuiApplication.clipboard()
    panel.snippet_actions[kind, False].trigger()
    placeholder = clipboard.text()
    assert token.value not in placeholder
    assert server.base_url.removeprefix("http://").split("/")[0] in placeholder, "the profile's server"
    panel.snippet_actions[kind, True].trigger()
    assert token.value in clipboard.text()
    assert TEST_KEY not in placeholder + clipboard.text()
    assert child(window, QPushButton, "copySnippet").text() == "Copied ✓"
    # Once the token has expired, only the placeholder snippets are offered.
    window.token_panel.clock = lambda: time.time() + 3600
    window.token_panel.tick()
    assert not panel.snippet_actions[kind, True].isEnabled()
    assert panel.snippet_actions[kind, False].isEnabled()
    clipboard.clear()
    panel.snippet_actions[kind, True].trigger()
    assert clipboard.text() == ""


def test_a_translation_token_tests_at_its_url_and_offers_no_webrtc_snippet(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    mint(qtbot, window, "translation", session__model="gpt-realtime-translate")
    click_test(qtbot, window)
    assert upgrades(server)[-1].path == "/v1/realtime/translations?model=gpt-realtime-translate"
    actions = window.token_panel.verify.snippet_actions
    assert not actions["webrtc", False].isEnabled()
    assert "WebSocket only" in actions["webrtc", False].toolTip()
    assert actions["websocket", True].isEnabled()
