"""Models and parameters OpenAI is shutting down, in the window: models marked in their lists, a dated note under the
field while one is chosen or set (it says "shut down" after the date), linked to where OpenAI explains it, and no
"default (…)" hint that advertises a model going away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.api import deprecations
from realtime_gui.api.catalog import DEPRECATIONS, ENDPOINTS, UNSET
from realtime_gui.demo import FakeOpenAI
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import OpenWindow
from driving import WAIT_MS, child, choose_endpoint, field, line_edit

# The offscreen platform cannot raise a drop-down or grab the keyboard for it; it says so, harmlessly.
opens_popups = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
BEFORE = date(2026, 12, 1)
AFTER = date(2027, 3, 1)


@pytest.fixture
def window_on(open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch) -> Callable[[date], MainWindow]:
    """The main window as it looks on a given day."""

    def make(day: date) -> MainWindow:
        monkeypatch.setattr(deprecations, "today", lambda: day)
        return open_window()

    return make


def model_combo(window: MainWindow, path: str) -> QComboBox:
    return child(window.form, QComboBox, path)


def pick_from_list(qtbot: QtBot, combo: QComboBox, model: str) -> None:
    """Open the drop-down and click the model's entry, as a person does."""
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    index = view.model().index(combo.findText(model), 0)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT_MS)
    assert combo.currentText() == model


def shown_in_list(combo: QComboBox, model: str) -> str:
    """The text the drop-down draws for `model`'s entry, the list open as a person opens it."""
    combo.showPopup()
    option = QStyleOptionViewItem()
    delegate = combo.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)  # the model notes' own, which marks what is going away
    delegate.initStyleOption(option, combo.model().index(combo.findText(model), 0))
    combo.hidePopup()
    return option.text


def note(window: MainWindow, path: str) -> QLabel | None:
    return window.form.findChild(QLabel, f"{path}#deprecation")


def words_and_links(label: QLabel) -> tuple[str, list[str]]:
    """What a note reads as, and the addresses its links open."""
    document = QTextDocument()
    document.setHtml(label.text())
    links: list[str] = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            href = it.fragment().charFormat().anchorHref()
            if href and href not in links:
                links.append(href)
            it += 1
        block = block.next()
    return document.toPlainText(), links


