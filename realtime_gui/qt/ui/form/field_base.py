"""What every field of the form is: a `Field` reads and writes JSON values, `UNSET` meaning "not sent" (the API's
default applies), and is named by its row's JSON path so that tests and tools can find it; the words an empty field
shows, and the value a field starts with (nothing the user did not choose, except the documented default of a row
the API requires)."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QWidget

from realtime_gui.api.catalog import UNSET, Parameter, Unset
from realtime_gui.api.checks import Problem
from realtime_gui.api.deprecations import going_away
from realtime_gui.api.value_checks import allowed_sentence
from realtime_gui.api.value_text import value_from_text
from realtime_gui.jsontext import JsonValue

FieldValue = JsonValue | Unset


def default_words(row: Parameter) -> str:
    """What an empty field means: the API's default, or nothing sent, or a value still to be given."""
    if not isinstance(row.default, Unset) and not going_away(row.default):  # never advertise a model going away
        return f"default ({in_words(row.default)})"
    return "required" if row.required else "not sent"


def initial_value(row: Parameter) -> FieldValue:
    """What a field holds before the user chooses: nothing, except the documented default of a required row
    (turn detection's type is server_vad unless chosen otherwise). A required row without one stays empty, and
    Create says it is missing: a guess would be a value the user did not choose."""
    return row.default if row.required else UNSET


def in_words(value: JsonValue) -> str:
    """A value as a choice list or a placeholder shows it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value)


def tooltip(row: Parameter) -> str:
    return f"{row.help}\n\nAPI name: {row.path}\n{allowed_sentence(row)}"


class Field:
    """Base: `widget` goes into the form; `value()` / `set_value()` speak JSON; `problem()` reports text that
    cannot be read (a JSON syntax error), which the form shows before anything is sent. A new field holds
    `initial_value(row)`."""

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


class TypedField(Field):
    """A field whose text is read as its row's value the way `--set` reads it (value_text.py): empty is "not sent",
    and text that cannot be read (JSON with a syntax error) is the field's problem."""

    def _text(self) -> str:
        """The text typed: stripped where blanks mean nothing (a number, JSON), as typed where the value checks judge
        them (a name: value_checks.stray_ends refuses a stray space, never trims it)."""
        raise NotImplementedError

    def value(self) -> FieldValue:
        text = self._text()
        return value_from_text(self.row, self.row.path, text)[0] if text.strip() else UNSET

    def problem(self) -> Problem | None:
        text = self._text()
        return value_from_text(self.row, self.row.path, text)[1] if text.strip() else None
