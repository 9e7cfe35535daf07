"""A note under an open list's field (a model, a voice) when the name typed is in no list: the closest names ("did
you mean …?"), and that the name is still sent as typed (the API takes names beyond our lists). Said once the typing
is done, not at every key."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from realtime_gui.api.catalog import Unset
from realtime_gui.api.known_names import unknown_name_note
from realtime_gui.qt.ui.form.field_base import Field
from realtime_gui.qt.ui.style.look import WARNING, make_selectable, set_text_color


class _Hint:
    """The note's label is made the first time a name no list knows is given."""

    def __init__(self, field: Field, layout: QVBoxLayout) -> None:
        self.field = field
        self.layout = layout
        self.label: QLabel | None = None

    def on_change(self) -> None:
        # While the user types, a note already shown follows the text (it goes once the name is known); a value
        # set by the window (settings, a preset, another endpoint's) is judged at once.
        if not self.field.editor.hasFocus() or (self.label is not None and not self.label.isHidden()):
            self.update()

    def update(self) -> None:
        value = self.field.value()
        words = None if isinstance(value, Unset) else unknown_name_note(self.field.row, value)
        if words and self.label is None:
            self.label = QLabel()
            self.label.setObjectName(f"{self.field.row.path}#unknownName")
            self.label.setWordWrap(True)
            set_text_color(self.label, WARNING)
            make_selectable(self.label)
            self.layout.addWidget(self.label)
        if self.label is not None:
            self.label.setText(words or "")
            self.label.setVisible(bool(words))


def add_name_hint(field: Field) -> Field:
    """For a field whose list is open (a model, a voice): a note under it while the name is in no list (its widget
    becomes a box holding both). Any other field is returned as it is."""
    if not (field.row.open and isinstance(field.editor, QComboBox)):
        return field
    box = QWidget()
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field.widget)
    hint = _Hint(field, layout)
    field.widget = box
    field.on_change(hint.on_change)  # the connections keep the hint alive as long as the field
    field.on_edited(hint.update)
    hint.update()
    return field
