"""The main window's widgets and where they sit: endpoint and profile at the top, the message banner, the generated
form on the left with its buttons, the token on the right. No behaviour here: main_window.py wires the parts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.api.catalog import ENDPOINTS
from realtime_gui.qt.ui.form.wheel import ComboBox
from realtime_gui.qt.ui.token_side.token_panel import TokenPanel
from realtime_gui.qt.ui.window.banner import Banner
from realtime_gui.qt.ui.window.empty_state import EmptyState
from realtime_gui.qt.ui.window.focus import no_tab_stop
from realtime_gui.qt.ui.window.geometry import PageStack


class WindowLayout(QMainWindow):
    """The window's widgets, named for the parts that are given them and for the tests that drive them."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")

        # -- top bar --
        self.endpoint_combo = ComboBox()  # the wheel switches it only while it has the focus
        self.endpoint_combo.setObjectName("endpoint")
        self.endpoint_combo.setAccessibleName(self.tr("Endpoint"))
        for ep in ENDPOINTS.values():
            self.endpoint_combo.addItem(ep.title, ep.id)
        self.profile_combo = ComboBox()
        self.profile_combo.setObjectName("profile")
        self.profile_combo.setAccessibleName(self.tr("Profile"))
        self.key_label = QLabel(self.tr("Checking the key…"))
        self.key_label.setObjectName("keyStatus")
        # Wraps rather than widening the window past a small screen (1366 x 768 at 2x scale is 683 wide).
        self.key_label.setWordWrap(True)
        self.key_button = QPushButton(self.tr("Key…"))
        self.key_button.setObjectName("setKey")
        self.key_button.setToolTip(self.tr("Store the API key for this profile in the OS keyring (Ctrl+K)"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Endpoint")))
        top.addWidget(self.endpoint_combo)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Profile")))
        top.addWidget(self.profile_combo)
        top.addWidget(self.key_label, 1)
        top.addWidget(self.key_button)

        # -- message banner --
        self.error_banner = Banner()
        self.error_text = self.error_banner.text

        # -- form side --
        self.stack = PageStack()
        self.form_scroll = _scroll_area("formScroll", self.tr("Parameters"), self.stack)
        self.reset_button = QPushButton(self.tr("Reset to defaults"))
        self.reset_button.setObjectName("reset")
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip(self.tr("Stop waiting for the call in flight (Esc)"))
        self.mint_button = QPushButton(self.tr("Create token"))
        self.mint_button.setObjectName("mint")
        self.mint_button.setDefault(True)
        self.mint_button.setToolTip(self.tr("Validate and mint a token (Ctrl+Enter)"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.busy)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.mint_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.form_scroll, 1)
        left_layout.addLayout(buttons)

        self.token_panel = TokenPanel()
        # The token side scrolls too, so that a small screen (or 2x scale) never pushes part of it off-screen.
        self.right_side = QWidget()
        self.right_layout = right_layout = QVBoxLayout(self.right_side)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_state = EmptyState()
        right_layout.addWidget(self.empty_state)
        right_layout.addWidget(self.token_panel, 1)
        self.token_scroll = _scroll_area("tokenScroll", self.tr("Token"), self.right_side)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.token_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        central = QWidget()
        self.main_layout = QVBoxLayout(central)  # top to bottom; the serving panel is added under the rest
        self.main_layout.addLayout(top)
        self.main_layout.addWidget(self.error_banner)
        self.main_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)


def _scroll_area(name: str, accessible_name: str, content: QWidget) -> QScrollArea:
    """A scroll area that is no Tab stop of its own (the widgets in it are, and it scrolls to follow the focus)."""
    area = QScrollArea()
    no_tab_stop(area)
    area.setObjectName(name)
    area.setAccessibleName(accessible_name)
    area.setWidgetResizable(True)
    area.setWidget(content)
    return area
