"""A row of a field and the buttons that act on it, which wraps the buttons under the field when they do not fit.

The token side is narrow on a small screen (683 px wide at 2x scale on 1366 x 768): a plain row squeezes the field to
a few dots and pushes the last button out of view. Here the field keeps at least its minimum width beside the
buttons, or the buttons go on the line(s) under it; a button is never narrower than its size hint, so its text is
never clipped. The row's height follows its width (height-for-width), as a word-wrapped label's does.

Nothing here names PySide6's `Qt` namespace (see look.py): the row is built and laid out at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, QSize
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

_FALLBACK_GAP = 6


class WrapRow(QLayout):
    """`lead` (the field) takes the width the buttons leave; the buttons follow it in the order given."""

    def __init__(self, lead: QWidget, *buttons: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        # Qt asks for the height at a width many times per layout pass (~90 times while the window opens): the
        # answer holds until the layout is invalidated (a button's text or a widget's visibility changed).
        self._heights: dict[int, int] = {}
        self.setContentsMargins(QMargins(0, 0, 0, 0))
        for widget in (lead, *buttons):
            self.addWidget(widget)

    # -- QLayout's item list --

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # -- sizes --

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), apply=False)
        return height

    def invalidate(self) -> None:
        self._heights.clear()
        super().invalidate()

    def sizeHint(self) -> QSize:
        """The field at its minimum width above the buttons on one line: the row asks for no more room than that,
        so that it never widens its panel (the field grows into the width the window gives the panel, and the
        buttons come up beside it when they fit)."""
        lead, buttons = self._parts()
        width = sum(item.sizeHint().width() for item in buttons) + self._gap() * max(0, len(buttons) - 1)
        if lead is not None:
            width = max(width, lead.minimumSize().width())
        return QSize(width, self.heightForWidth(width) - self._margins().height()) + self._margins()

    def minimumSize(self) -> QSize:
        """As narrow as the field's minimum or the widest button: the buttons then sit under the field."""
        lead, buttons = self._parts()
        widths = [item.sizeHint().width() for item in buttons]
        if lead is not None:
            widths.append(lead.minimumSize().width())
        height = max((item.sizeHint().height() for item in buttons), default=0)
        if lead is not None:
            height = max(height, lead.minimumSize().height())
        return QSize(max(widths, default=0), height) + self._margins()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # -- layout --

    def fits_on_one_line(self, width: int) -> bool:
        """Whether the field keeps its minimum width beside every button at `width`."""
        lead, buttons = self._parts()
        needed = sum(item.sizeHint().width() + self._gap() for item in buttons)
        needed += lead.minimumSize().width() if lead is not None else -self._gap()
        return needed <= width - self._margins().width()

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items inside `rect` (only if `apply`); returns the height they take."""
        lead, buttons = self._parts()
        margins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        gap = self._gap()
        x, y = area.x(), area.y()
        if lead is not None and self.fits_on_one_line(rect.width()):
            beside = sum(item.sizeHint().width() + gap for item in buttons)
            one = [(lead, area.width() - beside), *((item, item.sizeHint().width()) for item in buttons)]
            return self._line(one, x, y, apply=apply) + margins.top() + margins.bottom()
        top = y
        if lead is not None:
            y += self._line([(lead, area.width())], x, y, apply=apply) + gap
        line: list[tuple[QLayoutItem, int]] = []
        used = 0
        for item in buttons:
            width = item.sizeHint().width()
            if line and used + gap + width > area.width():
                y += self._line(line, x, y, apply=apply) + gap
                line, used = [], 0
            used += (gap if line else 0) + width
            line.append((item, width))
        if line:
            y += self._line(line, x, y, apply=apply) + gap
        return max(0, y - gap - top) + margins.top() + margins.bottom()

    def _line(self, line: list[tuple[QLayoutItem, int]], x: int, y: int, *, apply: bool) -> int:
        """Lay out one line from (x, y), each item at the width given, centred in the line's height."""
        height = max(item.sizeHint().height() for item, _ in line)
        if apply:
            gap = self._gap()
            for item, width in line:
                own = min(height, item.sizeHint().height())
                item.setGeometry(QRect(x, y + (height - own) // 2, width, own))
                x += width + gap
        return height

    def _parts(self) -> tuple[QLayoutItem | None, list[QLayoutItem]]:
        """The field and the buttons now shown (a hidden widget takes no room)."""
        if not self._items:
            return None, []
        lead, *buttons = self._items
        return (None if lead.isEmpty() else lead), [item for item in buttons if not item.isEmpty()]

    def _gap(self) -> int:
        spacing = self.spacing()
        return spacing if spacing >= 0 else _FALLBACK_GAP

    def _margins(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())
