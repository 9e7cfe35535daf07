"""Dialogs and destructive actions: confirmations that say what happens, problems shown inside the dialog on
their field, a key dialog that keeps what was typed when it cannot be a key and says truly where it goes, a profile
dialog that keeps the form's wheel and typed-number rules."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from realtime_gui.config.connection import Connection, timeout_problem
from realtime_gui.config.connection_options import ConnectionOptions
from realtime_gui.config.profiles import Profile
from realtime_gui.qt.ui.dialogs.key_dialog import KeyDialog
from realtime_gui.qt.ui.style.palette import AA, contrast
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow
from driving import WAIT_MS, child, press
from memory_keyring import MemoryKeyring


def add_profile(window: MainWindow, name: str) -> None:
    window.profiles[name] = Profile(name, Connection(base_url="https://example.com/v1"))
    window.settings.set_profiles(list(window.profiles.values()))
    window.select_profile(name)


def ask_to_delete(window: MainWindow) -> tuple[QMessageBox, QCheckBox]:
    """Delete the current profile: the question, and its box for "remove its API key too"."""
    box = window.delete_profile()
    assert box is not None, "the profile cannot be deleted"
    check = box.checkBox()
    assert check is not None
    return box, check


def test_delete_profile_asks_and_can_take_the_key_with_it(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring
) -> None:
    window = open_window()
    add_profile(window, "azure")
    memory_keyring.set_password("realtime-gui", "azure", TEST_KEY)
    box = window.delete_profile()
    assert isinstance(box, QMessageBox)
    assert "Delete the profile “azure”?" in box.text()
    assert box.defaultButton() is not child(box, QPushButton, "confirmYes"), "Enter must not delete"
    assert window.profile.name == "azure", "nothing happens before the answer"
    # Cancel: nothing is deleted.
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert "azure" in window.profiles
    assert ("realtime-gui", "azure") in memory_keyring.entries
    # Confirm, with the key: no key is left orphaned in the keyring.
    box, check = ask_to_delete(window)
    assert check.isChecked()
    assert "remove its API key" in check.text()
    child(box, QPushButton, "confirmYes").click()
    assert window.profile.name == "default"
    assert "azure" not in window.settings.read_profiles().names
    qtbot.waitUntil(lambda: ("realtime-gui", "azure") not in memory_keyring.entries, timeout=WAIT_MS)
    assert ("realtime-gui", "test") in memory_keyring.entries, "another profile's key is left alone"
    assert "removed its key" in window.statusBar().currentMessage()


def keyring_writes_done(qtbot: QtBot, window: MainWindow) -> None:
    """Return once every keyring write asked for so far is done: writes run one at a time, in order, so once a
    later one is saved, a delete asked for before it has happened."""
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        window.controller.store_key("later-write", TEST_KEY)


def test_delete_profile_keeping_the_key_gives_advice_that_is_right(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring
) -> None:
    window = open_window()
    add_profile(window, "azure")
    memory_keyring.set_password("realtime-gui", "azure", TEST_KEY)
    box, check = ask_to_delete(window)
    check.setChecked(False)
    child(box, QPushButton, "confirmYes").click()
    message = window.statusBar().currentMessage()
    assert "realtime-gui key delete --profile azure" in message
    assert "Remove stored key" not in message, "that would remove the default profile's key"
    keyring_writes_done(qtbot, window)
    assert ("realtime-gui", "azure") in memory_keyring.entries


def test_remove_stored_key_asks_first(qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring) -> None:
    window = open_window()
    box = window.remove_key()
    assert "Remove the API key of the profile “test”" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    keyring_writes_done(qtbot, window)
    assert ("realtime-gui", "test") in memory_keyring.entries
    box = window.remove_key()
    child(box, QPushButton, "confirmYes").click()
    qtbot.waitUntil(lambda: ("realtime-gui", "test") not in memory_keyring.entries, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "No API key" in window.key_label.text(), timeout=WAIT_MS)


def test_the_profile_dialog_shows_its_error_on_the_field_in_the_error_colour_and_grows(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = window.edit_profile(new=True)
    qtbot.waitUntil(dialog.isVisible)
    dialog.name.setText("azure")
    dialog.base_url.setText("http://example.com/openai/v1")
    height = dialog.height()
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    error = child(dialog, QLabel, "profileError")
    assert "unencrypted" in error.text()
    assert error.height() >= error.heightForWidth(error.width()), "the whole message shows"
    assert dialog.height() > height
    colour = error.palette().color(QPalette.ColorRole.WindowText)
    assert colour != dialog.palette().color(QPalette.ColorRole.WindowText), "not in the ordinary text colour"
    assert colour.red() > colour.green()
    assert contrast(colour, dialog.palette().color(QPalette.ColorRole.Window)) >= AA
    assert dialog.base_url.property("invalid") is True
    assert "unencrypted" in dialog.base_url.accessibleDescription()
    qtbot.keyClicks(dialog.base_url, "x")
    assert not dialog.base_url.property("invalid")
    assert error.isHidden()


def test_editing_a_profile_shows_its_name_as_text_and_starts_on_the_url(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    dialog = window.edit_profile(new=False)
    qtbot.waitUntil(dialog.isVisible)
    assert isinstance(dialog.name, QLabel), "not a field that looks editable"
    assert dialog.name.text() == "test"
    qtbot.waitUntil(dialog.base_url.hasFocus)


def test_an_invalid_key_keeps_the_dialog_open_with_what_was_typed(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.entries.clear()
    window = open_window()
    qtbot.waitUntil(lambda: "No API key" in window.key_label.text(), timeout=WAIT_MS)
    dialog = window.open_key_dialog()
    assert "choose Key" not in child(dialog, QLabel, "keyStatus").text()
    entry = child(dialog, QLineEdit, "keyEntry")
    qtbot.keyClicks(entry, "sk-abc def")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert entry.text() == "sk-abc def", "kept for correcting"
    error = child(dialog, QLabel, "keyError")
    assert "spaces" in error.text()
    assert entry.property("invalid") is True
    assert memory_keyring.entries == {}
    entry.setText(TEST_KEY)
    assert error.isHidden()
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.entries[("realtime-gui", "test")] == TEST_KEY


def test_first_run_without_a_key_offers_the_key_dialog_and_the_demo(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.entries.clear()
    window = open_window()
    empty = window.empty_state
    qtbot.waitUntil(empty.isVisible, timeout=WAIT_MS)
    assert "demo" in empty.text.text()
    qtbot.mouseClick(child(empty, QPushButton, "addKey"), Qt.MouseButton.LeftButton)
    dialog = child(window, KeyDialog, "keyDialog")
    assert dialog.isVisible()
    qtbot.keyClicks(child(dialog, QLineEdit, "keyEntry"), TEST_KEY)
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(empty.isHidden, timeout=WAIT_MS)


def test_the_demo_can_be_started_from_the_first_run_offer(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.entries.clear()
    window = open_window()
    qtbot.waitUntil(window.empty_state.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(child(window.empty_state, QPushButton, "tryDemo"), Qt.MouseButton.LeftButton)
    assert window.profile.name == "demo"
    assert window.windowTitle().startswith("Demo")
    qtbot.waitUntil(window.empty_state.isHidden, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert window.token_panel.token.text().startswith("ek_")
    assert window.demo_server is not None
    assert window.demo_server.requests[-1].path == "/v1/realtime/client_secrets"


def wheel_over(dialog: QDialog, widget: QWidget, *, notches: int) -> None:
    """Turn the wheel with the pointer over `widget`, as the platform delivers it to the dialog's window."""
    where = widget.mapTo(dialog, widget.rect().center())
    for _ in range(abs(notches)):
        QTest.wheelEvent(dialog.windowHandle(), QPointF(where), QPoint(0, 120 if notches > 0 else -120))
        QApplication.processEvents()


