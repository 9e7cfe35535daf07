"""The window's first paint builds only the rows a window that tall can show; the others are built just after it, by
themselves, and at once whenever something reads or writes them first (a Create, a preset, the user's change, the
settings saved at close). Nothing the user sees or sends differs from a form built whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.api.catalog import endpoint
from realtime_gui.demo import FakeOpenAI
from realtime_gui.jsontext import JsonValue
from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui.form.form import ParameterForm
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, write_profile
from driving import WAIT_MS, choose_endpoint, mint
from memory_keyring import MemoryKeyring

LOW_ROW = "expires_after.seconds"  # the last row of the realtime form: below the fold of any window
TOP_ROW = "session.model"
NOISE = "session.audio.input.noise_reduction"  # a group near the top: its member waits while it is "not sent"


@pytest.fixture
def window(
    qtbot: QtBot, settings_file: Path, server: FakeOpenAI, memory_keyring: MemoryKeyring
) -> Iterator[MainWindow]:
    """The window, not shown yet: each test shows it itself, so that nothing runs the event loop between its show
    and the test (pytest-qt processes events after the fixtures, which could build the first waiting rows)."""
    from realtime_gui.qt.app import create_window

    write_profile(settings_file, "test", server.base_url)
    memory_keyring.set_password("realtime-gui", "test", TEST_KEY)
    settings = Settings(str(settings_file))
    settings.set_form_values("realtime", {LOW_ROW: 600})
    settings.sync()
    made = create_window(["--settings", str(settings_file)])
    assert isinstance(made, MainWindow)
    qtbot.addWidget(made)
    yield made
    made.controller.shutdown()


def _labels_in_layout_order(form: ParameterForm) -> list[list[str]]:
    """Each section's row labels, top to bottom, as its layout holds them."""
    sections = []
    for layout in form.findChildren(QFormLayout):
        labels = []
        for index in range(layout.rowCount()):
            item = layout.itemAt(index, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and label.text():
                labels.append(label.text())
        sections.append(labels)
    return sections


def test_the_rows_below_the_first_paint_follow_by_themselves_in_the_catalogs_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show()
    form = window.form
    assert form.findChild(QWidget, TOP_ROW) is not None
    assert form.findChild(QWidget, LOW_ROW) is None, "a row no window can show at first is built after the paint"
    qtbot.waitUntil(lambda: window.has_settled, timeout=WAIT_MS)
    assert form.findChild(QWidget, LOW_ROW) is not None
    whole = ParameterForm(endpoint("realtime"), values={LOW_ROW: 600})
    assert _labels_in_layout_order(form) == _labels_in_layout_order(whole)
    assert form.all_values() == whole.all_values()
    assert [form.is_shown(row) for row in whole.endpoint.by_path if form.field(row)] == [
        whole.is_shown(row) for row in whole.endpoint.by_path if whole.field(row)
    ]


def test_a_create_before_the_rows_below_are_built_sends_their_values(
    qtbot: QtBot, window: MainWindow, server: FakeOpenAI
) -> None:
    window.show()
    assert window.form.rows_waiting
    mint(qtbot, window)
    assert server.requests[-1].json()["expires_after"]["seconds"] == 600
    assert window.token_panel.current is not None


def test_the_users_change_shows_the_rows_it_makes_apply_at_once(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    form = window.form
    assert form.rows_waiting
    assert form.findChild(QWidget, f"{NOISE}.type") is None, "a member of a group not sent waits"
    group = form.findChild(QComboBox, NOISE)
    assert group is not None, "a row near the top is in the first paint"
    group.setCurrentIndex(group.findText("on"))  # as choosing it in the list does
    assert form.findChild(QWidget, f"{NOISE}.type") is not None, "built at the change, not a turn later"
    assert not form.rows_waiting
    # Shown as any widget put in a shown window is: at the next turn of the event loop.
    qtbot.waitUntil(lambda: form.is_shown(f"{NOISE}.type"), timeout=WAIT_MS)


def test_a_tab_before_the_rows_below_are_built_reaches_them_in_reading_order(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    assert window.form.rows_waiting, "no turn of the event loop has run since the show"
    low = window.form.findChild(QWidget, LOW_ROW)
    assert low is None
    qtbot.keyClick(window.endpoint_combo, Qt.Key.Key_Tab)  # the window sets its Tab order at the first Tab
    assert not window.form.rows_waiting, "built at the first Tab, so that Tab reads them in place"
    low = window.form.findChild(QWidget, LOW_ROW)
    assert low is not None
    # The chain Tab follows (what test_keyboard.py walks with the key), from the top bar on.
    chained: list[QWidget] = []
    probe = window.endpoint_combo.nextInFocusChain()
    while probe is not window.endpoint_combo and len(chained) < 2000:
        chained.append(probe)
        probe = probe.nextInFocusChain()
    assert low in chained
    assert chained.index(low) < chained.index(window.reset_button), "the last row comes before the buttons under it"


def test_switching_to_a_form_still_being_built_shows_all_its_rows(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    building = window.endpoints.form_for("transcription", height_now=0)  # as the window builds it in the background
    assert building.rows_waiting
    waiting_when_shown = []
    window.stack.currentChanged.connect(lambda _index: waiting_when_shown.append(building.rows_waiting))
    choose_endpoint(window, "transcription")
    assert window.form is building
    assert waiting_when_shown == [False], "every row is there when the form shows, not a moment later"
    whole = ParameterForm(endpoint("transcription"))
    assert _labels_in_layout_order(building) == _labels_in_layout_order(whole)


def test_a_change_before_the_rows_below_are_built_is_saved_over_a_broken_settings_file(
    qtbot: QtBot, settings_file: Path, server: FakeOpenAI, memory_keyring: MemoryKeyring
) -> None:
    # While a broken file is kept, a value the window opened with is not written back: the change must not pass
    # for one (the waiting rows are built at the change, after the value is in its field).
    from realtime_gui.qt.app import create_window

    write_profile(settings_file, "test", server.base_url)
    broken = QSettings(str(settings_file), QSettings.Format.IniFormat)
    broken.setValue("preferences/clear_clipboard_on_expiry", "maybe")
    broken.sync()
    made = create_window(["--settings", str(settings_file)])
    assert isinstance(made, MainWindow)
    qtbot.addWidget(made)
    made.show()
    assert made.settings.ignored
    assert made.form.rows_waiting
    model = made.form.findChild(QComboBox, TOP_ROW)
    assert model is not None
    model.setCurrentIndex(model.findText("gpt-realtime-mini"))
    made.close()
    made.controller.shutdown()
    saved = QSettings(str(settings_file), QSettings.Format.IniFormat).value("form/realtime")
    assert isinstance(saved, str)
    assert json.loads(saved)[TOP_ROW] == "gpt-realtime-mini"


def test_a_remembered_value_for_a_row_the_endpoint_fills_in_hides_nothing() -> None:
    # beta-transcription fills in turn_detection.type itself (no row): a stray value for it in an old settings file
    # must not decide which rows show, or a row would be hidden and its value still sent.
    given: dict[str, JsonValue] = {
        "turn_detection": {},
        "turn_detection.type": "semantic_vad",
        "turn_detection.threshold": 0.7,
    }
    lazily = ParameterForm(endpoint("beta-transcription"), values=given, height_now=0)
    assert lazily.is_shown("turn_detection.threshold")
    assert lazily.values()["turn_detection.threshold"] == 0.7
