"""Proving the shown token works: Test opens a Realtime session with it (the profile's server, never the API key) and
shows what the server applied; an optional sentence to Say streams the reply; "Copy as…" gives code that uses it.

The Test button sits beside Copy in the token panel; the rest is this widget, under the token's details. The check
runs in the Verifier's worker thread (qt/workers/verifier.py); this widget only shows what it reports. Everything
from the server is shown through `shown()`: the token redacted, control characters escaped, length capped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.qt.ui.style.look import ERROR, MUTED, OK, make_selectable, set_text_color
from realtime_gui.qt.ui.style.wrap_row import WrapRow
from realtime_gui.qt.ui.token_side.exchange import feedback_timer, flash
from realtime_gui.shown import DEFAULT_LIMIT, as_sentence, shown

if TYPE_CHECKING:
    from realtime_gui.config.connection import Connection
    from realtime_gui.net.minted import MintedToken
    from realtime_gui.qt.workers.verifier import Verifier
    from realtime_gui.verify.findings import SessionOpened, VerifyError, VerifyResult

log = logging.getLogger(__name__)
REPLY_LIMIT = 4 * DEFAULT_LIMIT  # a reply is longer than a message, but a server may not fill the panel
# What a Test keeps of a reply (VerifyRequest.reply_limit): more than the panel shows, so shown() still says how much
# more there was, and few enough pieces that a server streaming for ever cannot fill the event queue with them.
REPLY_KEPT = 2 * REPLY_LIMIT
REPLY_LINES = 5
# The reply is shown again at most this often while it streams: a server sending thousands of one-letter pieces
# must not keep the window busy redrawing. A person reads no faster.
REPLY_REFRESH_MS = 50
SAY_MIN_CHARS = 16  # beside "Copy as…" the Say field is at least this wide, else the button wraps under it


class VerifyPanel(QWidget):
    """Test, Say, the result line, the reply, and "Copy as…", for the token shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._verifier: Verifier | None = None
        self._token: MintedToken | None = None
        self._connection: Connection | None = None
        self._expired = False
        self._result: tuple[str, str] | None = None  # the result line as last said (text, colour), before the note
        self._reply = ""  # the reply so far, as received (up to what can be shown); shown cleaned
        self._reply_shown = ""  # what the reply view shows, before cleaning
        self._reply_refresh = QTimer(self)
        self._reply_refresh.setSingleShot(True)
        self._reply_refresh.setInterval(REPLY_REFRESH_MS)
        self._reply_refresh.timeout.connect(self._on_reply_refresh_timeout)

        self.test_button = QToolButton()  # as narrow as Show beside it: the token row sets the panel's width
        self.test_button.setText(self.tr("Test"))
        self.test_button.setObjectName("verifyToken")
        self.test_button.setToolTip(
            self.tr(
                "Open a Realtime session with this token, as an app would, and show the settings the server "
                "applied. Uses the token only, never the API key."
            )
        )
        self.test_button.setEnabled(False)
        self.test_button.clicked.connect(self.test)

        self.say = QLineEdit()
        self.say.setObjectName("verifySay")
        self.say.setAccessibleName(self.tr("Say after Test"))
        self.say.setPlaceholderText(self._say_hint())
        self.say.setToolTip(
            self.tr("Test then sends this as a user message and shows the reply as it streams. The reply costs tokens.")
        )
        self.say.setEnabled(False)
        self.say.returnPressed.connect(self.test)

        # A push button with a menu makes room for its arrow; a tool button draws the arrow over its text.
        self.copy_as = QPushButton()
        self.copy_as.setObjectName("copySnippet")
        self.copy_as.setText(self.tr("Copy as…"))
        self.copy_as.setToolTip(
            self.tr("Copy code that uses this token: a browser WebRTC call, a WebSocket, a command")
        )
        self.copy_as.setEnabled(False)
        self.snippet_menu = QMenu(self.copy_as)
        self.snippet_actions: dict[tuple[str, bool], QAction] = {}
        for with_token in (False, True):
            for kind, title in (
                ("webrtc", self.tr("Browser WebRTC call")),
                ("websocket", self.tr("Browser WebSocket")),
                ("verify", self.tr("realtime-gui verify command")),
            ):
                text = self.tr("{0}, with this token") if with_token else self.tr("{0}, token as a placeholder")
                act = self.snippet_menu.addAction(text.format(title))
                act.setObjectName(f"snippet-{kind}-{'token' if with_token else 'placeholder'}")
                act.triggered.connect(lambda _=False, k=kind, w=with_token: self.copy_snippet(k, with_token=w))
                self.snippet_actions[kind, with_token] = act
            if not with_token:
                self.snippet_menu.addSeparator()
        self.copy_as.setMenu(self.snippet_menu)
        self._copied_feedback = feedback_timer(self, self.copy_as)

        self.result = QLabel()
        self.result.setObjectName("verifyResult")
        self.result.setWordWrap(True)
        # Word wrap cannot break one long run (an id, a model name): clipped, it cannot widen the window.
        self.result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.result.hide()
        self.reply = QPlainTextEdit()
        self.reply.setObjectName("verifyReply")
        self.reply.setAccessibleName(self.tr("Reply"))
        self.reply.setReadOnly(True)
        self.reply.setMaximumHeight(self.reply.fontMetrics().lineSpacing() * REPLY_LINES + 12)
        self.reply.hide()

        say_label = QLabel(self.tr("Say"))
        say_label.setBuddy(self.say)
        say = QWidget()
        say_row = QHBoxLayout(say)
        say_row.setContentsMargins(0, 0, 0, 0)
        say_row.addWidget(say_label)
        say_row.addWidget(self.say, 1)
        self.say.setMinimumWidth(self.say.fontMetrics().averageCharWidth() * SAY_MIN_CHARS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(WrapRow(say, self.copy_as))  # "Copy as…" goes under Say when the panel is narrow
        layout.addWidget(self.result)
        layout.addWidget(self.reply)

    def attach(self, verifier: Verifier) -> None:
        """Report what `verifier` finds; the panel asks it to check."""
        self._verifier = verifier
        verifier.opened.connect(self._on_verifier_opened)
        verifier.texted.connect(self._on_verifier_texted)
        verifier.verified.connect(self._on_verifier_verified)
        verifier.failed.connect(self._on_verifier_failed)
        verifier.cancelled.connect(self._on_verifier_cancelled)
        verifier.busy_changed.connect(self._on_verifier_busy_changed)

    # -- the token --

    def set_token(self, token: MintedToken, connection: Connection) -> None:
        """A new token is shown, minted through `connection`: a check of the previous one stops, its result goes."""
        if self._verifier is not None and self._verifier.busy:
            self._verifier.cancel()
        self._token, self._connection, self._expired = token, connection, False
        self._result = None
        self.result.hide()
        self.result.clear()
        self.reply.hide()
        self.reply.clear()
        self._update_enabled()

    def token_expired(self) -> None:
        """The shown token has expired: it can no longer open a session, nor go into a snippet, and a result
        still shown is said to be about it (a Test now would be refused)."""
        self._expired = True
        self._update_enabled()
        if self._result is not None:
            self._show(*self._result)

    def _update_enabled(self) -> None:
        # Here and below, the token check's core modules load when a token is first shown, not at start-up.
        from realtime_gui.verify.findings import CONVERSATION_ENDPOINTS
        from realtime_gui.verify.snippets import available

        busy = self._verifier is not None and self._verifier.busy
        usable = self._token is not None and not self._expired
        self.test_button.setEnabled(usable and not busy)
        conversation = self._token is not None and self._token.endpoint in CONVERSATION_ENDPOINTS
        self.say.setEnabled(usable and conversation and not busy)
        if self._token is not None and not conversation:
            self.say.setPlaceholderText(
                self.tr("A {0} token opens an audio-only session: nothing to say").format(self._token.endpoint)
            )
        else:
            self.say.setPlaceholderText(self._say_hint())
        self.copy_as.setEnabled(self._token is not None)
        for (kind, with_token), act in self.snippet_actions.items():
            why = available(kind, self._token.endpoint) if self._token is not None else None
            act.setEnabled(why is None and (usable or not with_token))
            act.setToolTip(why or "")

    def _say_hint(self) -> str:
        return self.tr("Optional: text for Test to say (the reply costs tokens)")

    # -- Test --

    def test(self) -> bool:
        """Check the shown token (and say the Say text, if any); False when there is nothing to check."""
        from realtime_gui.verify.findings import VerifyRequest

        token, connection, verifier = self._token, self._connection, self._verifier
        if token is None or connection is None or verifier is None or verifier.busy:
            return False
        if self._expired:
            self._show(self.tr("The token has expired; press Create for a new one."), ERROR, about_token=False)
            return False
        said = self.say.text() if self.say.isEnabled() else ""
        request = VerifyRequest(
            token=token.value,
            endpoint=token.endpoint,
            base_url=connection.base_url,  # the server that minted it
            model=token.model,
            timeout=connection.timeout,
            say=said if said.strip() else None,
            minted_session_id=token.session_id,
            reply_limit=REPLY_KEPT,
        )
        self._reply = ""
        self._reply_refresh.stop()
        self.reply.clear()
        self.reply.setVisible(request.say is not None)
        host = urlsplit(connection.base_url.strip()).netloc or connection.base_url
        self._show(self.tr("Opening a session at {0}…").format(host), MUTED)
        return verifier.verify(request)

    def _on_verifier_busy_changed(self, _busy: bool) -> None:
        self._update_enabled()

    def _on_verifier_opened(self, opened: SessionOpened) -> None:
        self._show("✓ " + as_sentence(opened.summary()), OK)

    def _on_verifier_texted(self, text: str) -> None:
        if len(self._reply) <= REPLY_KEPT:  # shown() cuts it to REPLY_LIMIT anyway, and says how much more
            self._reply += text
        if not self._reply_refresh.isActive():
            self._show_reply(self._reply)  # the first piece at once, then what came meanwhile, every 50 ms
            self._reply_refresh.start()

    def _on_reply_refresh_timeout(self) -> None:
        if self._reply != self._reply_shown:
            self._show_reply(self._reply)

    def _on_verifier_verified(self, result: VerifyResult) -> None:
        self._on_verifier_opened(result.opened)  # the same line, also when the worker's news was dropped
        self._reply_refresh.stop()
        if result.reply is not None:
            text = result.reply.text
            if result.reply.status != "completed":
                text += "\n" + self.tr("(The reply ended early: {0}.)").format(result.reply.status)
            self._show_reply(text, cut=result.reply.cut)

    def _on_verifier_failed(self, error: object) -> None:
        from realtime_gui.verify.findings import VerifyError

        self._reply_refresh.stop()
        if not isinstance(error, VerifyError):
            log.error(
                "unexpected error in a token check: %r",
                error,
                exc_info=error if isinstance(error, BaseException) else None,
            )
            self._show(
                self.tr("Something unexpected went wrong ({0}). Details were written to the log.").format(
                    type(error).__name__
                ),
                ERROR,
            )
            return
        lines = [f"✓ {as_sentence(error.opened.summary())}"] if error.opened is not None else []
        lines.append(f"✗ {error}")
        facts = _facts(error)
        if facts:
            lines.append(facts)
        self._show("\n".join(lines), ERROR)
        if error.partial_reply:
            self._show_reply(error.partial_reply, cut=error.reply_cut)

    def _on_verifier_cancelled(self) -> None:
        self._reply_refresh.stop()
        self._show(self.tr("Test cancelled: the session was closed."), MUTED)

    def _show(self, text: str, color: str, *, about_token: bool = True) -> None:
        """Say `text` in the result line; once the token has expired, a result `about_token` is marked as
        belonging to it and dimmed, so that it cannot be read as the state of a token still usable."""
        make_selectable(self.result)
        secret = self._token.value if self._token is not None else ""
        self._result = (text, color) if about_token else None
        if about_token and self._expired:
            text = self.tr("This Test was of a token that has since expired:") + "\n" + text
            color = MUTED
        self.result.setText(shown(text, secret, multiline=True, limit=2 * DEFAULT_LIMIT))
        set_text_color(self.result, color)
        self.result.show()

    def _show_reply(self, text: str, *, cut: int = 0) -> None:
        self._reply_shown = text
        secret = self._token.value if self._token is not None else ""
        said = shown(text, secret, multiline=True, limit=REPLY_LIMIT)
        if cut:
            said += "\n" + self.tr("(The reply was cut: {0:,} more characters were not kept.)").format(cut)
        self.reply.setPlainText(said)
        self.reply.show()
        bar = self.reply.verticalScrollBar()
        bar.setValue(bar.maximum())

    # -- Copy as… --

    def copy_snippet(self, kind: str, *, with_token: bool) -> bool:
        """Copy the `kind` snippet (snippets.SNIPPET_KINDS) for the shown token; the token in it only `with_token`."""
        from realtime_gui.verify.snippets import TokenUse, available, snippet

        token, connection = self._token, self._connection
        if token is None or connection is None or available(kind, token.endpoint) is not None:
            return False
        if with_token and self._expired:
            return False
        use = TokenUse(endpoint=token.endpoint, base_url=connection.base_url, model=token.model, token=token.value)
        QGuiApplication.clipboard().setText(snippet(kind, use, with_token=with_token))
        flash(self.copy_as, self.tr("Copied ✓"), self._copied_feedback)
        return True


def _facts(error: VerifyError) -> str:
    """The refusal's details on one line, as the mint's banner gives them."""
    from realtime_gui.verify.findings import ErrorEvent, UpgradeRefused

    pairs: list[tuple[str, str | None]] = []
    if isinstance(error, UpgradeRefused):
        d = error.details
        pairs = [("type", d.type), ("code", d.code), ("request id", d.request_id)]  # the status is in the sentence
    elif isinstance(error, ErrorEvent):
        pairs = [("type", error.type), ("code", error.code), ("param", error.param)]
    return " · ".join(f"{label} {value}" for label, value in pairs if value)
