"""The mouse wheel changes a field only while it has the keyboard focus; otherwise it scrolls the form.

A wheel turned to scroll a long form passes over combo boxes and number boxes: Qt's default would change
whichever one is under the pointer (and focus it), and a value the user never chose would be sent. Every combo and
number box of the window goes through `ignore_wheel_unless_focused` and `wheel_when_focused` below.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox, QWidget

from realtime_gui.qt.ui.style.qt_values import STRONG_FOCUS


def ignore_wheel_unless_focused(widget: QWidget) -> None:
    """The wheel no longer gives `widget` the focus (Qt's default for combo and spin boxes): Tab and click do."""
    widget.setProperty("focusPolicy", STRONG_FOCUS)


def wheel_when_focused(widget: QWidget, event: QWheelEvent, handle: Callable[[QWheelEvent], None]) -> None:
    """For a `wheelEvent` override: `handle` the wheel while `widget` has the focus, else pass it on."""
    if widget.hasFocus():
        handle(event)
    else:
        event.ignore()  # Qt hands an ignored wheel event to the parents: the form's scroll area scrolls


class ComboBox(QComboBox):
    """A combo box that the wheel changes only while it has the focus."""

    popup_opening = Signal()  # just before its list shows: what only the open list needs is made then

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ignore_wheel_unless_focused(self)

    def wheelEvent(self, event: QWheelEvent) -> None:
        wheel_when_focused(self, event, super().wheelEvent)

    def showPopup(self) -> None:
        self.popup_opening.emit()
        super().showPopup()
