"""The parameter form of one endpoint, generated from the catalog: a titled box per section, one row per
parameter. Rows that do not apply right now (members of a group that is not "on", variant fields such as
eagerness for server VAD) are hidden, and their values are kept but not sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from PySide6.QtCore import QEvent, QSize, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from realtime_gui.api.catalog import UNSET, Endpoint, Parameter, Unset
from realtime_gui.api.checks import Problem
from realtime_gui.api.structure import applies
from realtime_gui.api.value_checks import check_value
from realtime_gui.jsontext import JsonValue
from realtime_gui.qt.ui.form.deprecation_notes import add_deprecation_notes
from realtime_gui.qt.ui.form.field_base import Field, initial_value
from realtime_gui.qt.ui.form.fields import make_field
from realtime_gui.qt.ui.form.name_hint import add_name_hint
from realtime_gui.qt.ui.style.look import ERROR, make_selectable, mark_invalid, set_text_color


class _ErrorLabel(QLabel):
    """A wrapped message as wide as the field column and as tall as its lines there. QFormLayout sizes rows by
    the size hint, and QLabel's hint for wrapped text is a narrow, tall block: hint the height for the width
    the label really has."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(self.width())) if self.width() > hint.width() else hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()


class _Row:
    def __init__(self, field: Field, layout: QFormLayout, label: QLabel) -> None:
        self.field = field
        self.layout = layout
        self.label = label
        self.error: QLabel | None = None  # made when there is a problem to show: most rows never need one
        self.shown = True  # whether the row applies and shows (a row added to a layout shows)
        self.held = False  # the line's text is gone but its space stays, so that nothing moves under the pointer

    def show_error(self, text: str) -> None:
        if self.error is None:
            self.error = _ErrorLabel()
            self.error.setObjectName(f"{self.field.row.path}#error")
            self.error.setProperty("role", "fieldError")
            make_selectable(self.error)
            set_text_color(self.error, ERROR)
            position = self.layout.getWidgetPosition(self.field.widget)  # (row, role)
            assert isinstance(position, tuple)
            self.layout.insertRow(int(position[0]) + 1, "", self.error)
        self.held = False
        self.error.setMinimumHeight(0)
        self.error.setText(text)
        self.error.show()
        self.layout.setRowVisible(self.error, self.shown)

    def hide_error(self, *, hold: bool = False) -> None:
        """Take the message away; `hold`: keep its space (blank) until `release()`."""
        if self.error is None or self.error.isHidden():
            return
        if hold:
            self.error.setMinimumHeight(self.error.height())
            self.held = True
            self.error.clear()
            return
        self.error.clear()
        self.release()

    def release(self) -> None:
        """The space of a message taken away goes too."""
        if self.error is not None:
            self.held = False
            self.error.setMinimumHeight(0)
            if not self.error.text():
                self.layout.setRowVisible(self.error, False)

    @property
    def error_shown(self) -> bool:
        return self.error is not None and not self.error.isHidden() and bool(self.error.text())


ROWS_MEASURED = 4  # rows built between two measures of the form's height (~0.3 ms each)


