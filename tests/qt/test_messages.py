"""Messages that stay true: a banner ends when its cause does; a problem is shown where the eye lands."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import Profile
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow
from driving import WAIT_MS, child, field, mint
from memory_keyring import MemoryKeyring
from misbehaving import FakeOpenAI, Fault, FaultKind


def save_key(qtbot: QtBot, window: MainWindow, key: str = TEST_KEY) -> None:
    dialog = window.open_key_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "keyEntry"), key)
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def choose_profile(window: MainWindow, name: str) -> None:
    window.profile_combo.setCurrentIndex(window.profile_combo.findData(name))


def test_a_refused_key_banner_ends_when_a_key_is_saved(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.UNAUTHORIZED))
    mint(qtbot, window)
    assert window.error_banner.isVisible()
    assert "HTTP 401" in window.error_text.text()
    save_key(qtbot, window)
    assert window.error_banner.isHidden()
    assert window.error_text.text() == ""


def test_no_key_banner_ends_when_a_key_is_saved_and_the_key_line_agrees(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.entries.clear()
    window = open_window()
    mint(qtbot, window)
    assert "No API key for profile 'test'" in window.error_text.text()
    save_key(qtbot, window)
    qtbot.waitUntil(lambda: "sk-…WXYZ" in window.key_label.text(), timeout=WAIT_MS)
    assert window.error_banner.isHidden()


def test_a_network_error_ends_when_the_profile_changes_but_a_form_problem_does_not(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    window.profiles["test"] = Profile("test", Connection(base_url="http://127.0.0.1:1", timeout=2))
    mint(qtbot, window)
    assert window.error_banner.isVisible()
    choose_profile(window, "default")
    assert window.error_banner.isHidden(), "the error was about the other profile's server"

    field(window, "session.prompt").set_value({})  # on, without its required id
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert "Nothing was sent" in window.error_text.text()
    choose_profile(window, "test")
    assert window.error_banner.isVisible(), "the values still need fixing on any profile"
    window.reset_form()
    assert window.error_banner.isHidden()


def test_a_failed_mint_banner_ends_on_success_and_on_another_endpoint(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.SERVER_ERROR))
    mint(qtbot, window)
    assert window.error_banner.isVisible()
    mint(qtbot, window)
    assert window.error_banner.isHidden()
    server.inject(Fault(FaultKind.SERVER_ERROR))
    mint(qtbot, window)
    assert window.error_banner.isVisible()
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    assert window.error_banner.isHidden()


def test_the_problem_and_its_message_are_in_view_after_create(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.resize(800, 600)
    # Six problems make a tall banner: it must not push the first problem's message below the fold.
    tools = child(window.form, QPlainTextEdit, "session.tools")
    tools.setPlainText(json.dumps([{"type": "function"}] * 5))
    field(window, "session.prompt").set_value({})
    window.form_scroll.verticalScrollBar().setValue(0)
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tools.hasFocus)
    message = child(window.form, QLabel, "session.tools#status")
    assert message.text().startswith("session.tools[0].name is required")
    assert tools.accessibleDescription() == message.text()
    assert window.error_text.text().count("\n") >= 6
    for widget in (tools, message):
        assert_fully_in_view(widget)
    # Scrolled away, "Go to the problem" brings it back.
    window.form_scroll.verticalScrollBar().setValue(0)
    child(window, QWidget, "session.instructions").setFocus()
    qtbot.mouseClick(child(window, QWidget, "goToProblem"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tools.hasFocus)
    assert_fully_in_view(message)


def assert_fully_in_view(widget: QWidget) -> None:
    seen = widget.visibleRegion().boundingRect()
    assert widget.isVisible()
    assert (seen.width(), seen.height()) == (widget.width(), widget.height()), f"{widget.objectName()} is cut off"


def test_request_and_response_say_which_attempt_they_belong_to(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    panel = window.token_panel
    mint(qtbot, window)
    first_token = panel.token.text()
    caption = child(window, QLabel, "attempt")
    assert caption.text().startswith("Attempt 1, sent ")
    assert caption.text().endswith("token minted (HTTP 200).")
    assert panel.title.text().startswith("Token from attempt 1")
    # A failed attempt: both tabs show it, the live token stays and says it is from the first.
    field(window, "session.audio.output.voice").set_value("verse")
    server.inject(Fault(FaultKind.BAD_PARAM, param="session.audio.output.voice"))
    mint(qtbot, window)
    assert caption.text().startswith("Attempt 2, sent ")
    assert "failed" in caption.text()
    assert '"voice": "verse"' in panel.request_view.toPlainText()
    response = panel.response_view.toPlainText()
    assert response.startswith("No token.")
    assert "HTTP 400" in response
    assert "sess_" not in response, "not the first attempt's answer"
    assert panel.token.text() == first_token
    assert panel.title.text().startswith("Token from attempt 1")
    # A cancelled one says so too.
    server.inject(Fault(FaultKind.SLOW, seconds=1.0))
    with qtbot.waitSignal(window.controller.busy_changed, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert caption.text().startswith("Attempt 3, sent ")
    assert panel.response_view.toPlainText() == ""
    window.cancel()
    assert caption.text().endswith("cancelled.")
    assert panel.response_view.toPlainText().startswith("Cancelled")
    qtbot.waitUntil(lambda: window.controller.running_jobs() == 0, timeout=WAIT_MS)


def test_copy_as_curl_says_it_copied(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    mint(qtbot, window)
    button = child(window, QPushButton, "copyCurl")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.text() == "Copied ✓"
    assert "curl" in window.statusBar().currentMessage()
    assert QGuiApplication.clipboard().text().startswith("curl ")
    qtbot.waitUntil(lambda: button.text() == "Copy as curl", timeout=3000)


def test_the_masked_token_shows_its_start_and_the_include_box_speaks_words(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    mint(qtbot, window)
    token = window.token_panel.token
    assert token.echoMode() == QLineEdit.EchoMode.Password
    assert token.cursorPosition() == 0, "scrolled to the start: the first dot is not cut off"
    include = child(child(window.form, QWidget, "session.include"), QCheckBox)
    assert include.text() == "log probabilities of the transcription"
    assert "item.input_audio_transcription.logprobs" in include.toolTip()
