"""Nothing the user typed is lost, nothing they did not choose is sent (issue 17 §1): a change of endpoint carries
only what the target accepts and keeps the rest of its form; Reset, Switch to GA and Open preset can be undone; a
model name no list knows is said beside the field and still sent."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.demo import RETIRED_MESSAGE, ErrorReply, FakeOpenAI
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow, write_profile
from driving import WAIT_MS, child, choose_endpoint, line_edit, mint, named


def type_into_combo(qtbot: QtBot, window: MainWindow, path: str, text: str) -> None:
    """Type `text` into an editable list field as a person does: select what is there, type, Tab away."""
    edit = line_edit(child(window.form, QComboBox, path))
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def status_text(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def undo_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Z with the focus outside any text field (a text field's own Ctrl+Z undoes its typing)."""
    window.mint_button.setFocus()
    qtbot.waitUntil(window.mint_button.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(window.mint_button, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_switch_to_realtime_carries_the_beta_settings_and_keeps_the_rest(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, retired: FakeOpenAI
) -> None:
    write_profile(settings_file, "test", retired.base_url)
    window = open_window()
    instructions = child(window.form, QPlainTextEdit, "session.instructions")
    qtbot.keyClicks(instructions, "Speak like a pirate.")
    type_into_combo(qtbot, window, "session.audio.output.voice", "marin")
    choose_endpoint(window, "beta-sessions")
    type_into_combo(qtbot, window, "voice", "ash")
    mint(qtbot, window)
    qtbot.mouseClick(child(window, QPushButton, "switchToGa"), Qt.MouseButton.LeftButton)
    assert window.endpoint_id == "realtime"
    values = window.form.values()
    assert values["session.instructions"] == "Speak like a pirate.", "what the realtime form held is kept"
    assert values["session.audio.output.voice"] == "ash", "what the beta form set is carried over"
    assert "Carried over: Voice" in status_text(window)
    mint(qtbot, window)
    body = retired.requests[-1].json()
    assert body["session"]["instructions"] == "Speak like a pirate."
    assert body["session"]["audio"]["output"]["voice"] == "ash"

    # Edit > Undo, by Ctrl+Z: back to the beta endpoint, and the realtime form as it was before the switch.
    undo = window.menus.actions["undo"]
    assert undo.isEnabled()
    assert undo.text() == "&Undo Switch to realtime"
    undo_by_keyboard(qtbot, window)
    assert window.endpoint_id == "beta-sessions"
    assert window.form.values()["voice"] == "ash"
    choose_endpoint(window, "realtime")
    assert window.form.values()["session.audio.output.voice"] == "ash", "the change of endpoint carries it again"
    assert window.form.values()["session.instructions"] == "Speak like a pirate."


def test_a_value_the_target_does_not_accept_stays_behind_and_is_named(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    type_into_combo(qtbot, window, "session.model", "gpt-realtime-mini")
    choose_endpoint(window, "translation")
    model = child(window.form, QComboBox, "session.model")
    model.setCurrentIndex(model.findText("gpt-realtime-translate"))  # picked from the list
    choose_endpoint(window, "realtime")
    assert window.form.values()["session.model"] == "gpt-realtime-mini", "the realtime form's own model is kept"
    said = status_text(window)
    assert "Not carried" in said
    assert "gpt-realtime-translate" in said
    mint(qtbot, window)
    assert server.requests[-1].json()["session"]["model"] == "gpt-realtime-mini"


def test_reset_to_defaults_can_be_undone_with_ctrl_z(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    undo = window.menus.actions["undo"]
    assert not undo.isEnabled(), "nothing to undo yet"
    assert undo.shortcut().toString() == "Ctrl+Z"
    qtbot.keyClicks(child(window.form, QPlainTextEdit, "session.instructions"), "Be brief.")
    type_into_combo(qtbot, window, "session.audio.output.voice", "coral")
    before = window.form.all_values()
    qtbot.mouseClick(named(window, "reset"), Qt.MouseButton.LeftButton)
    assert window.form.values() == {}
    assert "Ctrl+Z" in status_text(window)
    assert undo.isEnabled()
    assert undo.text() == "&Undo Reset to defaults"
    undo_by_keyboard(qtbot, window)
    assert window.form.all_values() == before
    assert not undo.isEnabled()
    assert status_text(window) == "Undone: Reset to defaults."


def test_open_preset_can_be_undone_from_the_edit_menu(qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window()
    type_into_combo(qtbot, window, "session.audio.output.voice", "coral")
    before = window.form.all_values()
    preset = tmp_path / "preset.json"
    preset.write_text(json.dumps({"session.instructions": "From the preset."}))
    window.open_preset(str(preset))
    assert window.form.values() == {"session.instructions": "From the preset."}
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert isinstance(edit_menu, QMenu)
    undo = window.menus.actions["undo"]
    assert undo in edit_menu.actions()
    assert undo.text() == "&Undo Open preset"
    undo.trigger()
    assert window.form.all_values() == before


def unknown_name_note(window: MainWindow, path: str = "session.model") -> QLabel | None:
    note = window.form.findChild(QLabel, f"{path}#unknownName")
    return note if note is not None and not note.isHidden() else None


def test_a_model_name_no_list_knows_is_said_beside_the_field_and_still_sent(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    choose_endpoint(window, "translation")
    language = child(window.form, QWidget, "session.audio.output.language")
    assert unknown_name_note(window) is None
    type_into_combo(qtbot, window, "session.model", "gpt-realtime-translatede")
    note = unknown_name_note(window)
    assert note is not None, "a note under the model field"
    assert "did you mean gpt-realtime-translate?" in note.text()
    assert "sent as typed" in note.text()
    assert note.isVisible()
    language.setFocus()
    qtbot.keyClicks(language, "es")
    mint(qtbot, window)
    assert server.requests[-1].json()["session"]["model"] == "gpt-realtime-translatede", "the user may mean it"
    # Fixed by typing: the note goes while typing, once the name is one the list knows.
    edit = line_edit(child(window.form, QComboBox, "session.model"))
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert unknown_name_note(window) is not None
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert unknown_name_note(window) is None
    # A name the list knows says nothing; nor does the realtime form's own list.
    choose_endpoint(window, "realtime")
    assert unknown_name_note(window) is None


def test_a_voice_no_list_knows_is_said_too_but_not_a_custom_voice(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    voice = "session.audio.output.voice"
    type_into_combo(qtbot, window, voice, "marn")
    note = unknown_name_note(window, voice)
    assert note is not None, "a note under the voice field"
    assert "did you mean marin?" in note.text()
    mint(qtbot, window)
    assert server.requests[-1].json()["session"]["audio"]["output"]["voice"] == "marn", "sent as typed"
    type_into_combo(qtbot, window, voice, "voice_custom123")
    assert unknown_name_note(window, voice) is None, "a custom voice's id is no typo"


def test_a_change_of_endpoint_says_only_what_changed_there(open_window: OpenWindow) -> None:
    window = open_window()
    choose_endpoint(window, "beta-sessions")
    choose_endpoint(window, "beta-transcription")  # both start with the same required defaults: no news
    assert "Carried over" not in status_text(window)
    assert "Not carried" not in status_text(window)


def test_an_answer_is_judged_on_the_endpoint_it_was_minted_on_after_a_change_of_endpoint(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path
) -> None:
    """The endpoint list stays usable while a mint is under way: the retired-beta answer that comes back after a
    change to another endpoint still offers that beta endpoint's GA switch, with that form's settings."""
    asked, release = threading.Event(), threading.Event()

    def held_then_retired(endpoint_id: str, body: object) -> ErrorReply | None:
        asked.set()
        release.wait(WAIT_MS / 1000)
        return (
            ErrorReply(400, RETIRED_MESSAGE, code="beta_api_shape_disabled")
            if endpoint_id.startswith("beta-")
            else None
        )

    with FakeOpenAI(api_key=TEST_KEY, check=held_then_retired) as held:
        write_profile(settings_file, "test", held.base_url)
        window = open_window()
        choose_endpoint(window, "beta-sessions")
        type_into_combo(qtbot, window, "voice", "ash")
        with qtbot.waitSignals([window.controller.busy_changed, window.controller.busy_changed], timeout=WAIT_MS):
            qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
            assert asked.wait(WAIT_MS / 1000)
            choose_endpoint(window, "translation")  # while the beta mint is under way
            release.set()
        switch = child(window, QPushButton, "switchToGa")
        assert switch.text() == "Switch to realtime"
        qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
        assert window.endpoint_id == "realtime"
        assert window.form.values()["session.audio.output.voice"] == "ash"


def test_a_refused_field_is_not_marked_on_another_endpoint_shown_meanwhile(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path
) -> None:
    asked, release = threading.Event(), threading.Event()

    def held_then_refused(endpoint_id: str, body: object) -> ErrorReply | None:
        asked.set()
        release.wait(WAIT_MS / 1000)
        return ErrorReply(400, "Invalid model.", param="session.model", code="invalid_value")

    with FakeOpenAI(api_key=TEST_KEY, check=held_then_refused) as held:
        write_profile(settings_file, "test", held.base_url)
        window = open_window()
        with qtbot.waitSignals([window.controller.busy_changed, window.controller.busy_changed], timeout=WAIT_MS):
            qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
            assert asked.wait(WAIT_MS / 1000)
            choose_endpoint(window, "translation")  # which has a session.model of its own
            release.set()
        assert window.endpoint_id == "translation"
        model = child(window.form, QComboBox, "session.model")
        assert not model.property("invalid"), "the refusal was about the realtime form's model"
        assert "Invalid model." in window.error_text.text()


def test_the_forms_built_ahead_are_ready_to_switch_to_and_only_those_shown_are_remembered(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path
) -> None:
    from realtime_gui.api.catalog import ENDPOINT_IDS
    from realtime_gui.qt.ui.form.form import ParameterForm

    window = open_window()
    # Every endpoint's form is built after the first paint, before anyone asks for it.
    qtbot.waitUntil(lambda: len(window.stack.findChildren(ParameterForm)) == len(ENDPOINT_IDS), timeout=WAIT_MS)
    built = {form.endpoint.id: form for form in window.stack.findChildren(ParameterForm)}
    choose_endpoint(window, "translation")
    assert window.form is built["translation"], "switching shows the form built ahead, not a new one"
    window.close()
    saved = settings_file.read_text(encoding="utf-8").splitlines()
    remembered = {line.split("=")[0] for line in saved if "=" in line}
    assert {"realtime", "translation"} <= remembered, "the forms shown are remembered"
    # A form built ahead and never shown pins no values for an endpoint the user never used.
    assert not {"transcription", "beta-sessions", "beta-transcription"} & remembered