class ParameterForm(QWidget):
    """`values`: what its fields start with (the rest start as `initial_value` has them). `height_now`: build only
    the first rows that fill this many pixels, and keep the others waiting for `build_waiting_rows` (the window
    builds them a few a step in the background); anything that reads or writes the rows builds them first."""

    changed = Signal()
    problems_fixed = Signal()  # the user changed the last field marked with a problem: no field is marked now
    rows_completed = Signal()  # the waiting rows are built: every row of the endpoint has its field now

    def __init__(
        self,
        endpoint: Endpoint,
        parent: QWidget | None = None,
        *,
        values: Mapping[str, JsonValue] | None = None,
        height_now: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.setObjectName(f"form-{endpoint.id}")
        self._built: dict[str, _Row] = {}  # the rows built so far, by path (`_all_rows()`: every row)
        self._given = dict(values or {})
        self.opened_values: dict[str, JsonValue] = {}  # what each field made of `values` when built
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        summary = QLabel(endpoint.summary)
        summary.setWordWrap(True)
        summary.setObjectName("endpointSummary")
        outer.addWidget(summary)
        self._layouts: dict[str, QFormLayout] = {}
        for section in endpoint.sections:
            box = QGroupBox(section.replace("&", "&&"))  # a single & would make a mnemonic
            box.setObjectName(f"section:{section}")
            layout = QFormLayout(box)
            layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            # A row too wide for a narrow form (2x on a small screen) puts its field under its label instead of
            # making the form scroll sideways.
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            self._layouts[section] = layout
            outer.addWidget(box)
        outer.addStretch(1)
        self._sections = {name: layout.parentWidget() for name, layout in self._layouts.items()}
        # Set by the endpoint (session.type) or the form of the group (truncation.type): no row of their own.
        self._order = [row for row in endpoint.parameters if not row.fixed]
        self._position = {row.path: index for index, row in enumerate(self._order)}
        self._waiting = list(self._order)
        if height_now is None:
            self.build_waiting_rows()
        else:
            self._build_rows_for(height_now)
        self.refresh()

    def _build_rows_for(self, height: int) -> None:
        """Build the rows that show, in order, until the form is `height` pixels tall as laid out (no more can show
        in a window that tall); the others (below, or not applying now) wait."""
        self.refresh()  # hides the section boxes, empty still
        current = self._deciding_values()
        shown = [row for row in self._waiting if self._applies(row, current)]
        for start in range(0, len(shown), ROWS_MEASURED):
            if self.sizeHint().height() >= height:
                break
            for row in shown[start : start + ROWS_MEASURED]:
                self._add_row(row)
            self.refresh()
        self._waiting = [row for row in self._waiting if row.path not in self._built]

    def _add_row(self, row: Parameter) -> _Row:
        field = make_field(row)
        if row.path in self._given:
            field.set_value(self._given[row.path])
        if not isinstance(opened := field.value(), Unset):
            self.opened_values[row.path] = opened
        field = add_name_hint(add_deprecation_notes(field))
        label = QLabel(row.label)
        label.setToolTip(field.editor.toolTip())  # tooltip(row), made once
        label.setBuddy(field.focus)
        layout = self._layouts[row.section]
        layout.insertRow(self._layout_row_for(row), label, field.widget)
        added = self._built[row.path] = _Row(field, layout, label)
        field.on_change(partial(self._on_field_changed, row.path))
        field.on_edited(partial(self._on_field_edited, row.path))
        return added

    def _layout_row_for(self, row: Parameter) -> int:
        """Where `row` goes in its section's layout: just after the nearest row of the section before it that is
        built (and its message line), so that a row built late still shows in the catalog's order."""
        for earlier in reversed(self._order[: self._position[row.path]]):
            built = self._built.get(earlier.path)
            if earlier.section == row.section and built is not None:
                position = built.layout.getWidgetPosition(built.error or built.field.widget)  # (row, role)
                assert isinstance(position, tuple)
                return int(position[0]) + 1
        return 0

    # -- the rows the first paint does not show --

    @property
    def rows_waiting(self) -> bool:
        return bool(self._waiting)

    def build_waiting_rows(self, count: int | None = None) -> None:
        """Build `count` (default all) of the rows still waiting, in order; the form says when none is left."""
        if not self._waiting:
            return
        taken = len(self._waiting) if count is None else count
        building, self._waiting = self._waiting[:taken], self._waiting[taken:]
        for row in building:
            self._add_row(row)
        self.refresh()
        if not self._waiting:
            self.rows_completed.emit()

    def _all_rows(self) -> dict[str, _Row]:
        """Every row, the waiting ones built first: what reads or writes values, or marks problems, goes through
        here. Only what runs at every key (refresh) and what can concern only a row already built (its own
        signals, the pointer leaving, an editor's message) reads `_built`."""
        self.build_waiting_rows()
        return self._built

    # -- values --

    def field(self, path: str) -> Field | None:
        row = self._all_rows().get(path)
        return row.field if row is not None else None

    def all_values(self) -> dict[str, JsonValue]:
        """Every value the user set, shown or not (what is remembered)."""
        out: dict[str, JsonValue] = {}
        for path, row in self._all_rows().items():
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
        for path, row in self._all_rows().items():
            if self._applies(self.endpoint.by_path[path], current):
                problem = row.field.problem()
                if problem is not None:
                    found.append(problem)
        return found

    def set_values(self, values: dict[str, JsonValue]) -> list[str]:
        """Fill the form (every row not named goes back to how it starts); returns the paths it has no row for.
        Rows the endpoint fills in itself (session.type) are not missing rows."""
        by_path = self.endpoint.by_path
        unknown = [p for p in values if p not in self._all_rows() and not (p in by_path and by_path[p].fixed)]
        for path, row in self._all_rows().items():
            value = values.get(path, UNSET)
            row.field.set_value(initial_value(row.field.row) if isinstance(value, Unset) else value)
        self.refresh()
        return unknown

    def reset(self) -> None:
        self.set_values({})
        self.clear_problems()

    # -- what shows --

    def _applies(self, row: Parameter, current: dict[str, JsonValue]) -> bool:
        # A group field left at "not sent" hides its members, and they are not sent.
        return applies(self.endpoint, current, row, unset_group_is_off=True)

    def refresh(self) -> None:
        """Show the rows that apply, hide the others. It runs at every key typed: it reads only the fields that
        decide (groups, variants) and touches only the rows that change."""
        current = self._deciding_values()
        sections_shown: set[str] = set()
        for row in self._built.values():
            shown = self._applies(row.field.row, current)
            if shown != row.shown:
                row.shown = shown
                row.layout.setRowVisible(row.field.widget, shown)
                if row.error is not None:
                    row.layout.setRowVisible(row.error, shown and (bool(row.error.text()) or row.held))
            if shown:
                sections_shown.add(row.field.row.section)
        for name, box in self._sections.items():  # an empty box is only a title over nothing
            if box is not None and box.isHidden() == (name in sections_shown):
                box.setVisible(name in sections_shown)

    def _deciding_values(self) -> dict[str, JsonValue]:
        """The set values of the rows that decide which rows apply (all that `applies` reads)."""
        out: dict[str, JsonValue] = {}
        by_path = self.endpoint.by_path
        for path in self.endpoint.deciding_paths:
            row = self._built.get(path)
            if row is not None:
                value = row.field.value()
            else:  # waiting, or no row at all (fixed): what it will start with
                value = self._given.get(path, initial_value(by_path[path])) if path in self._position else UNSET
            if not isinstance(value, Unset):
                out[path] = value
        return out

    def is_shown(self, path: str) -> bool:
        return not self._all_rows()[path].field.widget.isHidden()

    # -- problems beside their fields --

    def show_problems(self, problems: list[Problem]) -> QWidget | None:
        """Mark each problem's field and write the message under it, once; returns the first marked widget."""
        self.clear_problems()
        by_row: dict[str, list[Problem]] = {}
        for problem in problems:
            row = self._row_for_param(problem.path)
            if row is not None:
                by_row.setdefault(row.field.row.path, []).append(problem)
        for path, found in by_row.items():
            self._mark(self._all_rows()[path], found)
        if not by_row:
            return None
        return self._all_rows()[next(iter(by_row))].field.editor

    def _mark(self, row: _Row, problems: list[Problem]) -> None:
        """Error border on the field, and its problems written once, each starting with its subject: in the
        field's own message line when it has one (a JSON editor), else under the field. A screen reader reads
        them as the field's description."""
        path = row.field.row.path
        text = "\n".join(p.sentence(row.field.row.label if p.path == path else None) for p in problems)
        if row.field.show_problem(text) is None:
            row.show_error(text)
        mark_invalid(row.field.editor, True)
        row.field.editor.setAccessibleDescription(text)

    def _reveal(self, widget: QWidget | None) -> None:
        """Scroll `widget` (an error just written) into view, once the layout has made room for it."""
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if widget is not None and isinstance(area, QScrollArea):
            QTimer.singleShot(0, area, partial(area.ensureWidgetVisible, widget, 0, 8))

    def message_for(self, editor: QWidget) -> QWidget | None:
        """The line that shows the problem of the field whose editor is `editor`, if one shows."""
        for row in self._built.values():
            if row.field.editor is editor:
                if row.error_shown:
                    return row.error
                return row.field.widget
        return None

    def mark_param(self, param: str, message: str = "") -> QWidget | None:
        row = self._row_for_param(param)
        if row is None:
            return None
        mark_invalid(row.field.editor, True)
        row.field.editor.setAccessibleDescription(message)
        return row.field.editor

    def clear_problems(self) -> None:
        for row in self._built.values():  # a row still waiting has nothing marked
            self._clear_row(row)
            row.release()

    def _clear_row(self, row: _Row, *, hold: bool = False) -> None:
        if row.error_shown or row.field.editor.property("invalid"):
            row.hide_error(hold=hold)
            row.field.clear_problem()
            mark_invalid(row.field.editor, False)
            row.field.editor.setAccessibleDescription("")

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        for row in self._built.values():
            if row.held:
                row.release()

    def _row_for_param(self, param: str) -> _Row | None:
        rows = self._all_rows()
        head = param.split("[", 1)[0]
        while head:
            if head in rows:
                return rows[head]
            if "." not in head:
                return None
            head = head.rsplit(".", 1)[0]
        return None

    def _on_field_edited(self, path: str) -> None:
        """The user finished typing: say at once, beside the field, what is wrong with the value (the same
        sentence Create and the CLI would give); the text stays as typed."""
        row = self._built[path]
        value, syntax = row.field.value(), row.field.problem()
        problems = [syntax] if syntax else check_value(row.field.row, value)[1] if not isinstance(value, Unset) else []
        if problems:
            self._mark(row, problems)
            if not row.field.editor.visibleRegion().isEmpty():  # never pull the view back to a field left behind
                self._reveal(self.message_for(row.field.editor))

    def _on_field_changed(self, path: str) -> None:
        self.build_waiting_rows()  # a change may make a waiting row apply: it shows at once
        row = self._built[path]
        was_marked = bool(row.field.editor.property("invalid"))
        # Under the pointer, the fields below would move up by the message's height, and the click the user is
        # about to make would land on another field: its space stays until the pointer leaves the form.
        self._clear_row(row, hold=self.underMouse())
        self.refresh()
        if was_marked and not any(r.field.editor.property("invalid") for r in self._built.values()):
            self.problems_fixed.emit()
        self.changed.emit()
