"""The fields that offer a list: a fixed one (choices, yes/no, a group's state), known values with free text beside
them (models, voices), and check boxes for a list drawn from a few choices."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QWidget

from realtime_gui.api.catalog import UNSET, Parameter, Unset
from realtime_gui.jsontext import JsonValue
from realtime_gui.qt.ui.form.field_base import (
    Field,
    FieldValue,
    TypedField,
    default_words,
    in_words,
    initial_value,
    tooltip,
)
from realtime_gui.qt.ui.form.wheel import ComboBox


class ComboField(Field):
    """A fixed list of values: closed choices, yes/no, one-of lists, group states."""

    def __init__(self, row: Parameter, entries: list[tuple[str, FieldValue]]) -> None:
        super().__init__(row)
        self._values = [value for _, value in entries]
        self.combo = ComboBox()
        self.combo.addItems([label for label, _ in entries])
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._name(self.combo)
        self.widget = self.combo
        self.set_value(initial_value(row))

    def value(self) -> FieldValue:
        index = self.combo.currentIndex()
        return self._values[index] if index >= 0 else UNSET

    def set_value(self, value: FieldValue) -> None:
        # A value this list does not hold (an old settings file) leaves the field as it starts, never at a guess.
        for wanted in (value, initial_value(self.row)):
            for index, candidate in enumerate(self._values):
                if candidate == wanted and type(candidate) is type(wanted):
                    self.combo.setCurrentIndex(index)
                    return
        self.combo.setCurrentIndex(0)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _index: callback())


def _unset_entry(row: Parameter) -> list[tuple[str, FieldValue]]:
    if not row.required:
        return [(default_words(row), UNSET)]
    if isinstance(row.default, Unset):
        return [("required: choose one", UNSET)]  # not the first choice: that would be a guess
    return []  # the documented default is chosen (initial_value)


def choice_field(row: Parameter) -> ComboField:
    return ComboField(row, _unset_entry(row) + [(in_words(c), c) for c in row.choices])


def bool_field(row: Parameter) -> ComboField:
    return ComboField(row, [*_unset_entry(row), ("yes", True), ("no", False)])


def single_list_field(row: Parameter) -> ComboField:
    """A list that holds exactly one entry (GA output_modalities) reads best as a plain choice."""
    return ComboField(row, _unset_entry(row) + [(in_words(c), [c]) for c in row.choices])


def group_field(row: Parameter) -> ComboField:
    entries: list[tuple[str, FieldValue]] = [("not sent", UNSET)]
    if row.nullable:
        entries.append(("off (null)", None))
    entries += [(literal, literal) for literal in row.literals]
    entries.append(("custom…" if row.literals else "on", {}))
    field = ComboField(row, entries)
    field.combo.setAccessibleName(f"{row.label} state")
    return field


class _OpenCombo(ComboBox):
    """As wide as a long model name where there is room, narrower where there is not: its minimum is what keeps
    the form from scrolling sideways on a small screen (a form column of 382 px at 2x on 1366 x 768)."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        fewer = OPEN_CHOICE_CHARS - OPEN_CHOICE_MIN_CHARS
        return QSize(hint.width() - fewer * self.fontMetrics().horizontalAdvance("x"), hint.height())


OPEN_CHOICE_CHARS = 28  # "gpt-4o-realtime-preview-2024-12-17" nearly whole
OPEN_CHOICE_MIN_CHARS = 16


class OpenChoiceField(TypedField):
    """Known values to pick from, and free text for others (new models, custom voices, tool choice objects)."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.combo = _OpenCombo()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(OPEN_CHOICE_CHARS)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.addItems([in_words(choice) for choice in (*row.choices, *row.literals)])
        line = self.combo.lineEdit()
        assert line is not None
        line.setPlaceholderText(default_words(row))
        line.setClearButtonEnabled(True)
        self._name(self.combo)
        self.widget = self.combo
        self.set_value(initial_value(row))

    def _text(self) -> str:
        return self.combo.currentText()  # as typed: a name's stray space is refused, as in the CLI, never trimmed

    def set_value(self, value: FieldValue) -> None:
        custom = self.row.custom_text(value)
        if custom is not None:
            value = custom  # {"id": "voice_x"} reads better as voice_x, which means the same
        if isinstance(value, Unset) or value is None:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("")
        else:
            self.combo.setEditText(value if isinstance(value, str) else json.dumps(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentTextChanged.connect(lambda _text: callback())

    def on_edited(self, callback: Callable[[], None]) -> None:
        line = self.combo.lineEdit()
        assert line is not None
        line.editingFinished.connect(callback)


class ChecksField(Field):
    """A list drawn from a few choices: one check box per choice; none checked is "not sent"."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        words = dict(row.choice_words)
        tip = tooltip(row)
        for choice in row.choices:
            box = QCheckBox(words.get(str(choice), str(choice)))
            box.setToolTip(tip + (f"\nSends {choice}" if str(choice) in words else ""))
            layout.addWidget(box)
            self.boxes.append((str(choice), box))
        layout.addStretch(1)
        self._name(self.widget)
        self.focus = self.boxes[0][1]  # the container itself takes no focus

    def value(self) -> FieldValue:
        picked: list[JsonValue] = [choice for choice, box in self.boxes if box.isChecked()]
        return picked if picked else UNSET

    def set_value(self, value: FieldValue) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for choice, box in self.boxes:
            box.setChecked(choice in chosen)

    def on_change(self, callback: Callable[[], None]) -> None:
        for _, box in self.boxes:
            box.toggled.connect(lambda _checked: callback())
