"""The minted token: masked with a reveal toggle, Copy, a live countdown to expiry on the server's clock, the
session details, the request and response JSON, and "Copy as curl" (with $OPENAI_API_KEY, never the key).
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.connection import Connection
from realtime_gui.minted import MintedToken
from realtime_gui.qt.ui.look import ERROR, MUTED, WARNING, emphasize, make_selectable, set_text_color
from realtime_gui.qt.ui.verify_panel import VerifyPanel
from realtime_gui.request import MintRequest
from realtime_gui.shown import json_text

URGENT_SECONDS = 10
TICK_MS = 250  # four ticks a second keep the shown second within a quarter second of the truth
MASK = "ek_…(hidden)"


def format_left(seconds: float) -> str:
    """m:ss for a countdown (rounded up, so it reads 0:01 until the last second is over)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


def curl_command(request: MintRequest, connection: Connection) -> str:
    """The same request as a curl command, with $OPENAI_API_KEY in place of the key."""
    url = connection.url_for(request.endpoint)
    auth = "Authorization: Bearer $OPENAI_API_KEY" if connection.auth == "bearer" else "api-key: $OPENAI_API_KEY"
    parts = [f"curl -sS -X POST {shlex.quote(url)}", f'-H "{auth}"', "-H 'Content-Type: application/json'"]
    if connection.organization.strip():
        parts.append(f"-H {shlex.quote('OpenAI-Organization: ' + connection.organization.strip())}")
    if connection.project.strip():
        parts.append(f"-H {shlex.quote('OpenAI-Project: ' + connection.project.strip())}")
    parts.append(f"-d {shlex.quote(json.dumps(request.body, indent=2))}")
    return " \\\n  ".join(parts)


