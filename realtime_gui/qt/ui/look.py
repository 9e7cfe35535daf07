"""Colours and marks, set per widget. A style sheet on the window would route every widget through Qt's
style-sheet engine and add ~12 ms to start-up, so only the few widgets that need a look get one.

Start-up code here and in the widgets avoids PySide6's `Qt` namespace: touching it builds all of its ~100 enums
(~18 ms). Flags from it are set the first time a widget has something to show (`make_selectable`)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QLabel, QWidget

ERROR = "#c62828"
OK = "#2e7d32"
WARNING = "#8d6e00"
MUTED = "#757575"
INVALID_BORDER = "border: 2px solid #d32f2f; border-radius: 3px;"
BANNER = (
    "QFrame#error { background: #fdecea; border: 1px solid #ef9a9a; border-radius: 4px; }"
    "QFrame#error QLabel { color: #5f2120; border: none; background: transparent; }"
)


def set_text_color(widget: QWidget, color: str | None) -> None:
    """Text colour through the palette (None: the platform's)."""
    palette = widget.palette()
    parent = widget.parentWidget()
    default = parent.palette() if parent is not None else QPalette()
    wanted = QColor(color) if color else default.color(QPalette.ColorRole.WindowText)
    if palette.color(QPalette.ColorRole.WindowText) == wanted:
        return
    palette.setColor(QPalette.ColorRole.WindowText, wanted)
    widget.setPalette(palette)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Set the dynamic property `invalid` (tools read it) and draw a red border while it is true."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.setStyleSheet(INVALID_BORDER if invalid else "")


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
    from PySide6.QtCore import Qt

    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setProperty("selectable", True)
