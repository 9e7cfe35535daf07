"""One editor per catalog row, chosen by the row's kind. Every field reads and writes JSON values, and `UNSET`
means "not sent" (the API's default applies): an empty text box, a combo's "default (…)" entry, a spin box's
lowest position. Each field's widget is named by the row's JSON path, so tests and tools can find it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QFontDatabase, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.catalog import UNSET, JsonValue, Kind, Parameter, Unset
from realtime_gui.checks import Problem
from realtime_gui.qt.ui.look import ERROR, MUTED, OK, make_selectable, set_text_color
from realtime_gui.request import allowed, check_value, value_from_text

FieldValue = JsonValue | Unset
_UNBOUNDED = 1_000_000_000  # a spin box needs a ceiling; no API limit comes near it


def default_words(row: Parameter) -> str:
    if isinstance(row.default, Unset):
        return "not sent"
    return f"default ({_show(row.default)})"


def _show(value: JsonValue) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value)


def tooltip(row: Parameter) -> str:
    return f"{row.help}\n\nAPI name: {row.path}\n{allowed(row).capitalize()}."


class Field:
    """Base: `widget` goes into the form; `value()` / `set_value()` speak JSON; `problem()` reports text that
    cannot be read (a JSON syntax error), which the form shows before anything is sent."""

    widget: QWidget  # what the form lays out
    editor: QWidget  # the input itself, named by the row's path: marked invalid, focused, scrolled to
    focus: QWidget  # what the label's mnemonic and "go to the problem" give the keyboard focus to

    def __init__(self, row: Parameter) -> None:
        self.row = row

    def value(self) -> FieldValue:
        raise NotImplementedError

    def set_value(self, value: FieldValue) -> None:
        raise NotImplementedError

    def on_change(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def problem(self) -> Problem | None:
        return None

    def show_problem(self, text: str) -> QLabel | None:
        """Show a problem found on Create in the field's own message line, if it has one (else the form adds a
        line under the field); returns that line."""
        return None

    def clear_problem(self) -> None:
        """Back to what the field says by itself."""

    def _name(self, widget: QWidget) -> None:
        self.editor = self.focus = widget
        widget.setObjectName(self.row.path)
        widget.setToolTip(tooltip(self.row))
        widget.setAccessibleName(self.row.label)
        # The line edit inside a spin box or an editable combo is what a screen reader lands on: name it too.
        inner = widget.lineEdit() if isinstance(widget, QAbstractSpinBox | QComboBox) else None
        if inner is not None:
            inner.setAccessibleName(widget.accessibleName())


class ComboField(Field):
    """A fixed list of values: closed choices, yes/no, one-of lists, group states."""

    def __init__(self, row: Parameter, entries: list[tuple[str, FieldValue]]) -> None:
        super().__init__(row)
        self._values = [value for _, value in entries]
        self.combo = QComboBox()
        for label, _ in entries:
            self.combo.addItem(label)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._name(self.combo)
        self.widget = self.combo

    def value(self) -> FieldValue:
        index = self.combo.currentIndex()
        return self._values[index] if index >= 0 else UNSET

    def set_value(self, value: FieldValue) -> None:
        for index, candidate in enumerate(self._values):
            if candidate == value and type(candidate) is type(value):
                self.combo.setCurrentIndex(index)
                return
        self.combo.setCurrentIndex(0)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _index: callback())


def _unset_entry(row: Parameter) -> list[tuple[str, FieldValue]]:
    return [] if row.required else [(default_words(row), UNSET)]


def choice_field(row: Parameter) -> ComboField:
    return ComboField(row, _unset_entry(row) + [(_show(c), c) for c in row.choices])


def bool_field(row: Parameter) -> ComboField:
    return ComboField(row, [*_unset_entry(row), ("yes", True), ("no", False)])


def single_list_field(row: Parameter) -> ComboField:
    """A list that holds exactly one entry (GA output_modalities) reads best as a plain choice."""
    return ComboField(row, _unset_entry(row) + [(_show(c), [c]) for c in row.choices])


def group_field(row: Parameter) -> ComboField:
    entries: list[tuple[str, FieldValue]] = [("not sent", UNSET)]
    if row.nullable:
        entries.append(("off (null)", None))
    entries += [(literal, literal) for literal in row.literals]
    entries.append(("custom…" if row.literals else "on", {}))
    field = ComboField(row, entries)
    field.combo.setAccessibleName(f"{row.label} state")
    return field


class OpenChoiceField(Field):
    """Known values to pick from, and free text for others (new models, custom voices, tool choice objects)."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(28)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for choice in (*row.choices, *row.literals):
            self.combo.addItem(_show(choice))
        line = self.combo.lineEdit()
        assert line is not None
        line.setPlaceholderText(default_words(row))
        line.setClearButtonEnabled(True)
        self._name(self.combo)
        self.widget = self.combo
        self.set_value(row.choices[0] if row.required and row.choices else UNSET)

    def _text(self) -> str:
        return self.combo.currentText().strip()

    def value(self) -> FieldValue:
        text = self._text()
        if not text:
            return UNSET
        value, _ = value_from_text(self.row, self.row.path, text)
        return value

    def problem(self) -> Problem | None:
        text = self._text()
        return value_from_text(self.row, self.row.path, text)[1] if text else None

    def set_value(self, value: FieldValue) -> None:
        if isinstance(value, Unset) or value is None:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("")
        else:
            self.combo.setEditText(value if isinstance(value, str) else json.dumps(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentTextChanged.connect(lambda _text: callback())


class LineField(Field):
    """One line of text; for string lists, comma-separated."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        hint = "comma-separated, e.g. en, de" if row.kind is Kind.STRING_LIST and row.pattern else ""
        if row.kind is Kind.STRING_LIST and not hint:
            hint = "comma-separated"
        self.edit.setPlaceholderText(hint or default_words(row))
        self._name(self.edit)
        self.widget = self.edit

    def value(self) -> FieldValue:
        text = self.edit.text().strip()
        if not text:
            return UNSET
        if self.row.kind is Kind.STRING_LIST:
            return [part.strip() for part in text.split(",") if part.strip()]
        return text

    def set_value(self, value: FieldValue) -> None:
        if isinstance(value, Unset) or value is None:
            self.edit.clear()
        elif isinstance(value, list):
            self.edit.setText(", ".join(str(v) for v in value))
        else:
            self.edit.setText(str(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(lambda _text: callback())


class TextField(Field):
    """Free text over several lines (instructions, prompts)."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(default_words(row))
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 4 + 12)
        self._name(self.edit)
        self.widget = self.edit

    def value(self) -> FieldValue:
        text = self.edit.toPlainText()
        return text if text.strip() else UNSET

    def set_value(self, value: FieldValue) -> None:
        self.edit.setPlainText("" if isinstance(value, Unset) or value is None else str(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(callback)


class _Specials:
    """Positions beyond a spin box's real range that stand for "not sent", keywords ("inf") or null."""

    def __init__(self, row: Parameter, low: float, high: float, step: float) -> None:
        self.row = row
        self.below: list[tuple[float, str, FieldValue]] = []
        if not row.required:
            self.below.append((low - step, default_words(row), UNSET))
        extras: list[tuple[str, FieldValue]] = [(lit, lit) for lit in row.literals]
        if row.nullable:
            extras.append(("null", None))
        self.above = [(high + step * (i + 1), text, value) for i, (text, value) in enumerate(extras)]

    @property
    def all(self) -> list[tuple[float, str, FieldValue]]:
        return self.below + self.above

    def text_for(self, position: float) -> str | None:
        for where, text, _ in self.all:
            if abs(where - position) < 1e-9:
                return text
        return None

    def position_for_text(self, text: str) -> float | None:
        for where, words, value in self.all:
            if text.strip() in (words, _show(value) if not isinstance(value, Unset) else words):
                return where
        return None

    def value_at(self, position: float) -> tuple[bool, FieldValue]:
        for where, _, value in self.all:
            if abs(where - position) < 1e-9:
                return True, value
        return False, UNSET

    def position_of(self, value: FieldValue) -> float | None:
        for where, _, candidate in self.all:
            if candidate == value and type(candidate) is type(value):
                return where
        return None

    def validate(self, text: str) -> QValidator.State | None:
        typed = text.strip()
        if not typed:
            return None
        for _, words, value in self.all:
            for form in (words, _show(value) if not isinstance(value, Unset) else words):
                if form == typed:
                    return QValidator.State.Acceptable
                if form.startswith(typed) and not typed[0].isdigit() and typed[0] not in "-.":
                    return QValidator.State.Intermediate
        return None


class _IntSpin(QSpinBox):
    def __init__(self, specials: _Specials) -> None:
        super().__init__()
        self.specials = specials

    def textFromValue(self, value: int) -> str:
        return self.specials.text_for(value) or super().textFromValue(value)

    def valueFromText(self, text: str) -> int:
        position = self.specials.position_for_text(text)
        return int(position) if position is not None else super().valueFromText(text)

    def validate(self, text: str, pos: int) -> Any:
        return self.specials.validate(text) or super().validate(text, pos)


class _FloatSpin(QDoubleSpinBox):
    def __init__(self, specials: _Specials) -> None:
        super().__init__()
        self.specials = specials

    def textFromValue(self, value: float) -> str:
        special = self.specials.text_for(value)
        if special:
            return special
        # Three decimals keep a preset's 0.875 intact; trailing zeros would only be noise ("1.000").
        text = super().textFromValue(value)
        point = self.locale().decimalPoint()
        return text.rstrip("0").rstrip(point) if point in text else text

    def valueFromText(self, text: str) -> float:
        position = self.specials.position_for_text(text)
        return position if position is not None else super().valueFromText(text)

    def validate(self, text: str, pos: int) -> Any:
        return self.specials.validate(text) or super().validate(text, pos)


class NumberField(Field):
    """A spin box within the API's range; "not sent", "inf" and null sit just outside it."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        integer = row.kind is Kind.INTEGER
        low = row.minimum if row.minimum is not None else 0
        high = row.maximum if row.maximum is not None else _UNBOUNDED
        span = high - low
        step = 1.0 if integer else (0.05 if span <= 2 else 0.1)
        if integer and span >= 1000:
            step = 100.0 if row.unit == "ms" else 1.0
        self.specials = _Specials(row, low, high, 1 if integer else step)
        self.spin: QSpinBox | QDoubleSpinBox
        if integer:
            spin_i = _IntSpin(self.specials)
            spin_i.setRange(int(low) - (1 if self.specials.below else 0), int(high) + len(self.specials.above))
            spin_i.setSingleStep(int(step))
            self.spin = spin_i
        else:
            spin_f = _FloatSpin(self.specials)
            spin_f.setDecimals(3)
            spin_f.setRange(low - (step if self.specials.below else 0), high + step * len(self.specials.above))
            spin_f.setSingleStep(step)
            self.spin = spin_f
        if row.unit and row.unit != "x":
            self.spin.setSuffix(f" {row.unit}")
        self.spin.setCorrectionMode(QSpinBox.CorrectionMode.CorrectToNearestValue)
        self.spin.setKeyboardTracking(False)
        self._name(self.spin)
        self.widget = self.spin
        self.set_value(UNSET if not row.required else (row.default if not isinstance(row.default, Unset) else low))

    def value(self) -> FieldValue:
        position = self.spin.value()
        special, value = self.specials.value_at(position)
        if special:
            return value
        if self.row.kind is Kind.INTEGER:
            return int(position)
        return round(float(position), 4)

    def set_value(self, value: FieldValue) -> None:
        position = self.specials.position_of(value)
        if position is None and isinstance(value, int | float) and not isinstance(value, bool):
            position = float(value)
        if position is None:
            position = self.spin.minimum()
        if isinstance(self.spin, QSpinBox):
            self.spin.setValue(int(position))
        else:
            self.spin.setValue(position)

    def on_change(self, callback: Callable[[], None]) -> None:
        self.spin.valueChanged.connect(lambda _value: callback())


class ChecksField(Field):
    """A list drawn from a few choices: one check box per choice; none checked is "not sent"."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for choice in row.choices:
            box = QCheckBox(str(choice))
            box.setToolTip(tooltip(row))
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


class JsonField(Field):
    """A JSON editor with live validation: syntax first, then the row's structural check (tools need a name…)."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.edit = QPlainTextEdit()
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setPlaceholderText(_json_example(row))
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 6 + 12)
        self._name(self.edit)
        self.status = QLabel()
        self.status.setObjectName(f"{row.path}#status")
        self.status.setWordWrap(True)
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self._on_edit_text_changed()

    def _text(self) -> str:
        return self.edit.toPlainText().strip()

    def value(self) -> FieldValue:
        text = self._text()
        return value_from_text(self.row, self.row.path, text)[0] if text else UNSET

    def problem(self) -> Problem | None:
        text = self._text()
        return value_from_text(self.row, self.row.path, text)[1] if text else None

    def set_value(self, value: FieldValue) -> None:
        self.edit.setPlainText("" if isinstance(value, Unset) else json.dumps(value, indent=2))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(callback)

    def _on_edit_text_changed(self) -> None:
        text = self._text()
        if not text:
            self._show_status("not sent", ok=None)
            return
        syntax = self.problem()
        if syntax is not None:
            self._show_status(syntax.sentence(self.row.label), ok=False)
            return
        _, problems = check_value(self.row, self.value())  # type: ignore[arg-type]
        if problems:
            first = problems[0]
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            subject = self.row.label if first.path == self.row.path else None
            self._show_status(first.sentence(subject) + more, ok=False)
        else:
            self._show_status("valid JSON", ok=True)

    def show_problem(self, text: str) -> QLabel:
        # One place for this field's problems: its status line, not a second line under it saying the same.
        self._show_status(text, ok=False)
        return self.status

    def clear_problem(self) -> None:
        self._on_edit_text_changed()

    def _show_status(self, text: str, *, ok: bool | None) -> None:
        self.status.setText(text)
        self.status.setProperty("state", {True: "ok", False: "bad", None: "idle"}[ok])
        set_text_color(self.status, {True: OK, False: ERROR, None: MUTED}[ok])
        if ok is False:
            make_selectable(self.status)


def _json_example(row: Parameter) -> str:
    if row.check in ("tools", "function_tools"):
        return (
            '[{"type": "function", "name": "get_weather",\n'
            '  "description": "Weather for a city",\n'
            '  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]'
        )
    if row.check == "prompt_variables":
        return '{"city": "Paris"}'
    return '{"key": "value"}'


def make_field(row: Parameter) -> Field:
    """The editor for `row`'s kind."""
    kind = row.kind
    if kind is Kind.GROUP:
        return group_field(row)
    if kind is Kind.CHOICE:
        return OpenChoiceField(row) if row.open else choice_field(row)
    if kind is Kind.JSON:
        return OpenChoiceField(row) if row.literals else JsonField(row)
    if kind is Kind.BOOL:
        return bool_field(row)
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return choice_field(row) if row.choices else NumberField(row)
    if kind is Kind.MULTI_CHOICE:
        return single_list_field(row) if row.max_items == 1 else ChecksField(row)
    if kind is Kind.TEXT:
        return TextField(row)
    return LineField(row)
