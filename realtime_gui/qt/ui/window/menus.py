"""The window's menus: every menu and action has an access key (Alt+letter), and every shortcut is an action's,
so the menu shows it where it applies (Edit > Cancel shows Esc)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from realtime_gui.qt.ui.window.main_window import MainWindow


class Menus:
    """Builds the menu bar of `window`."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        tr = window.tr
        bar = window.menuBar()
        file = bar.addMenu(tr("&File"))
        edit = bar.addMenu(tr("&Edit"))
        key = bar.addMenu(tr("&Key"))
        settings = bar.addMenu(tr("&Settings"))
        about = bar.addMenu(tr("&Help"))
        self.actions: dict[str, QAction] = {}
        add = self._add
        add(file, "open_preset", tr("&Open preset…"), window.open_preset, "Ctrl+O")
        add(file, "save_preset", tr("&Save preset…"), window.save_preset, "Ctrl+S")
        file.addSeparator()
        add(file, "serve", tr("Ser&ve to local apps"), None, "Ctrl+Shift+L")  # checkable: serve_toggle.py
        file.addSeparator()
        add(file, "quit", tr("&Quit"), window.close, "Ctrl+Q")
        # Reset, Switch to GA and Open preset replace many values at once; a text field's own Ctrl+Z comes first.
        add(edit, "undo", tr("&Undo"), window.undo, "Ctrl+Z").setEnabled(False)
        edit.addSeparator()
        # Ctrl+Enter is Enter on the numeric keypad; the menu shows the first.
        add(edit, "mint", tr("&Create token"), window.mint, "Ctrl+Return", "Ctrl+Enter")
        add(edit, "cancel", tr("C&ancel"), window.cancel, "Esc")
        add(edit, "copy_token", tr("Copy &token"), window.token_panel.copy_token, "Ctrl+Shift+C")
        add(edit, "copy_curl", tr("Copy as cur&l"), window.token_panel.copy_as_curl)
        edit.addSeparator()
        add(edit, "reset", tr("&Reset to defaults"), window.reset_form)
        add(key, "set_key", tr("Set API &key…"), window.open_key_dialog, "Ctrl+K")
        add(key, "remove_key", tr("&Remove stored key…"), window.remove_key)
        key.addSeparator()
        add(key, "new_profile", tr("&New profile…"), lambda: window.edit_profile(new=True))
        add(key, "edit_profile", tr("&Edit profile…"), lambda: window.edit_profile(new=False))
        add(key, "delete_profile", tr("&Delete profile…"), window.delete_profile)
        add(settings, "clear_clipboard", tr("&Clear the clipboard when the token expires"), None)
        add(about, "about", tr("&About Realtime GUI"), window.about)

    def _add(self, menu: QMenu, name: str, text: str, slot: Callable[[], object] | None, *keys: str) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        menu.addAction(action)
        self.actions[name] = action
        return action
