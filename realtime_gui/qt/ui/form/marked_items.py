"""Model names marked with their shutdown date in a combo box's drop-down list. Its own module, loaded when a model
list first opens (deprecation_notes.py): Qt's item-view classes it subclasses cost start-up ~2 ms (PySide6 builds
their enums when they are first imported)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from realtime_gui.api import deprecations

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex


class MarkedItems(QStyledItemDelegate):
    """Draws "gpt-realtime  —  shuts down 2027-01-20" in the drop-down list. Only the drawing changes: the item's
    text, which becomes the value when picked, stays the bare model name."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        mark = deprecations.mark(option.text, on=deprecations.today())
        if mark:
            option.text = f"{option.text}  —  {mark}"
