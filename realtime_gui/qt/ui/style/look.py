"""Tones and marks, set per widget; the colours derive from the palette (palette.py). A style sheet on the window
would route every widget through Qt's style-sheet engine and add ~12 ms to start-up, so only the few widgets that
need a look get one.

Start-up code here and in the widgets avoids PySide6's `Qt` namespace: touching it builds all of its ~93 enums
(22-45 ms). Its values are set as numbers through the property system (qt_values.py)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from realtime_gui.qt.ui.style.palette import ERROR, MUTED, OK, WARNING, mark_invalid, set_tone
from realtime_gui.qt.ui.style.qt_values import PLAIN_TEXT, SELECTABLE_BY_MOUSE

__all__ = ["ERROR", "MUTED", "OK", "WARNING", "emphasize", "make_selectable", "mark_invalid", "set_text_color"]


def set_text_color(widget: QWidget, tone: str | None) -> None:
    """Text in a tone derived from the palette (ERROR, OK, WARNING, MUTED; None: the palette's own colour)."""
    set_tone(widget, tone)


def emphasize(widget: QWidget, *, scale: float = 1.0) -> None:
    font = QFont(widget.font())
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    widget.setFont(font)


def make_selectable(label: QLabel) -> None:
    """Let the mouse select the label's text (error text, ids, so they can be copied into a support request).

    Such text may come from a server, so it is shown as plain text: a QLabel would otherwise render anything that
    looks like HTML (`<img>`, `<a href>`, a huge `<font>`) as rich text."""
    if label.property("selectable"):
        return
    label.setProperty("textFormat", PLAIN_TEXT)
    label.setProperty("textInteractionFlags", SELECTABLE_BY_MOUSE)
    label.setProperty("selectable", True)
