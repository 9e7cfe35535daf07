"""Models OpenAI is shutting down, shown where a model is chosen: marked in the list, and a dated note under the
field while one of them is picked."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.api import deprecations
from realtime_gui.api.catalog import DEPRECATIONS_URL
from realtime_gui.qt.ui.form.field_base import Field
from realtime_gui.qt.ui.style.look import WARNING, make_selectable, set_text_color


class _MarkedItems(QStyledItemDelegate):
    """Draws "gpt-realtime  —  shuts down 2027-01-20" in the drop-down list. Only the drawing changes: the item's
    text, which becomes the value when picked, stays the bare model name."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        mark = deprecations.mark(option.text, on=deprecations.today())
        if mark:
            option.text = f"{option.text}  —  {mark}"


class _Note:
    """The dated note under a model field; its label is made the first time a model going away is picked."""

    def __init__(self, field: Field, layout: QVBoxLayout) -> None:
        self.field = field
        self.layout = layout
        self.label: QLabel | None = None

    def update(self) -> None:
        value = self.field.value()
        on = deprecations.today()
        words = deprecations.sentence(value, on=on, link=False) if isinstance(value, str) else ""
        if words and self.label is None:
            self.label = QLabel()
            self.label.setObjectName(f"{self.field.row.path}#deprecation")
            self.label.setWordWrap(True)
            self.label.setToolTip(f"Shutdown dates and replacements: {DEPRECATIONS_URL}")
            set_text_color(self.label, WARNING)
            make_selectable(self.label)
            self.layout.addWidget(self.label)
        if self.label is not None:
            self.label.setText(words)
            self.label.setVisible(bool(words))


def add_model_notes(field: Field) -> Field:
    """For a model field: mark the models going away in its list and show a dated note under it while one is
    chosen (its widget becomes a box holding both). Any other field is returned as it is."""
    combo = field.editor
    if not deprecations.is_model_row(field.row) or not isinstance(combo, QComboBox):
        return field
    combo.setItemDelegate(_MarkedItems(combo))
    view = combo.view()  # wide enough for the marks, which the combo's own width does not count
    view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width())
    # The box takes the row's whole width, so the note wraps there; the combo keeps its own width.
    box = QWidget()
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    line = QHBoxLayout()
    line.addWidget(field.widget)
    line.addStretch(1)
    layout.addLayout(line)
    note = _Note(field, layout)
    field.widget = box
    field.on_change(note.update)  # the connection keeps the note alive as long as the field
    note.update()
    return field
