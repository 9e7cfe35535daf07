"""The "Serve to local apps" panel, at the top of the token side: the endpoint's URL with Copy, what it served, what
the form means for the next request, and a port to choose when the usual one is taken. Widgets only: serve_toggle.py
drives it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from realtime_gui.qt.settings import SERVE_PORTS
from realtime_gui.qt.ui.style.look import ERROR, MUTED, WARNING, emphasize, make_selectable, set_text_color
from realtime_gui.qt.ui.style.wrap_row import WrapRow
from realtime_gui.serve.policy import DEFAULT_ORIGINS
from realtime_gui.shown import shown

if TYPE_CHECKING:
    from realtime_gui.serve.server import ServedRequest, ServeStats

_ORIGIN_LIMIT = 80  # an origin is short; a hostile one must not widen the window
_URL_MIN_CHARS = 16  # beside its buttons the URL shows at least this much, else they go under it


# Serve's own codes that read wrongly with their underscores turned to spaces.
_CODE_WORDS = {"not_cors": "not a CORS request"}


class ServePanel(QFrame):
    """Hidden until serving starts (or cannot start). Says what it serves; never a token or the key."""

    start_requested = Signal(int)  # port
    stop_requested = Signal()
    url_copied = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("servePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Serve to local apps"))
        self._last_refused: ServedRequest | None = None

        # -- while serving --
        self.title = QLabel(self.tr("Serving tokens to local apps at"))
        emphasize(self.title)
        self.url = QLineEdit()
        self.url.setObjectName("serveUrl")
        self.url.setReadOnly(True)
        self.url.setAccessibleName(self.tr("Token endpoint URL"))
        self.url.setToolTip(
            self.tr("Pages on {0} may GET or POST this URL for a new token.").format(", ".join(DEFAULT_ORIGINS))
        )
        self.copy = QPushButton(self.tr("Copy URL"))
        self.copy.setObjectName("copyServeUrl")
        self.copy.setToolTip(self.tr("Copy the token endpoint's URL to the clipboard"))
        self.copy.clicked.connect(self.copy_url)
        self.stop = QPushButton(self.tr("Stop serving"))
        self.stop.setObjectName("stopServing")
        self.stop.clicked.connect(self.stop_requested)
        self.counts = _wrapping_label("serveCounts")
        self.note = _wrapping_label("serveNote")
        self._serving = QWidget()
        # The title over a row that wraps its buttons under the URL: the panel lives on the token side, which is
        # narrow on a small screen (about 230 px at 2x on 1366 x 768); nothing in it scrolls sideways there.
        self.title.setWordWrap(True)
        self.url.setMinimumWidth(self.url.fontMetrics().averageCharWidth() * _URL_MIN_CHARS)
        serving = QVBoxLayout(self._serving)
        serving.setContentsMargins(0, 0, 0, 0)
        serving.addWidget(self.title)
        serving.addLayout(WrapRow(self.url, self.copy, self.stop))
        serving.addWidget(self.counts)
        serving.addWidget(self.note)

        # -- when the port cannot be used --
        self.problem = _wrapping_label("serveProblem")
        set_text_color(self.problem, ERROR)
        self.port = QSpinBox()
        self.port.setObjectName("servePort")
        self.port.setPrefix(self.tr("Port "))
        self.port.setRange(SERVE_PORTS.start, SERVE_PORTS.stop - 1)
        self.port.setAccessibleName(self.tr("Port"))
        self.start = QPushButton(self.tr("Start serving"))
        self.start.setObjectName("startServing")
        self.start.clicked.connect(lambda: self.start_requested.emit(self.port.value()))
        dismiss = QToolButton()
        dismiss.setObjectName("dismissServeProblem")
        dismiss.setText("✕")
        dismiss.setToolTip(self.tr("Dismiss"))
        dismiss.setAccessibleName(self.tr("Dismiss"))
        dismiss.clicked.connect(self.hide)
        self._unavailable = QWidget()
        offer = QVBoxLayout(self._unavailable)
        offer.setContentsMargins(0, 0, 0, 0)
        offer.addWidget(self.problem)
        offer.addLayout(WrapRow(self.port, self.start, dismiss))

        layout = QVBoxLayout(self)
        layout.addWidget(self._serving)
        layout.addWidget(self._unavailable)
        self.hide()

    # -- what the owner shows --

    def show_serving(self, url: str) -> None:
        self.url.setText(url)
        self._last_refused = None
        self.counts.setText(self.tr("No requests yet."))
        self._unavailable.hide()
        self._serving.show()
        self.show()

    def show_stopped(self) -> None:
        self.url.clear()
        self.hide()

    def show_unavailable(self, message: str, *, suggestion: int) -> None:
        """Serving could not start: say why, and offer `suggestion` (a port free now) in the port box."""
        self.problem.setText(
            self.tr("{0} Choose another port (your page must fetch from it), or stop the other program.").format(
                message
            )
        )
        self.port.setValue(suggestion)
        self._serving.hide()
        self._unavailable.show()
        self.show()
        self.port.setFocus()

    def show_stats(self, stats: ServeStats, last: ServedRequest | None) -> None:
        """The counts, whom the last token went to, and why the last refusal was made (kept until the next one)."""
        if last is not None and last.status >= 400:
            self._last_refused = last
        if stats.requests == 0:
            self.counts.setText(self.tr("No requests yet."))
            return
        tokens = self.tr("1 token served") if stats.tokens == 1 else self.tr("{0} tokens served").format(stats.tokens)
        parts = [tokens]
        if stats.tokens:
            origin = _origin(stats.last_origin) if stats.last_origin else self.tr("a client without an Origin (curl)")
            parts.append(self.tr("last to {0}").format(origin))
        refused = self.tr("{0} refused").format(stats.refused)
        if self._last_refused is not None:
            why = self._last_refused
            note = why.note or "error"  # a code for programs: "invalid_value" reads "invalid value"
            reason = _text(_CODE_WORDS.get(note, note.replace("_", " ")))
            who = _origin(why.origin) if why.origin else self.tr("a client without an Origin")
            refused += self.tr(" (the last: HTTP {0}, {1}, asked by {2})").format(why.status, reason, who)
        parts.append(refused)
        self.counts.setText(" · ".join(parts))

    def show_form_note(self, problem: str | None, *, endpoint_id: str, profile: str) -> None:
        """What the next request mints with; `problem`: why it will be refused until the form is fixed."""
        if problem is None:
            self.note.setText(
                self.tr("Each request mints a {0} token with the form as it is now, on profile “{1}”.").format(
                    endpoint_id, profile
                )
            )
            set_text_color(self.note, MUTED)
        else:
            self.note.setText(
                self.tr("{0} Until it is fixed, pages get an HTTP error that says so, and nothing is sent.").format(
                    problem
                )
            )
            set_text_color(self.note, WARNING)

    def copy_url(self) -> None:
        text = self.url.text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.url_copied.emit()


def _wrapping_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    # Word wrap cannot break a run without spaces (an Origin a client made up): Ignored keeps such a run from
    # setting the window's minimum width; the label takes the width there is and clips it.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    make_selectable(label)
    return label


def _origin(origin: str | None) -> str:
    return _text(origin) if origin else "-"


def _text(text: str) -> str:
    # Whoever asks chooses the Origin header (and so what is reported of it): shown as inert, short text.
    return shown(text, limit=_ORIGIN_LIMIT)
