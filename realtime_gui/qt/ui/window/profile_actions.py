"""The Key menu's actions on the window: store a key, remove it (after asking), add, edit and delete profiles
(deleting asks too, and offers to remove the profile's key with it, so none is left orphaned in the keyring)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from realtime_gui.config.profiles import DEFAULT_PROFILE
from realtime_gui.qt.ui.dialogs.common import confirm
from realtime_gui.qt.ui.dialogs.key_dialog import KeyDialog
from realtime_gui.qt.ui.dialogs.profile_dialog import ProfileDialog
from realtime_gui.qt.ui.window import banner as cause

if TYPE_CHECKING:
    from realtime_gui.qt.ui.window.main_window import MainWindow


def open_key_dialog(window: MainWindow) -> KeyDialog:
    status = window.key_status
    # Inside the dialog, the window's "No API key: choose Key… to add one" would point at the dialog itself.
    said = status.describe if status is not None and status.hint is not None else ""
    problem = status.keyring_problem if status is not None else None
    name = window.profile.name
    dialog = KeyDialog(name, status=said, keyring_problem=problem, parent=window)
    dialog.accepted.connect(lambda: window.controller.store_key(name, dialog.take_key()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def remove_key(window: MainWindow) -> QMessageBox:
    name = window.profile.name
    status = window.key_status
    details = window.tr("Minting with this profile then needs the key again (Key > Set API key…).")
    if status is not None and status.source == "environment":
        details += " " + window.tr("OPENAI_API_KEY is set and is used either way.")

    def remove(_checked: bool) -> None:
        window.controller.delete_key(name)
        window.statusBar().showMessage(window.tr("Removing the stored key of “{0}”…").format(name), 3000)

    return confirm(
        window,
        title=window.tr("Remove stored key"),
        text=window.tr("Remove the API key of the profile “{0}” from the OS keyring?").format(name),
        details=details,
        action=window.tr("&Remove key"),
        on_confirmed=remove,
    )


def edit_profile(window: MainWindow, *, new: bool) -> ProfileDialog:
    dialog = ProfileDialog(None if new else window.saved_profile, taken=set(window.profiles), parent=window)

    def accepted() -> None:
        profile = dialog.profile()
        window.profiles[profile.name] = profile
        window.settings.set_profiles(list(window.profiles.values()))
        window.select_profile(profile.name)

    dialog.accepted.connect(accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def delete_profile(window: MainWindow) -> QMessageBox | None:
    """Ask, then forget the current profile's settings and, if the person keeps the box checked, its key."""
    name = window.profile.name
    if name == DEFAULT_PROFILE or window.profile.is_demo:
        window.show_error(window.tr("The “{0}” profile cannot be deleted.").format(name), cause=cause.PROFILE)
        return None

    def delete(remove_key: bool) -> None:
        window.profiles.pop(name, None)
        window.settings.set_profiles(list(window.profiles.values()))
        window.select_profile(DEFAULT_PROFILE)
        if remove_key:
            window.controller.delete_key(name)
            said = window.tr("Deleted the profile “{0}” and removed its key from the OS keyring.")
        else:
            said = window.tr(
                "Deleted the profile “{0}”. Its key, if one was stored, is still in the OS keyring: "
                "`realtime-gui key delete --profile {0}` removes it."
            )
        window.statusBar().showMessage(said.format(name), 10000)

    return confirm(
        window,
        title=window.tr("Delete profile"),
        text=window.tr("Delete the profile “{0}”?").format(name),
        details=window.tr("Its base URL, auth style, organization, project and timeout are forgotten."),
        action=window.tr("&Delete profile"),
        option=window.tr("Also remove its API key from the OS keyring"),
        on_confirmed=delete,
    )
