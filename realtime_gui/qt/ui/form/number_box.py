"""A number box that keeps exactly what was typed: no clamping, rounding or "corrected" values.

QSpinBox replaces a typed 5 by its minimum and 1.5 by its maximum, so a value out of range would be silently
changed into one the user did not choose. This box is a text field with arrows: it never edits the text itself;
the form reports a value the API does not accept beside the field and sends nothing. The arrows, Up/Down,
Page Up/Down and (with the focus) the wheel still step the number, within the API's range.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit

from realtime_gui.qt.ui.form.wheel import ignore_wheel_unless_focused, wheel_when_focused
from realtime_gui.qt.ui.style.palette import invalid_color

_Step = QAbstractSpinBox.StepEnabledFlag


class NumberBox(QAbstractSpinBox):
    draws_invalid_mark = True  # palette.mark_invalid: a style sheet would take the arrows away and widen the box

    def __init__(self, *, start: float, low: float | None, high: float | None, step: float, integer: bool) -> None:
        """`start`: where stepping from an empty box begins (the API's default); `low`/`high`: the API's range."""
        super().__init__()
        self._start, self._low, self._high, self._step, self._integer = start, low, high, step, integer
        ignore_wheel_unless_focused(self)
        self.setAccelerated(True)
        self.edit.setClearButtonEnabled(True)

    @property
    def edit(self) -> QLineEdit:
        line = self.lineEdit()
        assert line is not None
        return line

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def number(self) -> float | None:
        """The typed number, or None when the box is empty or holds something else ("inf", "null", a typo)."""
        try:
            value = float(self.text().strip())
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def format(self, value: float) -> str:
        return str(round(value)) if self._integer else repr(round(value, 4))

    def stepBy(self, steps: int) -> None:
        current = self.number()
        if current is None and self.text().strip():
            return  # a keyword or text that is no number: nothing to step from
        target = self._start if current is None else current + steps * self._step
        if self._low is not None:
            target = max(target, self._low)
        if self._high is not None:
            target = min(target, self._high)
        self.set_text(self.format(target))
        self.edit.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        current = self.number()
        if current is None:
            return _Step.StepNone if self.text().strip() else _Step.StepUpEnabled | _Step.StepDownEnabled
        enabled = _Step.StepNone
        if self._high is None or current < self._high:
            enabled |= _Step.StepUpEnabled
        if self._low is None or current > self._low:
            enabled |= _Step.StepDownEnabled
        return enabled

    def wheelEvent(self, event: QWheelEvent) -> None:
        wheel_when_focused(self, event, super().wheelEvent)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.property("invalid"):
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(invalid_color(self))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)
            painter.end()

    def sizeHint(self) -> QSize:
        # The base class sizes for its (empty) minimum and maximum texts: make room for the hint and the range.
        hint = super().sizeHint()
        texts = [self.edit.placeholderText(), *(self.format(x) for x in (self._low, self._high) if x is not None)]
        wanted = max(self.fontMetrics().horizontalAdvance(t) for t in texts) + 3 * hint.height() // 2
        return QSize(hint.width() + wanted, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