def test_the_profile_dialog_s_wheel_changes_auth_and_timeout_only_with_the_focus(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = window.edit_profile(new=False)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(dialog.base_url.hasFocus)
    wheel_over(dialog, dialog.auth, notches=-2)
    wheel_over(dialog, dialog.timeout, notches=3)
    assert dialog.auth.currentData() == "bearer", "the wheel passing over Auth left it alone"
    assert dialog.timeout.text() == "5"
    assert dialog.base_url.hasFocus(), "and took no focus"
    dialog.timeout.setFocus()
    wheel_over(dialog, dialog.timeout, notches=2)
    assert float(dialog.timeout.text()) == 7, "with the focus, the wheel steps it"


@pytest.mark.parametrize("typed", ["0.05", "601", "1e9", "nan", "thirty", ""])
def test_a_timeout_out_of_range_is_said_with_the_cli_s_sentence_and_kept_as_typed(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, typed: str
) -> None:
    window = open_window()
    saved = (settings_file.parent / "profiles.json").read_bytes()
    dialog = window.edit_profile(new=False)
    qtbot.waitUntil(dialog.isVisible)
    dialog.timeout.edit.clear()
    qtbot.keyClicks(dialog.timeout.edit, typed)
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible(), "nothing was saved"
    problem = timeout_problem(typed)
    assert problem is not None
    assert child(dialog, QLabel, "profileError").text() == f"Timeout {problem}."
    assert dialog.timeout.text() == typed, "what was typed stays as typed"
    assert dialog.timeout.property("invalid") is True
    assert (settings_file.parent / "profiles.json").read_bytes() == saved
    # The CLI says the same of the same text.
    with pytest.raises(ValueError, match=re.escape(f"--timeout {problem}.")):
        ConnectionOptions.from_args(argparse.Namespace(timeout=typed))


def test_a_timeout_in_range_is_saved_as_typed(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    dialog = window.edit_profile(new=False)
    qtbot.waitUntil(dialog.isVisible)
    dialog.timeout.edit.clear()
    qtbot.keyClicks(dialog.timeout.edit, "0.1")
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()
    assert window.profiles["test"].connection.timeout == 0.1
    assert window.settings.read_profiles().profiles[1].connection.timeout == 0.1


def test_the_key_dialog_promises_the_keyring_only_when_there_is_one(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    qtbot.waitUntil(lambda: window.key_status is not None, timeout=WAIT_MS)
    dialog = window.open_key_dialog()
    intro = child(dialog, QLabel, "keyIntro").text()
    assert "stored in the operating system's keyring" in intro
    assert "memory" not in intro
    assert child(dialog, QLabel, "keyringProblem").isHidden()
    dialog.reject()


def test_the_key_dialog_says_memory_when_the_key_in_use_comes_from_the_environment_and_no_keyring_works(
    qtbot: QtBot, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    keyring.set_keyring(fail.Keyring())  # conftest's fixture puts its own back afterwards
    window = open_window()
    qtbot.waitUntil(lambda: "from OPENAI_API_KEY" in window.key_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.key_status is not None and bool(window.key_status.keyring_problem), timeout=WAIT_MS)
    dialog = window.open_key_dialog()
    intro = child(dialog, QLabel, "keyIntro").text()
    assert "kept in memory for this run only" in intro
    assert "stored in the operating system's keyring" not in intro
    assert "No OS keyring" in child(dialog, QLabel, "keyringProblem").text()
    dialog.reject()
