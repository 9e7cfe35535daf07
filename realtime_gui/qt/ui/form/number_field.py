"""The number field: a number kept exactly as typed (number_box.py), a keyword such as "inf", or null, with its unit
beside it; empty is "not sent"."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from realtime_gui.api.catalog import Kind, Parameter, Unset
from realtime_gui.qt.ui.form.field_base import FieldValue, TypedField, default_words, initial_value
from realtime_gui.qt.ui.form.number_box import NumberBox


class NumberField(TypedField):
    """A number exactly as typed (see number_box.py), a keyword such as "inf", or null; empty is "not sent"."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        integer, low, high, default = row.kind is Kind.INTEGER, row.minimum, row.maximum, row.default
        small = low is not None and high is not None and high - low <= 2
        step = (100.0 if row.unit == "ms" else 1.0) if integer else 0.05 if small else 0.1
        start = default if isinstance(default, int | float) and not isinstance(default, bool) else low or 0
        self.box = NumberBox(start=start, low=low, high=high, step=step, integer=integer)
        self.box.edit.setPlaceholderText(_number_hint(row))
        self._name(self.box)
        self.widget = self.box
        if row.unit and row.unit != "x":
            self.widget = QWidget()
            layout = QHBoxLayout(self.widget)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self.box)
            layout.addWidget(QLabel(row.unit))
            layout.addStretch(1)
        self.set_value(initial_value(row))

    def _text(self) -> str:
        return self.box.text().strip()

    def set_value(self, value: FieldValue) -> None:
        text = "" if isinstance(value, Unset) else value if isinstance(value, str) else json.dumps(value)
        self.box.set_text(text)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.box.edit.textChanged.connect(lambda _text: callback())

    def on_edited(self, callback: Callable[[], None]) -> None:
        self.box.editingFinished.connect(callback)


def _number_hint(row: Parameter) -> str:
    """What an empty number box sends, and the words it also takes ("null" turns idle timeout off)."""
    words = [f'"{literal}"' for literal in row.literals if literal != row.default]
    if row.nullable:
        words.append('"null"')
    return default_words(row) + (f" · or {' or '.join(words)}" if words else "")
