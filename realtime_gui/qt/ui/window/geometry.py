"""Size and place: the window's first size fits the screen it opens on, a restored geometry is pulled back onto
the screen it lands on, and scrolling to a widget waits until the layout has settled."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QLayout, QScrollArea, QStackedWidget, QWidget

PREFERRED = QSize(1180, 780)
# Room for the frame the window manager adds (title bar, borders); not known before the window is first shown.
FRAME_ALLOWANCE = QSize(16, 40)


def _screen_for(window: QWidget, point: QPoint | None = None) -> QScreen | None:
    screen = QGuiApplication.screenAt(point) if point is not None else None
    return screen or window.screen() or QGuiApplication.primaryScreen()


def fit_first_size(window: QWidget, preferred: QSize = PREFERRED) -> None:
    """The preferred size, shrunk to the available part of the window's screen, centred on it."""
    screen = _screen_for(window)
    if screen is None:
        window.resize(preferred)
        return
    room = screen.availableGeometry()
    size = preferred.boundedTo(room.size() - FRAME_ALLOWANCE)  # Qt keeps it above the window's minimum
    window.resize(size)
    outer = size + FRAME_ALLOWANCE
    window.move(
        room.left() + max(0, (room.width() - outer.width()) // 2),
        room.top() + max(0, (room.height() - outer.height()) // 2),
    )


def clamp_to_screen(window: QWidget) -> None:
    """Pull a restored geometry back onto the screen it lands on (or the nearest): shrink it to fit, then move it
    so that all of it, title bar included, is on that screen's available area."""
    frame = window.frameGeometry()
    screen = _screen_for(window, frame.center())
    if screen is None:
        return
    room = screen.availableGeometry()
    inner = window.geometry()
    margins = QSize(frame.width() - inner.width(), frame.height() - inner.height()).expandedTo(FRAME_ALLOWANCE)
    size = inner.size().boundedTo(room.size() - margins)
    if size != inner.size():
        window.resize(size)
    outer = QRect(frame.topLeft(), size + margins)
    left = min(max(outer.left(), room.left()), room.right() + 1 - outer.width())
    top = min(max(outer.top(), room.top()), room.bottom() + 1 - outer.height())
    if (left, top) != (outer.left(), outer.top()):
        window.move(max(left, room.left()), max(top, room.top()))


def settle(widget: QWidget) -> None:
    """Run the widget's pending layout now, so that geometries are current."""
    layout: QLayout | None = widget.layout()
    if layout is not None:
        layout.activate()


def scroll_to_after_layout(
    area: QScrollArea, widgets: Callable[[], list[QWidget]], *, then: Callable[[], object] | None = None
) -> None:
    """Scroll `area` so that `widgets()` show, once the layout has settled: a message just shown above the area
    (the banner) or inside it (a line under a field) changes the geometry only when the layout runs, and scrolling
    before that lands the widget out of view."""

    def scroll() -> None:
        targets = widgets()
        settle(area.window())
        # Up to the area's widget, not through the viewport above it: PySide6 has no wrapper for the viewport yet,
        # and making one builds ~40 enums: that one call took 50-105 ms of the first Create on a loaded machine.
        content = area.widget()
        for widget in targets:
            chain: list[QWidget] = []
            holder = widget.parentWidget()
            while holder is not None and holder is not content:
                chain.append(holder)
                holder = holder.parentWidget()
            if holder is not None:
                chain.append(holder)
            for outer in reversed(chain):
                settle(outer)
        for widget in targets:
            area.ensureWidgetVisible(widget, 20, 20)
        if then is not None:
            then()

    QTimer.singleShot(0, area, scroll)


class PageStack(QStackedWidget):
    """A stack as large as its current page alone. Qt's is as large as its largest page, hidden ones included
    (its height for a width too): after switching to a shorter form, the scroll area would scroll on into blank
    space."""

    def _page(self) -> QWidget | None:
        return self.currentWidget()

    def sizeHint(self) -> QSize:
        page = self._page()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self._page()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        page = self._page()
        return page.hasHeightForWidth() if page is not None else False

    def heightForWidth(self, width: int) -> int:
        page = self._page()
        return page.heightForWidth(width) if page is not None else -1


def show_page(area: QScrollArea, page: QWidget) -> None:
    """Show `page` of the PageStack in `area`, and fit the stack to it now."""
    stack = area.widget()
    assert isinstance(stack, PageStack)
    stack.setCurrentWidget(page)
    stack.updateGeometry()
    area.setWidgetResizable(True)  # re-fits the stack to the viewport and the page (it already is resizable)
