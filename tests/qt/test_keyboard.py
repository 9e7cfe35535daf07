"""Keyboard and screen readers: Tab order, access keys, shortcuts shown where they apply, accessible names and
descriptions as QAccessible reports them to assistive technology."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from realtime_gui.api.catalog import ENDPOINTS
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import OpenWindow
from driving import WAIT_MS, child, choose_endpoint, field, takes_tab
from misbehaving import FakeOpenAI, Fault, FaultKind


def accessible(widget: QWidget, what: QAccessible.Text) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, widget
    assert interface.isValid(), widget
    return interface.text(what)


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the focus"
    return widget


def owner(window: MainWindow, widget: QWidget) -> QWidget:
    """The named control a focused widget belongs to (a combo for its line edit, a form field for its parts)."""
    probe: QWidget | None = widget
    while probe is not None and probe is not window:
        if probe.objectName() and not probe.objectName().startswith("qt_"):
            return probe
        probe = probe.parentWidget()
    return widget


def tab_through(qtbot: QtBot, window: MainWindow, start: QWidget, count: int) -> list[QWidget]:
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    seen = []
    for _ in range(count):
        qtbot.keyClick(focus(), Qt.Key.Key_Tab)
        seen.append(owner(window, focus()))
    return seen


def test_tab_goes_from_the_top_bar_into_the_fields_in_reading_order(qtbot: QtBot, open_window: OpenWindow) -> None:
    assert_tab_reads_the_form(qtbot, open_window())


def test_a_form_built_after_the_first_paint_takes_tab_in_reading_order_too(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    tab_through(qtbot, window, window.endpoint_combo, 1)  # the first Tab sets the order
    # The other endpoints' forms are built after it, a few rows a step, and each joins it when its rows are all
    # built; the last endpoint's form is built last, well after the first Tab.
    last = list(ENDPOINTS)[-1]
    assert window.stack.count() < len(ENDPOINTS)
    qtbot.waitUntil(lambda: window.is_fully_built, timeout=WAIT_MS)
    choose_endpoint(window, last)
    assert_tab_reads_the_form(qtbot, window)


def test_the_tab_order_is_set_by_the_last_step_of_start_up_without_a_tab(qtbot: QtBot, open_window: OpenWindow) -> None:
    # Unset, the chain is the order the widgets were made in: the form, made after the rest, would not follow Key….
    window = open_window()
    qtbot.waitUntil(lambda: window.is_fully_built, timeout=WAIT_MS)
    after_key: QWidget | None = window.key_button.nextInFocusChain()
    while after_key is not None and not (takes_tab(after_key) and after_key.isVisible()):
        after_key = after_key.nextInFocusChain()
    assert after_key is not None
    assert window.form.isAncestorOf(after_key), f"Tab goes from Key… to {after_key.objectName()}"


def assert_tab_reads_the_form(qtbot: QtBot, window: MainWindow) -> None:
    """From the endpoint list, Tab goes through the top bar, the shown form's fields in reading order, the buttons
    under the form and on to the token."""
    form = window.form
    fields = [w for w in form.findChildren(QWidget) if takes_tab(w) and w.isVisible() and w.isEnabled()]
    fields = [w for w in fields if w.parentWidget() is not None and not isinstance(w.parentWidget(), QComboBox)]
    stops = [w for w in fields if not isinstance(w.parentWidget(), QAbstractScrollArea | QComboBox)]
    fields = sorted({owner(window, w) for w in stops}, key=lambda w: (w.mapTo(form, QPoint(0, 0)).y(), w.x()))
    seen = tab_through(qtbot, window, window.endpoint_combo, len(stops) + 6)
    # A field with several stops (the check boxes of a list of choices) reads as one, its stops one after another.
    names = [w.objectName() for index, w in enumerate(seen) if index == 0 or w is not seen[index - 1]]
    assert names[:2] == ["profile", "setKey"]
    assert names[2 : 2 + len(fields)] == [w.objectName() for w in fields], "the fields, in reading order"
    assert names[2 + len(fields) : 2 + len(fields) + 2] == ["reset", "mint"]  # Cancel is disabled when idle
    assert names[2 + len(fields) + 2] == "token"
    assert not any(isinstance(w, QScrollArea) for w in seen), "no invisible stop on a scroll area"


def test_after_switching_endpoints_tab_still_reaches_the_new_form_first(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    seen = tab_through(qtbot, window, window.key_button, 1)
    assert window.form.isAncestorOf(seen[0]), f"Tab went to {seen[0].objectName()} instead of the form"


def test_every_menu_and_action_has_an_access_key_and_shows_its_shortcut(open_window: OpenWindow) -> None:
    window = open_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert all("&" in t for t in titles), titles
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        assert isinstance(menu, QMenu)
        keys = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "&" in text[:-1], f"{text!r} has no access key"
            keys.append(text[text.index("&") + 1].lower())
        assert len(keys) == len(set(keys)), f"access keys repeat in {menu_action.text()}: {keys}"
    shortcuts = {a.objectName(): a.shortcut().toString() for a in window.findChildren(QAction)}
    assert shortcuts["cancel"] == "Esc"
    assert shortcuts["mint"] == "Ctrl+Return"
    assert shortcuts["copy_token"] == "Ctrl+Shift+C"
    assert shortcuts["set_key"] == "Ctrl+K"
    for button, shortcut in ((window.mint_button, "Ctrl+Enter"), (window.cancel_button, "Esc")):
        assert shortcut in button.toolTip()


def test_esc_cancels_a_call_in_flight(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.SLOW, seconds=1.0))
    with qtbot.waitSignal(window.controller.busy_changed, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.controller.busy_changed, timeout=WAIT_MS) as idle:
        qtbot.keyClick(child(window.form, QPlainTextEdit, "session.instructions"), Qt.Key.Key_Escape)
    assert idle.args == [False]
    qtbot.waitUntil(lambda: window.controller.running_jobs() == 0, timeout=WAIT_MS)


def reachable(window: MainWindow) -> list[QWidget]:
    """Every control in the window a keyboard can reach now, and the line edits inside spin boxes and combos."""
    found = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisible():
            continue
        parent = widget.parentWidget()
        inner_edit = isinstance(widget, QLineEdit) and parent is not None and takes_tab(parent)
        if takes_tab(widget) or inner_edit:
            found.append(widget)
    return found


@pytest.mark.parametrize("endpoint_id", list(ENDPOINTS))
def test_every_control_a_keyboard_reaches_has_an_accessible_name(
    qtbot: QtBot, open_window: OpenWindow, endpoint_id: str
) -> None:
    window = open_window()
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData(endpoint_id))
    window.form.set_values({})
    for path, row in window.form.endpoint.by_path.items():  # every group on, so that every row shows
        if row.kind.value == "group":
            field(window, path).set_value({})
    unnamed = [
        f"{type(w).__name__} {owner(window, w).objectName()}"
        for w in reachable(window)
        if not accessible(w, QAccessible.Text.Name).strip()
    ]
    assert not unnamed, unnamed


def test_banner_buttons_and_an_invalid_field_speak_to_a_screen_reader(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    field(window, "session.prompt").set_value({})
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    prompt_id = child(window.form, QWidget, "session.prompt.id")
    description = accessible(prompt_id, QAccessible.Text.Description)
    assert description.startswith("Prompt id is required")
    assert accessible(window.error_banner.close_button, QAccessible.Text.Name) == "Dismiss message"
    assert accessible(child(window, QWidget, "goToProblem"), QAccessible.Text.Name) == "Go to the problem"
    assert "Nothing was sent" in accessible(window.error_banner, QAccessible.Text.Description)
    qtbot.keyClicks(prompt_id, "pmpt_1")
    # Fixed: the message goes with the mark (Qt then describes the field by its tooltip).
    assert "is required" not in accessible(prompt_id, QAccessible.Text.Description)
