"""What dialogs share: a problem shown inside the dialog (in the error tone, on the field it is about, the dialog
grown to fit it), and a confirmation before anything destructive, which never blocks the event loop."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QMessageBox, QWidget

from realtime_gui.qt.ui.style.palette import ERROR, mark_invalid, set_tone


def show_problem(dialog: QDialog, label: QLabel, field: QWidget | None, text: str) -> None:
    """Write `text` in `label` in the error tone, mark `field` (a screen reader reads the text as its
    description), give it the focus, and grow the dialog until the wrapped text fits."""
    set_tone(label, ERROR)
    label.setWordWrap(True)
    label.setText(text)
    label.show()
    if field is not None:
        mark_invalid(field, True)
        field.setAccessibleDescription(text)
        field.setFocus()
    fit_height(dialog)


def clear_problem(label: QLabel, field: QWidget | None) -> None:
    label.hide()
    label.clear()
    if field is not None:
        mark_invalid(field, False)
        field.setAccessibleDescription("")


def fit_height(dialog: QDialog) -> None:
    """Grow the dialog to the height its content needs at its width (a top-level layout does not do it for
    wrapped text, whose height depends on the width)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() else -1
    needed = max(needed, layout.totalSizeHint().height())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


def confirm(
    parent: QWidget,
    *,
    title: str,
    text: str,
    details: str,
    action: str,
    on_confirmed: Callable[[bool], object],
    option: str | None = None,
) -> QMessageBox:
    """Ask before a destructive action; `on_confirmed(option_checked)` runs only if the person confirms.
    Cancel is the default button, so Enter does not destroy anything by accident."""
    box = QMessageBox(parent)
    box.setObjectName("confirm")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    yes.setObjectName("confirmYes")
    no = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    if option is not None:
        check = QCheckBox(option, box)  # parented: PySide6 would otherwise delete it with this variable
        check.setChecked(True)
        box.setCheckBox(check)

    def finished() -> None:
        if box.clickedButton() is yes:
            checked = box.checkBox()
            on_confirmed(checked is not None and checked.isChecked())
        box.deleteLater()

    box.finished.connect(lambda _result: finished())
    box.open()
    return box
