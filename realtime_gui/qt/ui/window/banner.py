"""The message banner above the form: one message at a time, with the cause that raised it, so that it ends when
its cause does (a later success, a saved key, another profile or endpoint) instead of going stale. Its colours are
an error tint of the palette, readable in a light or a dark scheme.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton, QWidget

from realtime_gui.qt.ui.style.look import make_selectable
from realtime_gui.qt.ui.style.palette import ERROR, contrast, mix, readable, tone_color
from realtime_gui.shown import DEFAULT_LIMIT, shown

# Why a message is shown; each ends with what makes it untrue.
AUTH = "auth"  # the key was refused or missing: ends when a key is saved, the profile changes, a mint succeeds
MINT = "mint"  # any other failed mint: ends on success, another profile or endpoint
FIELD = "field"  # the API refused a field's value: ends when that field changes, on success, another endpoint
FORM = "form"  # values to fix: ends when they are, on success, reset, another endpoint
RETIRED = "retired"  # a retired beta endpoint: ends on switching, another endpoint, success
KEY = "key"  # storing or reading the key: ends when a key is saved, another profile
PROFILE = "profile"  # about the profile: ends on another profile
PRESET = "preset"  # reading or saving a preset: ends on another endpoint, reset, success
UNEXPECTED = "unexpected"  # ends on success, or when dismissed
SETTINGS = "settings"  # a settings file was ignored: said once at start-up, ends when dismissed or replaced


class Banner(QFrame):
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error")
        self.cause: str | None = None
        self.text = QLabel()
        self.text.setObjectName("errorText")
        self.text.setWordWrap(True)
        # Word wrap cannot break a long run without spaces (an id, a URL, a server's garbage): without this, such
        # a run sets the window's minimum width and pushes it past the screen. Ignored: the banner takes the
        # width the window has, and clips the run instead.
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.action = QPushButton()
        self.action.hide()
        self._action_slot: Callable[[], object] | None = None
        self.action.clicked.connect(self._on_action_clicked)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Dismiss this message"))
        self.close_button.setAccessibleName(self.tr("Dismiss message"))
        self.close_button.clicked.connect(self._on_close_button_clicked)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.action)
        row.addWidget(self.close_button)
        self._sheet = ""
        self.hide()

    def show_message(
        self, text: str, *, cause: str, action: tuple[str, str, Callable[[], object]] | None = None
    ) -> None:
        """Show `text` (secrets redacted); `action` is (object name, button text, slot) for a button beside it."""
        self.cause = cause
        make_selectable(self.text)
        # Errors were cleaned (and capped) when made; this catches text from anywhere else (a preset's path, a
        # keyring message). Looser cap: the banner adds its own lines (type, code, request id) to a capped message.
        self.text.setText(shown(text, multiline=True, limit=3 * DEFAULT_LIMIT))
        self.setAccessibleName(self.tr("Message"))
        self.setAccessibleDescription(self.text.text())
        if action is None:
            self.action.hide()
            self._action_slot = None
        else:
            name, label, slot = action
            self.action.setObjectName(name)
            self.action.setText(label)
            self._action_slot = slot
            self.action.show()
        self._restyle()
        self.show()

    def end(self, *causes: str) -> None:
        """Hide the message if it was raised by one of `causes` (none given: whatever raised it)."""
        if self.cause is not None and (not causes or self.cause in causes):
            self.clear()

    def clear(self) -> None:
        self.hide()
        self.cause = None
        self.text.clear()
        self.action.hide()
        self._action_slot = None

    def _on_action_clicked(self) -> None:
        if self._action_slot is not None:
            self._action_slot()

    def _on_close_button_clicked(self) -> None:
        self.clear()
        self.dismissed.emit()

    # -- colours from the palette --

    def palette_changed(self) -> None:
        """Called by palette.refresh_colors after a scheme change."""
        self._restyle()

    def _restyle(self) -> None:
        # From the parent's palette: this frame's own is rewritten by its style sheet.
        parent = self.parentWidget()
        palette = parent.palette() if parent is not None else QGuiApplication.palette()
        sheet = banner_style(palette)
        if sheet != self._sheet:
            self._sheet = sheet
            self.setStyleSheet(sheet)


def banner_colors(palette: QPalette) -> tuple[str, str, str]:
    """(background, border, text) for the banner: an error tint of the window, its text readable on it."""
    window = palette.color(QPalette.ColorRole.Window)
    error = tone_color(palette, ERROR)
    background = mix(window, error, 0.16)
    text = palette.color(QPalette.ColorRole.WindowText)
    if contrast(text, background) < 7:
        text = readable(text, [background], target=7)
    return background.name(), error.name(), text.name()


def banner_style(palette: QPalette) -> str:
    background, border, text = banner_colors(palette)
    return (
        f"QFrame#error {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
        f"QFrame#error QLabel {{ color: {text}; border: none; background: transparent; }}"
    )
