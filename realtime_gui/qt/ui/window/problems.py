"""Problems found before anything is sent (on Create, on Save preset): each beside its field, the count and the first
few in the banner with a way to the first, which is scrolled into view and given the focus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.geometry import scroll_to_after_layout

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea, QWidget

    from realtime_gui.api.checks import Problem
    from realtime_gui.qt.ui.form.form import ParameterForm
    from realtime_gui.qt.ui.window.banner import Banner

SHOWN_IN_BANNER = 6  # the rest are beside their fields; the banner says there are more


def show_problems(
    problems: list[Problem], *, form: ParameterForm, banner: Banner, scroll: QScrollArea, lead: str = ""
) -> None:
    """Mark `problems` in `form` (shown in `scroll`) and list them in `banner` after `lead` (default: nothing was
    sent)."""
    first = form.show_problems(problems)
    count = len(problems)
    lines = "\n".join(f"• {p.sentence()}" for p in problems[:SHOWN_IN_BANNER])
    if count > SHOWN_IN_BANNER:
        lines += "\n…"
    go = (
        None
        if first is None
        else ("goToProblem", form.tr("&Go to the problem"), lambda: go_to_problem(first, form=form, scroll=scroll))
    )
    banner.show_message(
        form.tr("{0}: {1} to fix.\n{2}").format(
            lead or form.tr("Nothing was sent"),
            form.tr("1 value") if count == 1 else form.tr("{0} values").format(count),
            lines,
        ),
        cause=cause.FORM,
        action=go,
    )
    if first is not None:
        go_to_problem(first, form=form, scroll=scroll)


def go_to_problem(editor: QWidget, *, form: ParameterForm, scroll: QScrollArea) -> None:
    """Scroll to the field and its message, once the banner and the message have taken their place."""

    def targets() -> list[QWidget]:
        message = form.message_for(editor)
        return [editor] if message is None else [message, editor]

    scroll_to_after_layout(scroll, targets, then=editor.setFocus)
