"""Models and parameters OpenAI is shutting down, shown where they are chosen: models marked in their list, and a
dated note under the field, linked to where OpenAI explains it, while one going away is picked or set."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.api import deprecations
from realtime_gui.api.catalog import DEPRECATIONS_URL, Unset
from realtime_gui.qt.ui.form.field_base import Field, FieldValue
from realtime_gui.qt.ui.form.wheel import ComboBox
from realtime_gui.qt.ui.style.look import WARNING, set_text_color
from realtime_gui.qt.ui.style.qt_values import RICH_TEXT, TEXT_BROWSER

# The note's words for a field's value, or "" for nothing to say.
_Words = Callable[[FieldValue], str]


class _Note:
    """The dated note under a field; its label is made the first time there is something to say."""

    def __init__(self, field: Field, layout: QVBoxLayout, *, words: _Words, url: str) -> None:
        self.field = field
        self.layout = layout
        self.words = words
        self.url = url
        self.label: QLabel | None = None

    def update(self) -> None:
        words = self.words(self.field.value())
        if words and self.label is None:
            self.label = QLabel()
            self.label.setObjectName(f"{self.field.row.path}#deprecation")
            self.label.setWordWrap(True)
            self.label.setToolTip(f"Shutdown dates and what to use instead: {self.url}")
            # Rich text for the link only: the words are the catalog's own, and escaped all the same.
            self.label.setProperty("textFormat", RICH_TEXT)
            self.label.setProperty("textInteractionFlags", TEXT_BROWSER)
            self.label.setOpenExternalLinks(True)
            set_text_color(self.label, WARNING)
            self.layout.addWidget(self.label)
        if self.label is not None:
            import html  # here, where a note shows: at import, its entity table cost start-up ~1.8 ms

            link = f' <a href="{html.escape(self.url)}">Details</a>' if words else ""
            self.label.setText(html.escape(words, quote=False) + link)
            self.label.setVisible(bool(words))


def _model_words(value: FieldValue) -> str:
    return deprecations.sentence(value, on=deprecations.today(), link=False) if isinstance(value, str) else ""


def _parameter_words(path: str) -> _Words:
    def words(value: FieldValue) -> str:
        if isinstance(value, Unset) or value is None:  # not sent, or switched off: nothing for the API to refuse
            return ""
        return deprecations.parameter_sentence(path, on=deprecations.today(), link=False)

    return words


def add_deprecation_notes(field: Field) -> Field:
    """For a model field: mark the models going away in its list, and note under it while one is chosen. For a
    parameter OpenAI is shutting down: note under it while it is set. Either way its widget becomes a box holding
    the field and the note. Any other field is returned as it is."""
    combo = field.editor
    found = deprecations.parameter_deprecation(field.row.path)
    if found is not None:
        return _with_note(field, words=_parameter_words(field.row.path), url=found.url)
    if not deprecations.is_model_row(field.row) or not isinstance(combo, ComboBox):
        return field
    # Marked when the list first opens: making the list's view at start-up cost ~2 ms a model field.
    combo.popup_opening.connect(partial(_mark_models, combo))
    return _with_note(field, words=_model_words, url=DEPRECATIONS_URL)


def _mark_models(combo: QComboBox) -> None:
    from realtime_gui.qt.ui.form.marked_items import MarkedItems

    if isinstance(combo.itemDelegate(), MarkedItems):
        return  # marked at an earlier opening
    combo.setItemDelegate(MarkedItems(combo))
    view = combo.view()  # wide enough for the marks, which the combo's own width does not count
    view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width())


def _with_note(field: Field, *, words: _Words, url: str) -> Field:
    # The box takes the row's whole width, so the note wraps there; the field keeps its own width.
    box = QWidget()
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    line = QHBoxLayout()
    line.addWidget(field.widget)
    line.addStretch(1)
    layout.addLayout(line)
    note = _Note(field, layout, words=words, url=url)
    field.widget = box
    field.on_change(note.update)  # the connection keeps the note alive as long as the field
    note.update()
    return field