class TokenPanel(QWidget):
    copied = Signal()
    expired = Signal()

    def __init__(self, *, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock  # tests substitute a controllable clock
        self.clear_clipboard_on_expiry = True
        self._token: MintedToken | None = None
        self._request: MintRequest | None = None
        self._connection: Connection | None = None
        self._expired = False

        self.token = QLineEdit()
        self.token.setObjectName("token")
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("Press Create to mint a token"))
        self.token.setAccessibleName(self.tr("Token"))
        self.reveal = QToolButton()
        self.reveal.setObjectName("revealToken")
        self.reveal.setText(self.tr("Show"))
        self.reveal.setCheckable(True)
        self.reveal.setToolTip(self.tr("Show or hide the token"))
        self.reveal.toggled.connect(self._on_reveal_toggled)
        self.copy = QPushButton(self.tr("Copy"))
        self.copy.setObjectName("copyToken")
        self.copy.setToolTip(self.tr("Copy the token to the clipboard (Ctrl+Shift+C)"))
        self.copy.setEnabled(False)
        self.copy.clicked.connect(self.copy_token)
        self._copied_feedback = QTimer(self)  # a child: it dies with the panel, never fires on a dead button
        self._copied_feedback.setSingleShot(True)
        self._copied_feedback.setInterval(1500)
        self._copied_feedback.timeout.connect(lambda: self.copy.setText(self.tr("Copy")))

        self.expires_in = QLabel("–")
        self.expires_in.setObjectName("expiresIn")
        self.expires_in.setToolTip(self.tr("Time left to start a session with this token (server clock)"))
        self.expires_in.setProperty("urgency", "none")
        emphasize(self.expires_in, scale=1.6)

        self.details = {name: _selectable() for name in ("endpoint", "model", "session", "request")}
        self.details["session"].setObjectName("sessionId")
        self.details["request"].setObjectName("requestId")
        self.clock_note = QLabel()
        self.clock_note.setObjectName("clockNote")
        self.clock_note.setWordWrap(True)
        set_text_color(self.clock_note, WARNING)
        self.clock_note.hide()

        self.response_view = _json_view("responseJson")
        self.request_view = _json_view("requestJson")
        tabs = QTabWidget()
        tabs.addTab(self.response_view, self.tr("Response"))
        tabs.addTab(self.request_view, self.tr("Request"))
        self.copy_curl = QPushButton(self.tr("Copy as curl"))
        self.copy_curl.setObjectName("copyCurl")
        self.copy_curl.setToolTip(self.tr("Copy the request as a curl command that reads $OPENAI_API_KEY"))
        self.copy_curl.setEnabled(False)
        self.copy_curl.clicked.connect(self.copy_as_curl)

        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.reveal)
        token_row.addWidget(self.copy)
        self.verify = VerifyPanel()  # Test beside Copy; Say, the result and "Copy as…" under the details
        token_row.addWidget(self.verify.test_button)
        self.expired.connect(self.verify.token_expired)
        info = QFormLayout()
        info.addRow(self.tr("Expires in"), self.expires_in)
        info.addRow(self.tr("Endpoint"), self.details["endpoint"])
        info.addRow(self.tr("Model"), self.details["model"])
        info.addRow(self.tr("Session id"), self.details["session"])
        info.addRow(self.tr("Request id"), self.details["request"])
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Token"))
        title.setObjectName("panelTitle")
        emphasize(title)
        layout.addWidget(title)
        layout.addLayout(token_row)
        layout.addLayout(info)
        layout.addWidget(self.clock_note)
        layout.addWidget(self.verify)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.copy_curl)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    # -- showing a token --

    @property
    def current(self) -> MintedToken | None:
        return self._token

    def show_token(self, token: MintedToken, request: MintRequest, connection: Connection) -> None:
        self._token, self._request, self._connection = token, request, connection
        self._expired = False
        self.token.setText(token.value)
        self.copy.setEnabled(True)
        self.copy_curl.setEnabled(True)
        for label in self.details.values():
            make_selectable(label)  # plain text from here on: these show what the server sent
        self.details["endpoint"].setText(f"{token.endpoint} (HTTP {token.status})")
        self.details["model"].setText(token.model or "–")
        self.details["session"].setText(token.session_id or "–")
        self.details["request"].setText(token.request_id or "–")
        if token.clock_offset:
            self.clock_note.setText(
                self.tr(
                    "This computer's clock differs from the server's by {0:+.0f} s; the countdown uses the server's."
                ).format(token.clock_offset)
            )
            self.clock_note.show()
        else:
            self.clock_note.hide()
        self.request_view.setPlainText(json_text(request.body, ascii_only=False))
        self._render_response()
        self.tick()
        self._timer.start()

    def show_request(self, request: MintRequest, connection: Connection) -> None:
        """Show what is about to be sent (also when it fails), without touching a live token."""
        self._request, self._connection = request, connection
        self.request_view.setPlainText(json_text(request.body, ascii_only=False))
        self.copy_curl.setEnabled(True)

    def _render_response(self) -> None:
        if self._token is None:
            self.response_view.clear()
            return
        # Every control character, bidi override or lone surrogate a server sent shows as an escape.
        text = json_text(self._token.response, ascii_only=False)
        if not self.reveal.isChecked():
            text = text.replace(self._token.value, MASK)  # the token is masked here too
        self.response_view.setPlainText(text)

    def _on_reveal_toggled(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal.setText(self.tr("Hide") if shown else self.tr("Show"))
        self._render_response()

    # -- countdown --

    def seconds_left(self) -> float | None:
        return None if self._token is None else self._token.seconds_left(self.clock())

    def tick(self) -> None:
        left = self.seconds_left()
        if left is None:
            return
        if left <= 0:
            self._expire()
            return
        self.expires_in.setText(format_left(left))
        self._set_urgency("urgent" if left <= URGENT_SECONDS else "none")

    def _expire(self) -> None:
        self._timer.stop()
        self.expires_in.setText(self.tr("expired"))
        self._set_urgency("expired")
        self.copy.setEnabled(False)
        if self._expired:
            return
        self._expired = True
        clipboard = QGuiApplication.clipboard()
        if self.clear_clipboard_on_expiry and self._token is not None and clipboard.text() == self._token.value:
            clipboard.clear()
        self.expired.emit()

    def _set_urgency(self, level: str) -> None:
        if self.expires_in.property("urgency") == level:
            return
        self.expires_in.setProperty("urgency", level)
        set_text_color(self.expires_in, {"urgent": ERROR, "expired": MUTED}.get(level))

    # -- clipboard --

    def copy_token(self) -> bool:
        if self._token is None or self._expired:
            return False
        QGuiApplication.clipboard().setText(self._token.value)
        self.copy.setText(self.tr("Copied ✓"))
        self._copied_feedback.start()
        self.copied.emit()
        return True

    def copy_as_curl(self) -> bool:
        if self._request is None or self._connection is None:
            return False
        QGuiApplication.clipboard().setText(curl_command(self._request, self._connection))
        return True

    def stop(self) -> None:
        self._timer.stop()

    def prime(self) -> None:
        """Load the monospace font of the JSON views once, off-screen, so that its ~20 ms first use happens
        while the window is idle rather than while a mint is in flight."""
        pixmap = QPixmap(16, 16)
        painter = QPainter(pixmap)
        painter.setFont(self.response_view.font())
        painter.drawText(0, 12, '{"value": 0}')
        painter.end()


def _selectable() -> QLabel:
    label = QLabel("–")  # made selectable when it first shows a value
    # What the server sent may be one long run (a model name, an id): clipped, it cannot widen the window.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _json_view(name: str) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setObjectName(name)
    view.setReadOnly(True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view
