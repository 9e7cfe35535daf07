"""Which profile is in use and what is known of its key: the top bar's profile list and key status, this run's
command-line options over the profile shown first, and what a change of profile or key ends in the banner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from realtime_gui.config.profiles import DEFAULT_PROFILE, Profile
from realtime_gui.qt.ui.window import banner as cause

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QComboBox, QLabel, QStatusBar

    from realtime_gui.config.connection_options import ConnectionOptions
    from realtime_gui.qt.settings import Settings
    from realtime_gui.qt.ui.token_side.token_panel import TokenPanel
    from realtime_gui.qt.ui.window.banner import Banner
    from realtime_gui.qt.ui.window.empty_state import EmptyState
    from realtime_gui.qt.workers.controller import Controller, KeySaved, KeyStatus


class CurrentProfile(QObject):
    """Follows the profile list `combo` and shows the key's status in `key_label` (and, on first run, the
    `empty_state`); `profiles` are the profiles as saved (the Key menu's actions change them)."""

    shown = Signal()  # another profile is shown (the window's title names it)

    def __init__(
        self,
        *,
        profiles: list[Profile],
        options: ConnectionOptions,
        combo: QComboBox,
        key_label: QLabel,
        empty_state: EmptyState,
        token_panel: TokenPanel,
        controller: Controller,
        settings: Settings,
        banner: Banner,
        status_bar: QStatusBar,
        unexpected: Callable[[object], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._combo = combo
        self._key_label = key_label
        self._empty_state = empty_state
        self._token_panel = token_panel
        self._controller = controller
        self._settings = settings
        self._banner = banner
        self._status_bar = status_bar
        self._unexpected = unexpected
        self.profiles = {p.name: p for p in profiles}
        # Connection options from the command line: for this run, on the profile shown first, never saved.
        self._options = options
        self._options_profile: str | None = None
        self._key_status: KeyStatus | None = None
        controller.key_status_changed.connect(self._on_controller_key_status_changed)
        controller.key_saved.connect(self._on_controller_key_saved)
        controller.key_failed.connect(self._on_controller_key_failed)

    def start(self, name: str) -> None:
        """Show `name` (the first profile if it is unknown), with this run's options on it, then follow the list."""
        if self._options.given:
            self._options_profile = name
            self._status_bar.showMessage(
                self.tr("Profile “{0}” uses {1} from the command line, for this run only.").format(
                    name, ", ".join(self._options.given)
                )
            )
        self._fill(name)
        self._combo.currentIndexChanged.connect(self._on_profile_combo_changed)

    @property
    def profile(self) -> Profile:
        """The current profile as used: its saved settings, with this run's command-line options over them."""
        saved = self.saved
        if saved.name == self._options_profile:
            return Profile(saved.name, self._options.over(saved.connection))
        return saved

    @property
    def saved(self) -> Profile:
        name = str(self._combo.currentData() or DEFAULT_PROFILE)
        return self.profiles.get(name) or Profile(DEFAULT_PROFILE)

    def select(self, name: str) -> None:
        """Show `name` (the profiles may have changed) and everything that follows from it."""
        self._fill(name)
        self._on_profile_combo_changed(0)

    def _fill(self, selected: str) -> None:
        combo = self._combo
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
        self.shown.emit()

    def _on_profile_combo_changed(self, _index: int) -> None:
        self.shown.emit()
        self._key_label.setText(self.tr("Checking the key…"))
        self._banner.end(cause.AUTH, cause.MINT, cause.FIELD, cause.KEY, cause.PROFILE, cause.RETIRED, cause.UNEXPECTED)
        self.refresh_key_status()
        self._settings.profile_name = self.profile.name

    # -- the key --

    @property
    def key_status(self) -> KeyStatus | None:
        """The current profile's key status, once the controller has told it."""
        return self._key_status

    def refresh_key_status(self) -> None:
        self._controller.refresh_key_status(self.profile.name)

    def _on_controller_key_status_changed(self, status: KeyStatus) -> None:
        profile = self.profile
        if status.profile != profile.name:
            return
        self._key_status = status
        text = status.describe
        if profile.is_demo and status.source == "memory":
            text = self.tr("Demo key for the fake server on this computer")
        elif status.keyring_problem and status.source is None:
            text = status.keyring_problem  # it says itself that there is no keyring, and what to do
        self._key_label.setText(text)
        self._key_label.setToolTip(status.keyring_problem or "")
        # First run: nothing to mint with yet. Offer the two ways on.
        self._empty_state.offer(keyring=status.keyring_problem is None)
        self._empty_state.setVisible(status.hint is None and self._token_panel.current is None)

    def _on_controller_key_saved(self, saved: KeySaved) -> None:
        # Either way the key is ready to use: a success, and what it ends in the banner ends.
        self._banner.end(cause.AUTH, cause.KEY)
        if saved.in_memory_only:
            self._status_bar.showMessage(
                self.tr("Key kept in memory for this run only (no OS keyring here); it was not written anywhere."),
                10000,
            )
        else:
            self._status_bar.showMessage(self.tr("Key stored in the OS keyring."), 5000)

    def _on_controller_key_failed(self, error: object) -> None:
        from realtime_gui.keys.api_key import InvalidKey, KeyringUnavailable  # not at start-up: see controller.py

        if isinstance(error, InvalidKey | KeyringUnavailable | ValueError):
            self._banner.show_message(str(error), cause=cause.KEY)
        else:
            self._unexpected(error)
