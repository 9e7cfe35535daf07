"""Steps the window tests share: find a widget by its objectName, choose an endpoint, click Create and wait, wait
for the Tab order, wait for a job's threads to end and their last signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.qt.ui.form.field_base import Field
from realtime_gui.qt.ui.window.main_window import MainWindow

WAIT_MS = 8000  # generous: a loaded CI machine, never a figure the tests measure

W = TypeVar("W", bound=QObject)


def child(parent: QObject, kind: type[W], name: str = "") -> W:
    """The `kind` named `name` (or the first `kind`) below `parent`; the test fails, saying which, when there is
    none."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}" if name else f"no {kind.__name__}"
    return found


def named(window: QWidget, name: str) -> QWidget:
    return child(window, QWidget, name)


def line_edit(combo: QComboBox) -> QLineEdit:
    """The text part of an editable combo box."""
    edit = combo.lineEdit()
    assert edit is not None, f"{combo.objectName()} is not editable"
    return edit


def takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def threads_ended(qtbot: QtBot, running: Callable[[], int], *, timeout_ms: int = WAIT_MS) -> None:
    """Wait until `running()` (threads alive) is 0, then deliver what they queued before they ended: every signal a
    late answer or failure would cause has come by now, or never will (a fixed wait would only guess how late). In
    an assertNotEmitted block, it proves the absence."""
    qtbot.waitUntil(lambda: running() == 0, timeout=timeout_ms)
    QCoreApplication.sendPostedEvents()  # a job's result comes before its end, through the event loop


def field(window: MainWindow, path: str) -> Field:
    """The form's field for the catalog row `path`."""
    found = window.form.field(path)
    assert found is not None, f"no field for {path}"
    return found


def press(dialog: QWidget, which: QDialogButtonBox.StandardButton) -> None:
    """Click one of the standard buttons (OK, Cancel, …) of the dialog's button box."""
    button = child(dialog, QDialogButtonBox).button(which)
    assert button is not None, f"the dialog has no {which.name} button"
    button.click()


def choose_endpoint(window: MainWindow, endpoint_id: str) -> None:
    combo = child(window, QComboBox, "endpoint")
    combo.setCurrentIndex(combo.findData(endpoint_id))


def mint(qtbot: QtBot, window: MainWindow) -> None:
    """Click Create and wait for the controller's answer (busy, then idle: GUI-thread signals)."""
    with qtbot.waitSignals([window.controller.busy_changed, window.controller.busy_changed], timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)


def texts_on_screen(window: QWidget) -> str:
    """Every text the window's labels, fields, buttons and lists show."""
    parts = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QLabel | QPushButton):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            parts.append(widget.currentText())
    return "\n".join(parts)
