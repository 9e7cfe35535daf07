"""Keyboard order: the widgets that take Tab, in the order a person reads them (layout order, row by row), and
the window's Tab chain built from them, so the form's fields come right after the top bar whenever they were made.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from PySide6.QtWidgets import QFormLayout, QLayout, QLayoutItem, QWidget

from realtime_gui.qt.ui.style.qt_values import NO_FOCUS

_FORM_ROLES = (
    QFormLayout.ItemRole.LabelRole,
    QFormLayout.ItemRole.FieldRole,
    QFormLayout.ItemRole.SpanningRole,
)


def takes_tab(widget: QWidget) -> bool:
    # Reading the policy builds PySide6's whole `Qt` namespace the first time (qt_values.py): the window walks its
    # widgets with this in the last step of start-up's background work, or at a Tab that comes sooner.
    from PySide6.QtCore import Qt

    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def no_tab_stop(widget: QWidget) -> None:
    """Take the widget out of the Tab chain (a scroll area: an invisible stop that does nothing). Called while the
    window is built: a number, not the enum (qt_values.py)."""
    widget.setProperty("focusPolicy", NO_FOCUS)


def reading_order(root: QWidget) -> list[QWidget]:
    """The widgets under `root` that take Tab, in layout order; a widget that takes Tab stands for its children
    (a spin box for its line edit, a text edit for its viewport)."""
    found: list[QWidget] = []

    def visit_widget(widget: QWidget) -> None:
        if takes_tab(widget):
            found.append(widget)
            return
        layout = widget.layout()
        if layout is not None:
            visit_layout(layout)

    def visit_layout(layout: QLayout) -> None:
        if isinstance(layout, QFormLayout):
            # Row by row: rows inserted later (a message under a field) still read in place.
            for row in range(layout.rowCount()):
                for role in _FORM_ROLES:
                    item = layout.itemAt(row, role)
                    if item is not None:
                        visit_item(item)
            return
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is not None:
                visit_item(item)

    def visit_item(item: QLayoutItem) -> None:
        widget = item.widget()
        if widget is not None:
            visit_widget(widget)
            return
        inner = item.layout()
        if inner is not None:
            visit_layout(inner)

    visit_widget(root)
    return found


def chain(groups: Iterable[Iterable[QWidget]]) -> None:
    """Make Tab go through the groups' widgets in the order given."""
    widgets = [widget for group in groups for widget in group]
    for before, after in pairwise(widgets):
        QWidget.setTabOrder(before, after)
