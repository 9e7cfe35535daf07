"""Asks for an API key (masked) and hands it to the controller; the dialog forgets it once it is handed over.
Text that cannot be a key keeps the dialog open with the reason, and what was typed stays for correcting."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from realtime_gui.keys.api_key import InvalidKey, check_key_text
from realtime_gui.qt.ui.dialogs.common import clear_problem, show_problem


class KeyDialog(QDialog):
    def __init__(
        self, profile: str, *, status: str, keyring_problem: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("API key for profile “{0}”").format(profile))
        self.setObjectName("keyDialog")
        if keyring_problem:
            # Saving then keeps the key in memory (controller.store_key falls back): the intro must not promise
            # the keyring.
            said = self.tr(
                "Paste your OpenAI API key. The operating system's keyring cannot be used (see below), so the key "
                "is kept in memory for this run only; it is never written to a file."
            )
        else:
            said = self.tr(
                "Paste your OpenAI API key. It is stored in the operating system's keyring "
                "(service “realtime-gui”, user “{0}”) and never written to a file."
            ).format(profile)
        intro = QLabel(said)
        intro.setObjectName("keyIntro")
        intro.setWordWrap(True)
        self.status = QLabel(status or self.tr("No key is stored for this profile yet."))
        self.status.setObjectName("keyStatus")
        self.status.setWordWrap(True)
        self.edit = QLineEdit()
        self.edit.setObjectName("keyEntry")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("sk-…")
        self.edit.setAccessibleName(self.tr("API key"))
        self.problem = QLabel(keyring_problem or "")
        self.problem.setObjectName("keyringProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(keyring_problem))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.error = QLabel()
        self.error.setObjectName("keyError")
        self.error.hide()
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.status, self.edit, self.error, self.problem, buttons):
            layout.addWidget(widget)
        self.resize(480, self.sizeHint().height())

    def _on_edit_text_changed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()))
        if self.error.isVisible():
            clear_problem(self.error, self.edit)

    def _on_buttons_accepted(self) -> None:
        try:
            check_key_text(self.edit.text())
        except InvalidKey as err:
            show_problem(self, self.error, self.edit, str(err) + " " + self.tr("Paste the key alone."))
            return
        self.accept()

    def take_key(self) -> str:
        """The typed key, once; the entry is cleared so no widget keeps it."""
        key = self.edit.text()
        self.edit.clear()
        return key
