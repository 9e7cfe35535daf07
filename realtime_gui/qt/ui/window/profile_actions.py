"""The Key menu's actions on the window: store a key, remove it (after asking), add, edit and delete profiles
(deleting asks too, and offers to remove the profile's key with it, so none is left orphaned in the keyring)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from realtime_gui.config.profiles import DEFAULT_PROFILE
from realtime_gui.qt.ui.window import banner as cause

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

    from realtime_gui.qt.settings import Settings
    from realtime_gui.qt.ui.dialogs.key_dialog import KeyDialog
    from realtime_gui.qt.ui.dialogs.profile_dialog import ProfileDialog
    from realtime_gui.qt.ui.window.banner import Banner
    from realtime_gui.qt.ui.window.current_profile import CurrentProfile
    from realtime_gui.qt.workers.controller import Controller

# Each dialog (and QMessageBox) is imported when one first opens: the window appears ~4 ms sooner without them.


class ProfileActions(QObject):
    """The Key menu's actions on the `current` profile and its key; dialogs open over `parent`."""

    def __init__(
        self,
        *,
        current: CurrentProfile,
        controller: Controller,
        settings: Settings,
        banner: Banner,
        status_bar: QStatusBar,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._controller = controller
        self._settings = settings
        self._banner = banner
        self._status_bar = status_bar
        self._parent = parent

    def open_key_dialog(self) -> KeyDialog:
        from realtime_gui.qt.ui.dialogs.key_dialog import KeyDialog

        current, controller = self._current, self._controller
        status = current.key_status
        # Inside the dialog, the window's "No API key: choose Key… to add one" would point at the dialog itself.
        said = status.describe if status is not None and status.hint is not None else ""
        problem = status.keyring_problem if status is not None else None
        name = current.profile.name
        dialog = KeyDialog(name, status=said, keyring_problem=problem, parent=self._parent)
        dialog.accepted.connect(lambda: controller.store_key(name, dialog.take_key()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def remove_key(self) -> QMessageBox:
        from realtime_gui.qt.ui.dialogs.common import confirm

        name = self._current.profile.name
        status = self._current.key_status
        details = self.tr("Minting with this profile then needs the key again (Key > Set API key…).")
        if status is not None and status.source == "environment":
            details += " " + self.tr("OPENAI_API_KEY is set and is used either way.")

        def remove(_checked: bool) -> None:
            self._controller.delete_key(name)
            self._status_bar.showMessage(self.tr("Removing the stored key of “{0}”…").format(name), 3000)

        return confirm(
            self._parent,
            title=self.tr("Remove stored key"),
            text=self.tr("Remove the API key of the profile “{0}” from the OS keyring?").format(name),
            details=details,
            action=self.tr("&Remove key"),
            on_confirmed=remove,
        )

    def edit_profile(self, *, new: bool) -> ProfileDialog:
        from realtime_gui.qt.ui.dialogs.profile_dialog import ProfileDialog

        current = self._current
        dialog = ProfileDialog(None if new else current.saved, taken=set(current.profiles), parent=self._parent)

        def accepted() -> None:
            profile = dialog.profile()
            current.profiles[profile.name] = profile
            self._settings.set_profiles(list(current.profiles.values()))
            current.select(profile.name)

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def delete_profile(self) -> QMessageBox | None:
        """Ask, then forget the current profile's settings and, if the person keeps the box checked, its key."""
        from realtime_gui.qt.ui.dialogs.common import confirm

        current = self._current
        name = current.profile.name
        if name == DEFAULT_PROFILE or current.profile.is_demo:
            self._banner.show_message(self.tr("The “{0}” profile cannot be deleted.").format(name), cause=cause.PROFILE)
            return None

        def delete(remove_key: bool) -> None:
            current.profiles.pop(name, None)
            self._settings.set_profiles(list(current.profiles.values()))
            current.select(DEFAULT_PROFILE)
            if remove_key:
                self._controller.delete_key(name)
                said = self.tr("Deleted the profile “{0}” and removed its key from the OS keyring.")
            else:
                said = self.tr(
                    "Deleted the profile “{0}”. Its key, if one was stored, is still in the OS keyring: "
                    "`realtime-gui key delete --profile {0}` removes it."
                )
            self._status_bar.showMessage(said.format(name), 10000)

        return confirm(
            self._parent,
            title=self.tr("Delete profile"),
            text=self.tr("Delete the profile “{0}”?").format(name),
            details=self.tr("Its base URL, auth style, organization, project and timeout are forgotten."),
            action=self.tr("&Delete profile"),
            option=self.tr("Also remove its API key from the OS keyring"),
            on_confirmed=delete,
        )
