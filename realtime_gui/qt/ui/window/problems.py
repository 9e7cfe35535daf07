"""Problems found before anything is sent (on Create, on Save preset): each beside its field, the count and the first
few in the banner with a way to the first, which is scrolled into view and given the focus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.geometry import scroll_to_after_layout

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from realtime_gui.api.checks import Problem
    from realtime_gui.qt.ui.window.main_window import MainWindow

SHOWN_IN_BANNER = 6  # the rest are beside their fields; the banner says there are more


def show_problems(window: MainWindow, problems: list[Problem], *, lead: str = "") -> None:
    """Mark `problems` in the shown form and list them in the banner after `lead` (default: nothing was sent)."""
    first = window.form.show_problems(problems)
    count = len(problems)
    lines = "\n".join(f"• {p.sentence()}" for p in problems[:SHOWN_IN_BANNER])
    if count > SHOWN_IN_BANNER:
        lines += "\n…"
    go = (
        None
        if first is None
        else ("goToProblem", window.tr("&Go to the problem"), lambda: go_to_problem(window, first))
    )
    window.show_error(
        window.tr("{0}: {1} to fix.\n{2}").format(
            lead or window.tr("Nothing was sent"),
            window.tr("1 value") if count == 1 else window.tr("{0} values").format(count),
            lines,
        ),
        cause=cause.FORM,
        action=go,
    )
    if first is not None:
        go_to_problem(window, first)


def go_to_problem(window: MainWindow, editor: QWidget) -> None:
    """Scroll to the field and its message, once the banner and the message have taken their place."""

    def targets() -> list[QWidget]:
        message = window.form.message_for(editor)
        return [editor] if message is None else [message, editor]

    scroll_to_after_layout(window.form_scroll, targets, then=editor.setFocus)
