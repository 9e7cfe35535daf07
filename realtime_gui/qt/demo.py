"""Demo mode: a fake OpenAI server in this process, on this computer only, and a "demo" profile that uses it
with a key kept in memory; started by --demo or from the window's first-run offer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import DEMO_PROFILE, Profile

if TYPE_CHECKING:
    from collections.abc import Callable

    from realtime_gui.demo import FakeOpenAI
    from realtime_gui.qt.workers.controller import Controller

TITLE = "Demo (fake server on this computer)"


class DemoMode(QObject):
    """Adds the demo profile to `profiles` (the window's, as saved) and its key to `controller`'s memory, once, then
    shows it with `select`; the server stops when this object is destroyed (with its parent, the window) or the
    application quits."""

    started = Signal()  # the demo profile is about to be shown: say so (the window's title shows TITLE)

    def __init__(
        self,
        *,
        profiles: dict[str, Profile],
        select: Callable[[str], None],
        controller: Controller,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._profiles = profiles
        self._select = select
        self._controller = controller
        self.server: FakeOpenAI | None = None

    def start(self) -> None:
        """Start the fake server (once) and switch to the demo profile."""
        if self.server is None:
            from realtime_gui.demo import DEMO_KEY, FakeOpenAI  # only in demo mode

            # Like the real API today, the demo answers the retired beta endpoints with their retirement error.
            server = FakeOpenAI(retire_beta=True).start()
            self.server = server
            self.destroyed.connect(lambda *_: server.stop())
            app = QApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(server.stop)
            self._profiles[DEMO_PROFILE] = Profile(DEMO_PROFILE, Connection(base_url=server.base_url, timeout=10))
            self._controller.use_key_in_memory(DEMO_PROFILE, DEMO_KEY)
        self.started.emit()
        self._select(DEMO_PROFILE)
