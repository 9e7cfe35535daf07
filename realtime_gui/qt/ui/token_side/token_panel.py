"""The minted token: masked with a reveal toggle, Copy, a live countdown to expiry on the server's clock, the
session details, and which attempt minted it; below, the latest attempt's request and response (exchange.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.qt.ui.style.look import ERROR, MUTED, WARNING, emphasize, make_selectable, set_text_color
from realtime_gui.qt.ui.style.qt_values import RICH_TEXT
from realtime_gui.qt.ui.style.wrap_row import WrapRow
from realtime_gui.qt.ui.token_side.exchange import ExchangeView, feedback_timer, flash
from realtime_gui.qt.ui.token_side.verify_panel import VerifyPanel

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from realtime_gui.api.request import MintRequest
    from realtime_gui.config.connection import Connection
    from realtime_gui.net.minted import MintedToken

URGENT_SECONDS = 10
TOKEN_MIN_CHARS = 16  # beside its buttons the token field is at least this wide, else they wrap under it
TICK_MS = 250  # four ticks a second keep the shown second within a quarter second of the truth


def format_left(seconds: float) -> str:
    """m:ss for a countdown (rounded up, so it reads 0:01 until the last second is over)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


class TokenPanel(QWidget):
    copied = Signal()
    expired = Signal()

    def __init__(self, *, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock  # tests substitute a controllable clock
        self.clear_clipboard_on_expiry = True
        self._token: MintedToken | None = None
        self._token_attempt = (0, "")
        self._expired = False

        self.token = _TokenField()
        self.token.resized.connect(self._show_whole)
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
        self._copied_feedback = feedback_timer(self, self.copy)

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
        self.clock_note.hide()

        self.exchange = ExchangeView(clock=lambda: self.clock())
        self.exchange.setObjectName("exchangeView")
        self.response_view = self.exchange.response_view
        self.request_view = self.exchange.request_view
        self.copy_curl = self.exchange.copy_curl
        self.curl_copied = self.exchange.curl_copied

        self.verify = VerifyPanel()  # Test beside Copy; Say, the result and "Copy as…" under the details
        # The field takes the width its buttons leave, down to a width that still shows a good part of a token;
        # narrower than that (2x scale on a small screen), the buttons go under it. So the buttons do not widen
        # the panel (and narrow the form), and none is cut off or squeezed.
        self.token.setMinimumWidth(self.token.fontMetrics().averageCharWidth() * TOKEN_MIN_CHARS)
        self.token_row = WrapRow(self.token, self.reveal, self.copy, self.verify.test_button)
        self.expired.connect(self.verify.token_expired)
        # Revealed, the whole token, wrapped anywhere, when the field beside the buttons is too narrow for it.
        self.whole = QLabel()
        self.whole.setObjectName("tokenWhole")
        self.whole.setWordWrap(True)
        self.whole.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.whole.setProperty("textFormat", RICH_TEXT)  # a number, not the enum (qt_values.py)
        self.whole.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.whole.setAccessibleName(self.tr("The whole token"))
        self.whole.hide()
        self.expires_label = QLabel(self.tr("Expires in"))
        info = QFormLayout()
        info.addRow(self.expires_label, self.expires_in)
        info.addRow(self.tr("Endpoint"), self.details["endpoint"])
        info.addRow(self.tr("Model"), self.details["model"])
        info.addRow(self.tr("Session id"), self.details["session"])
        info.addRow(self.tr("Request id"), self.details["request"])
        layout = QVBoxLayout(self)
        self.title = QLabel(self.tr("Token"))
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)  # "Token from attempt 12, sent 14:02:31" must not widen a narrow panel
        emphasize(self.title)
        layout.addWidget(self.title)
        layout.addLayout(self.token_row)
        layout.addWidget(self.whole)
        layout.addLayout(info)
        layout.addWidget(self.clock_note)
        layout.addWidget(self.verify)
        layout.addWidget(self.exchange, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    # -- showing a token --

    @property
    def current(self) -> MintedToken | None:
        return self._token

    def begin_attempt(self, request: MintRequest, connection: Connection) -> None:
        """A mint is on its way: Request and Response now belong to it; a live token stays, said to be older."""
        self.exchange.begin(request, connection)

    def show_failure(self, text: str) -> None:
        self.exchange.failed(text)
        self._title_token()

    def show_cancelled(self) -> None:
        self.exchange.cancelled()
        self._title_token()

    def show_token(self, token: MintedToken) -> None:
        """The latest attempt minted `token`."""
        self._token = token
        self._token_attempt = (self.exchange.attempt, self.exchange.sent_at)
        self._expired = False
        self.token.setText(token.value)
        self.token.setCursorPosition(0)  # the start of the token in view, not its end with the first dot cut
        self.expires_label.setText(self.tr("Expires in"))
        self._show_whole()
        self.copy.setEnabled(True)
        self._title_token()
        for label in self.details.values():
            make_selectable(label)  # plain text from here on: these show what the server sent
        self._show_detail("endpoint", f"{token.endpoint} (HTTP {token.status})")
        self._show_detail("model", token.model or "–")
        self._show_detail("session", token.session_id or "–")
        self._show_detail("request", token.request_id or "–")
        if token.clock_offset:
            set_text_color(self.clock_note, WARNING)  # here, not at start-up: ~0.3 ms, for a note few tokens need
            self.clock_note.setText(
                self.tr(
                    "This computer's clock differs from the server's by {0:+.0f} s; the countdown uses the server's."
                ).format(token.clock_offset)
            )
            self.clock_note.show()
        else:
            self.clock_note.hide()
        self.exchange.minted(token)
        self.tick()
        self._timer.start()

    def _show_detail(self, name: str, text: str) -> None:
        from html import escape

        label = self.details[name]
        label.setText(text)
        # Clipped where the side is narrow (2x scale on a small screen): the whole value on hover. Escaped, in a
        # paragraph that makes it rich text on purpose: the server chose it, and a tooltip would render its tags.
        label.setToolTip(f"<p>{escape(text)}</p>")

    def _title_token(self) -> None:
        if self._token is None:
            return
        number, sent_at = self._token_attempt
        self.title.setText(self.tr("Token from attempt {0}, sent {1}").format(number, sent_at))

    def _on_reveal_toggled(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.token.setCursorPosition(0)
        self.reveal.setText(self.tr("Hide") if shown else self.tr("Show"))
        self.exchange.set_masked(not shown)
        self._show_whole()

    def _show_whole(self) -> None:
        """While revealed, the whole token under the field if the field shows only part of it."""
        text = self.token.text() if self.reveal.isChecked() else ""
        room = self.token.width() - 2 * self.token.fontMetrics().averageCharWidth()  # its frame and margins
        wanted = bool(text) and self.token.fontMetrics().horizontalAdvance(text) > room
        if wanted:
            from html import escape

            # A token has no spaces: a zero-width space after each character lets the label break it anywhere.
            # Rich text, each character escaped (the server chose them), the breaks written as entities. Not
            # selectable, so that no copy carries the breaks; Copy and the field above copy the token itself.
            self.whole.setText("&#8203;".join(escape(c) for c in text))
        elif not self.whole.isHidden():
            self.whole.clear()
        self.whole.setVisible(wanted)

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
        self.expires_label.setText(self.tr("Status"))  # not "Expires in expired"
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
        flash(self.copy, self.tr("Copied ✓"), self._copied_feedback)
        self.copied.emit()
        return True

    def copy_as_curl(self) -> bool:
        return self.exchange.copy_as_curl()

    def stop(self) -> None:
        self._timer.stop()


class _TokenField(QLineEdit):
    resized = Signal()  # how much of the token it shows changed

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


def _selectable() -> QLabel:
    label = QLabel("–")  # made selectable when it first shows a value
    # What the server sent may be one long run (a model name, an id): clipped, it cannot widen the window.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label
