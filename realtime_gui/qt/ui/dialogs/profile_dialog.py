"""Edits one profile's non-secret settings: base URL, auth style (bearer, or api-key for Azure), organization,
project and timeout. The name, URL and timeout are checked before the dialog closes; a problem shows in the dialog,
on its field, and what was typed stays as typed. The form's rules hold here too: the wheel changes Auth or the
timeout only while it has the focus, and a timeout out of range is said, never corrected."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from realtime_gui.config.connection import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT_S,
    TIMEOUT_RANGE_S,
    Connection,
    check_base_url,
    timeout_problem,
)
from realtime_gui.config.profiles import Profile, check_profile
from realtime_gui.errors import ConfigError
from realtime_gui.qt.ui.dialogs.common import clear_problem, show_problem
from realtime_gui.qt.ui.form.number_box import NumberBox
from realtime_gui.qt.ui.form.wheel import ComboBox


class ProfileDialog(QDialog):
    def __init__(self, profile: Profile | None, *, taken: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileDialog")
        self.setWindowTitle(self.tr("Edit profile") if profile else self.tr("New profile"))
        self._taken = taken
        self._marked: QWidget | None = None
        c = profile.connection if profile else Connection()
        self._editing = profile is not None
        # An existing profile's name is its key in the keyring: shown as text, not as a field that looks editable.
        self.name: QLineEdit | QLabel = QLabel(profile.name) if profile is not None else QLineEdit()
        self.name.setObjectName("profileName")
        self.name.setAccessibleName(self.tr("Name"))
        self.base_url = QLineEdit(c.base_url)
        self.base_url.setObjectName("profileBaseUrl")
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.auth = ComboBox()
        self.auth.setObjectName("profileAuth")
        self.auth.addItem(self.tr("Authorization: Bearer (OpenAI)"), "bearer")
        self.auth.addItem(self.tr("api-key header (Azure OpenAI)"), "api-key")
        self.auth.setCurrentIndex(0 if c.auth == "bearer" else 1)
        self.organization = QLineEdit(c.organization)
        self.organization.setPlaceholderText(self.tr("optional: org-…"))
        self.project = QLineEdit(c.project)
        self.project.setPlaceholderText(self.tr("optional: proj_…"))
        low, high = TIMEOUT_RANGE_S
        self.timeout = NumberBox(start=DEFAULT_TIMEOUT_S, low=low, high=high, step=1.0, integer=False)
        self.timeout.setObjectName("profileTimeout")
        self.timeout.set_text(f"{c.timeout:g}")
        self.timeout.setToolTip(self.tr("Seconds, {0:g} to {1:g}").format(low, high))
        self.error = QLabel()
        self.error.setObjectName("profileError")
        self.error.setWordWrap(True)
        self.error.hide()
        for edit in (self.base_url, self.name, self.timeout.edit):
            if isinstance(edit, QLineEdit):
                edit.textChanged.connect(self._on_field_text_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Name") if not self._editing else self.tr("Name"), self.name)
        form.addRow(self.tr("&Base URL"), self.base_url)
        form.addRow(self.tr("&Auth"), self.auth)
        form.addRow(self.tr("&Organization"), self.organization)
        form.addRow(self.tr("&Project"), self.project)
        form.addRow(self.tr("&Timeout (s)"), self.timeout)
        for widget, name in (
            (self.base_url, self.tr("Base URL")),
            (self.auth, self.tr("Auth")),
            (self.organization, self.tr("Organization")),
            (self.project, self.tr("Project")),
            (self.timeout, self.tr("Timeout")),
        ):
            widget.setAccessibleName(name)
        form.addRow(self.error)
        form.addRow(buttons)
        self.resize(520, self.sizeHint().height())
        (self.base_url if self._editing else self.name).setFocus()

    def profile(self) -> Profile:
        """The profile as entered; only after the dialog was accepted (its values were checked)."""
        return Profile(
            self.name.text().strip(),
            Connection(
                base_url=self.base_url.text().strip() or DEFAULT_BASE_URL,
                auth="api-key" if self.auth.currentData() == "api-key" else "bearer",
                organization=self.organization.text().strip(),
                project=self.project.text().strip(),
                timeout=float(self.timeout.text()),
            ),
        )

    def _on_ok(self) -> None:
        field: QWidget = self.name
        try:
            name = check_profile(self.name.text())
            if not self._editing and name in self._taken:
                raise ValueError(self.tr("A profile named “{0}” exists already.").format(name))
            field = self.base_url
            check_base_url(self.base_url.text().strip() or DEFAULT_BASE_URL)
            field = self.timeout
            problem = timeout_problem(self.timeout.text().strip())
            if problem is not None:
                # The sentence `--timeout` gives, with the field's name: the text stays as typed.
                raise ValueError(self.tr("Timeout {0}.").format(problem))
        except (ValueError, ConfigError) as err:
            self._marked = field
            show_problem(self, self.error, field, str(err))
            return
        self.accept()

    def _on_field_text_changed(self, _text: str) -> None:
        if self.error.isVisible():
            clear_problem(self.error, self._marked)
