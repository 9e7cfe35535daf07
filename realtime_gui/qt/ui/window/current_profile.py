"""Which profile is in use and what is known of its key: the top bar's profile list and key status, this run's
command-line options over the profile shown first, and what a change of profile or key ends in the banner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from realtime_gui.config.profiles import DEFAULT_PROFILE, Profile
from realtime_gui.keys.api_key import InvalidKey, KeyringUnavailable
from realtime_gui.qt.ui.window import banner as cause

if TYPE_CHECKING:
    from realtime_gui.config.connection_options import ConnectionOptions
    from realtime_gui.qt.ui.window.main_window import MainWindow
    from realtime_gui.qt.workers.controller import KeySaved, KeyStatus


class CurrentProfile(QObject):
    """Follows `window.profile_combo`; `profiles` are the profiles as saved (the Key menu's actions change them)."""

    def __init__(self, window: MainWindow, *, profiles: list[Profile], options: ConnectionOptions) -> None:
        super().__init__(window)
        self._window = window
        self.profiles = {p.name: p for p in profiles}
        # Connection options from the command line: for this run, on the profile shown first, never saved.
        self._options = options
        self._options_profile: str | None = None
        self._key_status: KeyStatus | None = None
        controller = window.controller
        controller.key_status_changed.connect(self._on_controller_key_status_changed)
        controller.key_saved.connect(self._on_controller_key_saved)
        controller.key_failed.connect(self._on_controller_key_failed)

    def start(self, name: str) -> None:
        """Show `name` (the first profile if it is unknown), with this run's options on it, then follow the list."""
        if self._options.given:
            self._options_profile = name
            self._window.statusBar().showMessage(
                self.tr("Profile “{0}” uses {1} from the command line, for this run only.").format(
                    name, ", ".join(self._options.given)
                )
            )
        self._fill(name)
        self._window.profile_combo.currentIndexChanged.connect(self._on_profile_combo_changed)

    @property
    def profile(self) -> Profile:
        """The current profile as used: its saved settings, with this run's command-line options over them."""
        saved = self.saved
        if saved.name == self._options_profile:
            return Profile(saved.name, self._options.over(saved.connection))
        return saved

    @property
    def saved(self) -> Profile:
        name = str(self._window.profile_combo.currentData() or DEFAULT_PROFILE)
        return self.profiles.get(name) or Profile(DEFAULT_PROFILE)

    def select(self, name: str) -> None:
        """Show `name` (the profiles may have changed) and everything that follows from it."""
        self._fill(name)
        self._on_profile_combo_changed(0)

    def _fill(self, selected: str) -> None:
        combo = self._window.profile_combo
        combo.blockSignals(True)
        combo.clear()
        for name in self.profiles:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(selected)))
        combo.blockSignals(False)
        tip = self.tr("Sends to {0}").format(self.profile.connection.base_url)
        if self.profile.name == self._options_profile:
            tip += "\n" + self.tr("From the command line, for this run: {0}").format(", ".join(self._options.given))
        combo.setToolTip(tip)
        self._title()

    def _title(self) -> None:
        """The window's title names the profile in use (none for the default one)."""
        profile = self.profile
        if profile.is_demo:
            from realtime_gui.qt.demo import TITLE

            self._window.set_title_note(TITLE)
        else:
            self._window.set_title_note("" if profile.name == DEFAULT_PROFILE else profile.name)

    def _on_profile_combo_changed(self, _index: int) -> None:
        window = self._window
        self._title()
        window.key_label.setText(self.tr("Checking the key…"))
        window.error_banner.end(
            cause.AUTH, cause.MINT, cause.FIELD, cause.KEY, cause.PROFILE, cause.RETIRED, cause.UNEXPECTED
        )
        self.refresh_key_status()
        window.settings.profile_name = self.profile.name

    # -- the key --

    @property
    def key_status(self) -> KeyStatus | None:
        """The current profile's key status, once the controller has told it."""
        return self._key_status

    def refresh_key_status(self) -> None:
        self._window.controller.refresh_key_status(self.profile.name)

    def _on_controller_key_status_changed(self, status: KeyStatus) -> None:
        profile, window = self.profile, self._window
        if status.profile != profile.name:
            return
        self._key_status = status
        text = status.describe
        if profile.is_demo and status.source == "memory":
            text = self.tr("Demo key for the fake server on this computer")
        elif status.keyring_problem and status.source is None:
            text = status.keyring_problem  # it says itself that there is no keyring, and what to do
        window.key_label.setText(text)
        window.key_label.setToolTip(status.keyring_problem or "")
        # First run: nothing to mint with yet. Offer the two ways on.
        window.empty_state.offer(keyring=status.keyring_problem is None)
        window.empty_state.setVisible(status.hint is None and window.token_panel.current is None)

    def _on_controller_key_saved(self, saved: KeySaved) -> None:
        # Either way the key is ready to use: a success, and what it ends in the banner ends.
        self._window.error_banner.end(cause.AUTH, cause.KEY)
        if saved.in_memory_only:
            self._window.statusBar().showMessage(
                self.tr("Key kept in memory for this run only (no OS keyring here); it was not written anywhere."),
                10000,
            )
        else:
            self._window.statusBar().showMessage(self.tr("Key stored in the OS keyring."), 5000)

    def _on_controller_key_failed(self, error: object) -> None:
        if isinstance(error, InvalidKey | KeyringUnavailable | ValueError):
            self._window.show_error(str(error), cause=cause.KEY)
        else:
            self._window.unexpected(error)