@opens_popups
def test_the_list_marks_models_going_away_and_picking_one_shows_a_dated_note(
    qtbot: QtBot, window_on: Callable[[date], MainWindow], server: FakeOpenAI
) -> None:
    window = window_on(BEFORE)
    combo = model_combo(window, "session.model")
    assert shown_in_list(combo, "gpt-realtime") == "gpt-realtime  —  shuts down 2027-01-20"
    assert shown_in_list(combo, "gpt-audio-mini") == "gpt-audio-mini  —  shuts down 2027-01-20"
    assert shown_in_list(combo, "gpt-realtime-2.1") == "gpt-realtime-2.1"
    marked = combo.fontMetrics().horizontalAdvance("gpt-realtime  —  shuts down 2027-01-20")
    window.resize(360, window.height())  # a narrow window (2x on a small screen): the field is narrower than that
    qtbot.waitUntil(lambda: combo.width() < marked, timeout=WAIT_MS)
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    assert view.viewport().width() > marked, "the open list is wide enough for the marks"
    combo.hidePopup()
    assert note(window, "session.model") is None, "no note before anything is chosen"

    pick_from_list(qtbot, combo, "gpt-realtime")
    label = note(window, "session.model")
    assert label is not None
    assert label.isVisible()
    words, links = words_and_links(label)
    assert words == deprecations.sentence("gpt-realtime", on=BEFORE, link=False) + " Details"
    assert "shuts down on 2027-01-20; OpenAI names no successor, gpt-realtime-2.1 is our suggestion." in words
    assert links == ["https://developers.openai.com/api/docs/deprecations"]
    assert label.openExternalLinks()
    assert "https://developers.openai.com/api/docs/deprecations" in label.toolTip()

    # The choice is the user's: it is sent as picked, the note only informs.
    with qtbot.waitSignals([window.controller.busy_changed] * 2, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert server.requests[-1].json()["session"]["model"] == "gpt-realtime"

    pick_from_list(qtbot, combo, "gpt-realtime-2.1")
    assert not label.isVisible()


def test_typing_a_model_name_shows_the_note_too(qtbot: QtBot, window_on: Callable[[date], MainWindow]) -> None:
    window = window_on(BEFORE)
    combo = model_combo(window, "session.model")
    line_edit(combo).clear()
    qtbot.keyClicks(line_edit(combo), "gpt-realtime-mini")
    label = note(window, "session.model")
    assert label is not None
    assert label.isVisible()
    assert "gpt-realtime-mini is deprecated and shuts down on 2027-01-20" in label.text()
    qtbot.keyClicks(line_edit(combo), "-2025-10-06")  # a snapshot that stays
    assert not label.isVisible()


@opens_popups
def test_after_the_date_the_list_and_the_note_say_shut_down(
    qtbot: QtBot, window_on: Callable[[date], MainWindow]
) -> None:
    window = window_on(AFTER)
    choose_endpoint(window, "transcription")
    group = model_combo(window, "session.audio.input.transcription")
    group.setCurrentIndex(group.findText("on"))
    combo = model_combo(window, "session.audio.input.transcription.model")
    assert shown_in_list(combo, "whisper-1") == "whisper-1  —  shut down 2027-02-26"
    pick_from_list(qtbot, combo, "whisper-1")
    label = note(window, "session.audio.input.transcription.model")
    assert label is not None
    assert label.isVisible()
    assert label.text().startswith("whisper-1 was shut down on 2027-02-26, so the API will refuse it")
    # The note belongs to its field: switching transcription off hides both.
    group.setCurrentIndex(group.findText("off (null)"))
    assert not window.form.is_shown("session.audio.input.transcription.model")
    assert not label.isVisible()


@opens_popups
def test_a_closed_model_list_gets_the_note_as_well(qtbot: QtBot, window_on: Callable[[date], MainWindow]) -> None:
    window = window_on(BEFORE)
    choose_endpoint(window, "beta-transcription")
    combo = model_combo(window, "input_audio_transcription.model")
    assert not combo.isEditable()
    pick_from_list(qtbot, combo, "gpt-4o-transcribe")
    label = note(window, "input_audio_transcription.model")
    assert label is not None
    assert "gpt-4o-transcribe is deprecated and shuts down on 2027-02-26" in label.text()


def test_a_saved_prompt_gets_a_dated_note_while_it_is_set(
    qtbot: QtBot, window_on: Callable[[date], MainWindow], server: FakeOpenAI
) -> None:
    window = window_on(date(2026, 12, 6))
    group = model_combo(window, "session.prompt")
    assert note(window, "session.prompt") is None, "nothing to say while no prompt is sent"
    group.setCurrentIndex(group.findText("on"))
    label = note(window, "session.prompt")
    assert label is not None
    assert label.isVisible()
    words, links = words_and_links(label)
    assert words == (
        "OpenAI shut down saved prompts on 2026-11-30, so the API will refuse this field; put the prompt's text in "
        "session.instructions instead. Details"
    )
    assert links == ["https://developers.openai.com/api/docs/guides/prompting/migrate-from-prompt-object"]
    # The note sits under its own field, inside the form.
    assert label.mapTo(window.form, label.rect().topLeft()).y() > group.mapTo(window.form, group.rect().topLeft()).y()
    group.setCurrentIndex(group.findText("off (null)"))
    assert not label.isVisible(), "null sends no prompt"
    group.setCurrentIndex(group.findText("on"))
    assert label.isVisible()
    window_before = window_on(date(2026, 11, 29))
    group = model_combo(window_before, "session.prompt")
    group.setCurrentIndex(group.findText("on"))
    label = note(window_before, "session.prompt")
    assert label is not None
    assert words_and_links(label)[0].startswith("OpenAI shuts down saved prompts on 2026-11-30; put the")


def test_a_required_model_is_asked_for_never_guessed(window_on: Callable[[date], MainWindow]) -> None:
    # Issue 7: nothing is pre-filled but a documented default, so a required model with none stays empty (and is
    # reported at Create); in particular the form never quietly picks a model that is going away.
    window = window_on(BEFORE)
    choose_endpoint(window, "translation")
    group = model_combo(window, "session.audio.input.transcription")
    group.setCurrentIndex(group.findText("on"))
    assert "session.audio.input.transcription.model" not in window.form.values()
    label = note(window, "session.audio.input.transcription.model")
    assert label is None or not label.isVisible()


def _hints(field_widget: QWidget) -> list[str]:
    hints = [w.placeholderText() for w in field_widget.findChildren(QLineEdit)]
    if isinstance(field_widget, QLineEdit):
        hints.append(field_widget.placeholderText())
    combos = [field_widget] if isinstance(field_widget, QComboBox) else field_widget.findChildren(QComboBox)
    hints += [c.itemText(i) for c in combos for i in range(c.count())]
    return [h for h in hints if h.startswith("default (") or h == "not sent"]


@pytest.mark.parametrize("endpoint_id", list(ENDPOINTS))
def test_no_default_hint_advertises_a_model_going_away(
    window_on: Callable[[date], MainWindow], endpoint_id: str
) -> None:
    window = window_on(BEFORE)
    choose_endpoint(window, endpoint_id)
    for row in ENDPOINTS[endpoint_id].parameters:
        shown = window.form.field(row.path)
        if shown is None:
            continue
        for hint in _hints(shown.widget):
            assert hint.removeprefix("default (").removesuffix(")") not in DEPRECATIONS, f"{row.path}: {hint}"
    if endpoint_id == "realtime":
        # The API's own default is gpt-realtime: the field says only that nothing is sent.
        assert ENDPOINTS["realtime"].by_path["session.model"].default == "gpt-realtime"
        assert line_edit(model_combo(window, "session.model")).placeholderText() == "not sent"
        assert field(window, "session.model").value() is UNSET


def test_no_list_entry_hides_a_shorter_name_from_completion() -> None:
    # An editable model box completes what is typed with the first entry that begins with it: a list with
    # gpt-realtime-2.1 before gpt-realtime-2 would turn a typed "gpt-realtime-2" into gpt-realtime-2.1.
    for ep in ENDPOINTS.values():
        for row in ep.parameters:
            names = [c for c in row.choices if isinstance(c, str)]
            for i, name in enumerate(names):
                earlier = [n for n in names[:i] if n.startswith(name)]
                assert not earlier, f"{ep.id} {row.path}: {earlier} comes before {name}"
