"""The request and the response of the latest attempt, said to be that attempt's ("Attempt 3, sent 14:02:31:
failed"), so the two tabs never show two different calls; and "Copy as curl" for that request, with feedback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QLabel, QPlainTextEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget

from realtime_gui.shown import json_text

if TYPE_CHECKING:
    from realtime_gui.api.request import MintRequest
    from realtime_gui.config.connection import Connection
    from realtime_gui.net.minted import MintedToken

MASK = "ek_…(hidden)"
FEEDBACK_MS = 1500


def curl_command(request: MintRequest, connection: Connection) -> str:
    """The same request as a curl command, with $OPENAI_API_KEY in place of the key."""
    import shlex  # here: only Copy as curl needs it, and nothing else loads it at start-up (~0.3 ms)

    url = connection.url_for(request.endpoint)
    auth = "Authorization: Bearer $OPENAI_API_KEY" if connection.auth == "bearer" else "api-key: $OPENAI_API_KEY"
    parts = [f"curl -sS -X POST {shlex.quote(url)}", f'-H "{auth}"', "-H 'Content-Type: application/json'"]
    if connection.organization.strip():
        parts.append(f"-H {shlex.quote('OpenAI-Organization: ' + connection.organization.strip())}")
    if connection.project.strip():
        parts.append(f"-H {shlex.quote('OpenAI-Project: ' + connection.project.strip())}")
    parts.append(f"-d {shlex.quote(json.dumps(request.body, indent=2))}")
    return " \\\n  ".join(parts)


def flash(button: QAbstractButton, text: str, timer: QTimer) -> None:
    """Say `text` on the button for a moment (a click that changes nothing visible deserves an answer)."""
    if not timer.isActive():
        timer.setProperty("restText", button.text())
    button.setText(text)
    timer.start(FEEDBACK_MS)


def feedback_timer(owner: QWidget, button: QAbstractButton) -> QTimer:
    timer = QTimer(owner)  # a child: it dies with its owner, never fires on a dead button
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: button.setText(str(timer.property("restText"))))
    return timer


class ExchangeView(QWidget):
    curl_copied = Signal()

    def __init__(self, *, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.attempt = 0
        self._sent_at = ""
        self._request: MintRequest | None = None
        self._connection: Connection | None = None
        self._token: MintedToken | None = None  # shown in Response when the latest attempt minted it
        self.masked = True

        self.caption = QLabel(self.tr("No request sent yet."))
        self.caption.setObjectName("attempt")
        self.caption.setWordWrap(True)
        self.response_view = _json_view("responseJson", self.tr("Response JSON"))
        self.request_view = _json_view("requestJson", self.tr("Request JSON"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("exchange")
        self.tabs.setAccessibleName(self.tr("Request and response"))
        self.tabs.addTab(self.response_view, self.tr("&Response"))
        self.tabs.addTab(self.request_view, self.tr("Re&quest"))
        self.copy_curl = QPushButton(self.tr("Copy as curl"))
        self.copy_curl.setObjectName("copyCurl")
        self.copy_curl.setToolTip(self.tr("Copy the request as a curl command that reads $OPENAI_API_KEY"))
        self.copy_curl.setEnabled(False)
        self.copy_curl.clicked.connect(self.copy_as_curl)
        self._curl_feedback = feedback_timer(self, self.copy_curl)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.copy_curl)

    def begin(self, request: MintRequest, connection: Connection) -> None:
        """A new attempt: its request, and a response still to come."""
        self.attempt += 1
        self._sent_at = time.strftime("%H:%M:%S", time.localtime(self.clock()))
        self._request, self._connection, self._token = request, connection, None
        self.request_view.setPlainText(json_text(request.body, ascii_only=False))
        _wrap(self.response_view, False)
        self.response_view.clear()
        self.response_view.setPlaceholderText(self.tr("Waiting for the answer…"))
        self.copy_curl.setEnabled(True)
        self._say(self.tr("waiting for the answer…"))

    def minted(self, token: MintedToken) -> None:
        self._token = token
        self._render_token()
        self._say(self.tr("token minted (HTTP {0}).").format(token.status))

    def failed(self, text: str) -> None:
        self.response_view.setPlaceholderText("")
        _wrap(self.response_view, True)  # sentences, not JSON: read whole without scrolling sideways
        self.response_view.setPlainText(self.tr("No token. {0}").format(text))
        first_line = text.splitlines()[0] if text else ""
        self._say(self.tr("failed: {0}").format(first_line))

    def cancelled(self) -> None:
        self.response_view.setPlaceholderText("")
        _wrap(self.response_view, True)
        self.response_view.setPlainText(self.tr("Cancelled: the connection to the server was closed; no token."))
        self._say(self.tr("cancelled."))

    @property
    def sent_at(self) -> str:
        return self._sent_at

    def set_masked(self, masked: bool) -> None:
        self.masked = masked
        self._render_token()

    def _render_token(self) -> None:
        if self._token is None:
            return
        # Every control character, bidi override or lone surrogate a server sent shows as an escape.
        text = json_text(self._token.response, ascii_only=False)
        if self.masked:
            text = text.replace(self._token.value, MASK)  # the token is masked here too
        _wrap(self.response_view, False)
        self.response_view.setPlainText(text)

    def _say(self, outcome: str) -> None:
        self.caption.setText(self.tr("Attempt {0}, sent {1}: {2}").format(self.attempt, self._sent_at, outcome))
        self.tabs.setAccessibleDescription(self.caption.text())

    def copy_as_curl(self) -> bool:
        if self._request is None or self._connection is None:
            return False
        QGuiApplication.clipboard().setText(curl_command(self._request, self._connection))
        flash(self.copy_curl, self.tr("Copied ✓"), self._curl_feedback)
        self.curl_copied.emit()
        return True


def _json_view(name: str, accessible_name: str) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setObjectName(name)
    view.setAccessibleName(accessible_name)
    view.setReadOnly(True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


def _wrap(view: QPlainTextEdit, wrap: bool) -> None:
    """JSON keeps its lines (indented, scrolled sideways when long); a failure's sentences wrap at the view's width."""
    mode = QPlainTextEdit.LineWrapMode
    view.setLineWrapMode(mode.WidgetWidth if wrap else mode.NoWrap)
