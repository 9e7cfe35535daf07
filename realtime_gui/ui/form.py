"""The parameter form of one endpoint, generated from the catalog: a titled box per section, one row per
parameter. Rows that do not apply right now (members of a group that is not "on", variant fields such as
eagerness for server VAD) are hidden, and their values are kept but not sent.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from realtime_gui.catalog import UNSET, Endpoint, JsonValue, Kind, Parameter, Unset
from realtime_gui.checks import Problem
from realtime_gui.ui.fields import Field, make_field, tooltip


class _Row:
    def __init__(self, field: Field, layout: QFormLayout, label: QLabel, container: QWidget, error: QLabel) -> None:
        self.field = field
        self.layout = layout
        self.label = label
        self.container = container
        self.error = error


class ParameterForm(QWidget):
    changed = Signal()

    def __init__(self, endpoint: Endpoint, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.setObjectName(f"form-{endpoint.id}")
        self._rows: dict[str, _Row] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        summary = QLabel(endpoint.summary)
        summary.setWordWrap(True)
        summary.setObjectName("endpointSummary")
        outer.addWidget(summary)
        layouts: dict[str, QFormLayout] = {}
        for section in endpoint.sections:
            box = QGroupBox(section.replace("&", "&&"))  # a single & would make a mnemonic
            box.setObjectName(f"section:{section}")
            layout = QFormLayout(box)
            layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            layouts[section] = layout
            outer.addWidget(box)
        outer.addStretch(1)
        for row in endpoint.parameters:
            if row.fixed:
                continue  # set by the endpoint (session.type) or the form of the group (truncation.type)
            self._add_row(row, layouts[row.section])
        self._sections = {name: layout.parentWidget() for name, layout in layouts.items()}
        self.refresh()

    def _add_row(self, row: Parameter, layout: QFormLayout) -> None:
        field = make_field(row)
        label = QLabel(row.label)
        label.setToolTip(tooltip(row))
        if field.editor.focusPolicy() != Qt.FocusPolicy.NoFocus:
            label.setBuddy(field.editor)
        container = QWidget()
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(field.widget)
        error = QLabel()
        error.setObjectName(f"{row.path}#error")
        error.setProperty("role", "fieldError")
        error.setWordWrap(True)
        error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error.hide()
        box.addWidget(error)
        if row.kind is Kind.GROUP or _in_group(self.endpoint, row):
            label.setIndent(0 if row.kind is Kind.GROUP else 16)
        layout.addRow(label, container)
        self._rows[row.path] = _Row(field, layout, label, container, error)
        field.on_change(partial(self._on_field_changed, row.path))

    # -- values --

    def field(self, path: str) -> Field | None:
        row = self._rows.get(path)
        return row.field if row is not None else None

    def widget_for(self, path: str) -> QWidget | None:
        """The widget named by `path`, or by the row that holds it (an API param such as session.tools[0].name)."""
        row = self._row_for_param(path)
        return row.field.editor if row is not None else None

    def all_values(self) -> dict[str, JsonValue]:
        """Every value the user set, shown or not (what is remembered)."""
        out: dict[str, JsonValue] = {}
        for path, row in self._rows.items():
            value = row.field.value()
            if not isinstance(value, Unset):
                out[path] = value
        return out

    def values(self) -> dict[str, JsonValue]:
        """What is sent: the set values of the rows that apply."""
        current = self.all_values()
        return {path: value for path, value in current.items() if self._applies(self.endpoint.by_path[path], current)}

    def text_problems(self) -> list[Problem]:
        """Text that cannot be read at all (JSON syntax), for the rows that apply."""
        current = self.all_values()
        found = []
        for path, row in self._rows.items():
            if self._applies(self.endpoint.by_path[path], current):
                problem = row.field.problem()
                if problem is not None:
                    found.append(problem)
        return found

    def set_values(self, values: dict[str, JsonValue]) -> list[str]:
        """Fill the form (every row not named goes back to "not sent"); returns the paths it has no row for."""
        unknown = [p for p in values if p not in self._rows]
        for path, row in self._rows.items():
            value: JsonValue | Unset = values.get(path, UNSET) if path in values else UNSET
            if row.field.row.required and isinstance(value, Unset):
                default = row.field.row.default
                value = default if not isinstance(default, Unset) else _first_choice(row.field.row)
            row.field.set_value(value)
        self.refresh()
        return unknown

    def reset(self) -> None:
        self.set_values({})
        self.clear_problems()

    # -- what shows --

    def _applies(self, row: Parameter, current: dict[str, JsonValue]) -> bool:
        group = self.endpoint.enclosing_group(row.path)
        if group is not None and current.get(group.path, UNSET) != {}:
            return False
        if row.when is not None:
            condition_row = self.endpoint.by_path[row.when.path]
            value = current.get(row.when.path, condition_row.default)
            if not row.when.holds(None if isinstance(value, Unset) else value):
                return False
        return True

    def refresh(self) -> None:
        current = self.all_values()
        for path, row in self._rows.items():
            row.layout.setRowVisible(row.container, self._applies(self.endpoint.by_path[path], current))

    def is_shown(self, path: str) -> bool:
        row = self._rows[path]
        return bool(row.container.isVisibleTo(self)) and not row.container.isHidden()

    # -- problems beside their fields --

    def show_problems(self, problems: list[Problem]) -> QWidget | None:
        """Mark each problem's field and write the message under it; returns the first marked widget."""
        self.clear_problems()
        first: QWidget | None = None
        messages: dict[str, list[str]] = {}
        for problem in problems:
            row = self._row_for_param(problem.path)
            if row is None:
                continue
            prefix = "" if problem.path == row.field.row.path else f"{problem.path}: "
            messages.setdefault(row.field.row.path, []).append(prefix + problem.message)
        for path, lines in messages.items():
            row = self._rows[path]
            row.error.setText("\n".join(lines))
            row.error.show()
            mark_invalid(row.field.editor, True)
            first = first or row.field.editor
        return first

    def mark_param(self, param: str) -> QWidget | None:
        row = self._row_for_param(param)
        if row is None:
            return None
        mark_invalid(row.field.editor, True)
        return row.field.editor

    def clear_problems(self) -> None:
        for row in self._rows.values():
            row.error.clear()
            row.error.hide()
            mark_invalid(row.field.editor, False)

    def _row_for_param(self, param: str) -> _Row | None:
        head = param.split("[", 1)[0]
        while head:
            if head in self._rows:
                return self._rows[head]
            if "." not in head:
                return None
            head = head.rsplit(".", 1)[0]
        return None

    def _on_field_changed(self, path: str) -> None:
        row = self._rows[path]
        if row.error.isVisible() or row.field.editor.property("invalid"):
            row.error.hide()
            mark_invalid(row.field.editor, False)
        self.refresh()
        self.changed.emit()


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Set the dynamic property `invalid` the style sheet draws a red border for."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def _in_group(endpoint: Endpoint, row: Parameter) -> bool:
    return endpoint.enclosing_group(row.path) is not None


def _first_choice(row: Parameter) -> JsonValue | Unset:
    return row.choices[0] if row.choices else UNSET
