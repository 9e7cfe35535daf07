"""The fields typed as text: one line (a comma-separated list too), several lines, and a JSON editor that checks
as it is typed (syntax first, then the row's structural check)."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from realtime_gui.api.catalog import UNSET, Kind, Parameter, Unset
from realtime_gui.api.value_checks import check_value
from realtime_gui.qt.ui.form.field_base import Field, FieldValue, TypedField, default_words
from realtime_gui.qt.ui.style.look import ERROR, MUTED, OK, make_selectable, set_text_color


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
        text = self.edit.text()
        if not text.strip():
            return UNSET
        if self.row.kind is Kind.STRING_LIST:  # commas and the spaces around them are the list's syntax
            return [part.strip() for part in text.split(",") if part.strip()]
        return text  # as typed, as OpenChoiceField

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


class JsonField(TypedField):
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
