"""One editor per catalog row, chosen by the row's kind. Every field reads and writes JSON values, and `UNSET`
means "not sent" (the API's default applies): an empty text or number box, a combo's "default (…)" entry.
Nothing is filled in that the user did not choose, except the documented default of a row the API requires.
Each field's widget is named by the row's JSON path, so tests and tools can find it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.catalog import UNSET, Kind, Parameter, Unset
from realtime_gui.checks import Problem
from realtime_gui.deprecations import going_away
from realtime_gui.json_types import JsonValue
from realtime_gui.qt.ui.look import ERROR, MUTED, OK, make_selectable, set_text_color
from realtime_gui.qt.ui.number_box import NumberBox
from realtime_gui.qt.ui.wheel import ComboBox
from realtime_gui.value_checks import allowed, check_value
from realtime_gui.value_text import value_from_text

FieldValue = JsonValue | Unset


def default_words(row: Parameter) -> str:
    """What an empty field means: the API's default, or nothing sent, or a value still to be given."""
    if not isinstance(row.default, Unset) and not going_away(row.default):  # never advertise a model going away
        return f"default ({_show(row.default)})"
    return "required" if row.required else "not sent"


def initial_value(row: Parameter) -> FieldValue:
    """What a field holds before the user chooses: nothing, except the documented default of a required row
    (turn detection's type is server_vad unless chosen otherwise). A required row without one stays empty, and
    Create says it is missing: a guess would be a value the user did not choose."""
    return row.default if row.required else UNSET


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

    def on_edited(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the user has finished typing (the focus left, Enter): time to check the value."""

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
        self.combo = ComboBox()
        for label, _ in entries:
            self.combo.addItem(label)
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
        self.combo = ComboBox()
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
        self.set_value(initial_value(row))

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
        key, prefix = self.row.custom_key, self.row.custom_prefix
        if isinstance(value, dict) and key and prefix and set(value) == {key}:
            custom = value[key]
            if isinstance(custom, str) and custom.startswith(prefix):
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

    def on_edited(self, callback: Callable[[], None]) -> None:
        self.edit.editingFinished.connect(callback)


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


class NumberField(Field):
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

    def value(self) -> FieldValue:
        text = self.box.text().strip()
        return value_from_text(self.row, self.row.path, text)[0] if text else UNSET

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


class ChecksField(Field):
    """A list drawn from a few choices: one check box per choice; none checked is "not sent"."""

    def __init__(self, row: Parameter) -> None:
        super().__init__(row)
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        words = dict(row.choice_words)
        for choice in row.choices:
            box = QCheckBox(words.get(str(choice), str(choice)))
            box.setToolTip(tooltip(row) + (f"\nSends {choice}" if str(choice) in words else ""))
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
        self.edit.setPlaceholderText(row.check.example)
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
