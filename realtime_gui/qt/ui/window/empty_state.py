"""What a first start without a key shows beside the form: how to add a key, and that the demo needs none."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from realtime_gui.qt.ui.style.look import emphasize


class EmptyState(QFrame):
    add_key_clicked = Signal()
    demo_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(self.tr("No API key yet"))
        emphasize(title)
        self.text = QLabel()
        self.text.setObjectName("emptyStateText")
        self.text.setWordWrap(True)
        self.offer(keyring=True)
        self.add_key = QPushButton(self.tr("&Add API key…"))
        self.add_key.setObjectName("addKey")
        self.add_key.clicked.connect(self.add_key_clicked)
        self.demo = QPushButton(self.tr("Try the &demo"))
        self.demo.setObjectName("tryDemo")
        self.demo.clicked.connect(self.demo_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_key)
        buttons.addWidget(self.demo)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setAccessibleName(self.tr("No API key yet"))
        self.hide()

    def offer(self, *, keyring: bool) -> None:
        """Say where an added key goes: the OS keyring, or (without one) this run's memory."""
        where = (
            self.tr("it is kept in the OS keyring, never in a file")
            if keyring
            else self.tr("with no OS keyring here, it is kept in memory for this run only")
        )
        # Rich text (QLabel tells it by the tag; all of it ours), so that the command is written unbreakable.
        self.text.setText(
            self.tr(
                "<p>Add your OpenAI API key to mint real tokens: {0}. Or try the demo first: everything against a "
                "fake server on this computer, no account needed (the same as starting {1}).</p>"
            ).format(where, unbroken("realtime-gui --demo"))
        )


def unbroken(command: str) -> str:
    """`command` as one unbreakable run of rich text: a word joiner after each hyphen (a line may break after a
    hyphen, and "realtime-gui --" / "demo)" reads as another command) and no-break spaces, written as entities."""
    return command.replace("-", "-&#8288;").replace(" ", "&nbsp;")
