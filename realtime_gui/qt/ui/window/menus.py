"""The window's menus: every menu and action has an access key (Alt+letter), and every shortcut is an action's,
so the menu shows it where it applies (Edit > Cancel shows Esc)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenuBar, QWidget


class Menus:
    """Fills the menu `bar`: each action, named as in `actions`, runs `do[name]` when triggered (the checkable ones,
    "serve" and "clear_clipboard", are connected by whoever owns them). Shortcuts work anywhere in `parent`."""

    def __init__(self, bar: QMenuBar, *, parent: QWidget, do: Mapping[str, Callable[[], object]]) -> None:
        self._parent = parent
        self._do = do
        tr = bar.tr
        file = bar.addMenu(tr("&File"))
        edit = bar.addMenu(tr("&Edit"))
        key = bar.addMenu(tr("&Key"))
        settings = bar.addMenu(tr("&Settings"))
        about = bar.addMenu(tr("&Help"))
        self.actions: dict[str, QAction] = {}
        add = self._add
        add(file, "open_preset", tr("&Open preset…"), "Ctrl+O")
        add(file, "save_preset", tr("&Save preset…"), "Ctrl+S")
        file.addSeparator()
        add(file, "serve", tr("Ser&ve to local apps"), "Ctrl+Shift+L")  # checkable: serve_toggle.py
        file.addSeparator()
        add(file, "quit", tr("&Quit"), "Ctrl+Q")
        # Reset, Switch to GA and Open preset replace many values at once; a text field's own Ctrl+Z comes first.
        add(edit, "undo", tr("&Undo"), "Ctrl+Z").setEnabled(False)
        edit.addSeparator()
        # Ctrl+Enter is Enter on the numeric keypad; the menu shows the first.
        add(edit, "mint", tr("&Create token"), "Ctrl+Return", "Ctrl+Enter")
        add(edit, "cancel", tr("C&ancel"), "Esc")
        add(edit, "copy_token", tr("Copy &token"), "Ctrl+Shift+C")
        add(edit, "copy_curl", tr("Copy as cur&l"))
        edit.addSeparator()
        add(edit, "reset", tr("&Reset to defaults"))
        add(key, "set_key", tr("Set API &key…"), "Ctrl+K")
        add(key, "remove_key", tr("&Remove stored key…"))
        key.addSeparator()
        add(key, "new_profile", tr("&New profile…"))
        add(key, "edit_profile", tr("&Edit profile…"))
        add(key, "delete_profile", tr("&Delete profile…"))
        add(settings, "clear_clipboard", tr("&Clear the clipboard when the token expires"))
        add(about, "about", tr("&About Realtime GUI"))
        unknown = set(do) - set(self.actions)
        assert not unknown, f"no action named {sorted(unknown)}"

    def _add(self, menu: QMenu, name: str, text: str, *keys: str) -> QAction:
        action = QAction(text, self._parent)
        action.setObjectName(name)
        slot = self._do.get(name)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        menu.addAction(action)
        self.actions[name] = action
        return action
