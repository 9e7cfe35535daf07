"""Demo mode: a fake OpenAI server in this process, on this computer only, and a "demo" profile that uses it
with a key kept in memory; started by --demo or from the window's first-run offer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import DEMO_PROFILE, Profile

if TYPE_CHECKING:
    from realtime_gui.qt.ui.window.main_window import MainWindow

TITLE = "Demo (fake server on this computer)"


def start_demo(window: MainWindow) -> None:
    """Start the fake server (once) and switch the window to the demo profile."""
    if window.demo_server is None:
        from realtime_gui.demo import DEMO_KEY, FakeOpenAI  # only in demo mode

        # Like the real API today, the demo answers the retired beta endpoints with their retirement error.
        server = FakeOpenAI(retire_beta=True).start()
        window.demo_server = server
        window.destroyed.connect(lambda *_: server.stop())
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(server.stop)
        window.profiles[DEMO_PROFILE] = Profile(DEMO_PROFILE, Connection(base_url=server.base_url, timeout=10))
        window.controller.use_key_in_memory(DEMO_PROFILE, DEMO_KEY)
    window.set_title_note(TITLE)
    window.select_profile(DEMO_PROFILE)
