"""Renders resources/screenshot.png for the README: the window in demo mode right after a mint.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python resources/render_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from realtime_gui.qt.app import create_window
from realtime_gui.qt.ui.main_window import MainWindow


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("screenshot.png")
    app = QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = create_window(["--demo", "--settings", str(Path(folder) / "settings.ini")])
        assert isinstance(window, MainWindow)
        window.resize(1280, 860)
        window.show()
        window.form.set_values(
            {
                "session.model": "gpt-realtime-2",
                "session.instructions": "You are a friendly concierge. Keep answers short.",
                "session.audio.output.voice": "marin",
                "session.audio.input.turn_detection": {},
                "session.audio.input.turn_detection.type": "semantic_vad",
                "session.audio.input.turn_detection.eagerness": "high",
                "expires_after.seconds": 300,
            }
        )
        window.mint()
        deadline = time.monotonic() + 10
        while window.token_panel.current is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if window.token_panel.current is None:
            raise SystemExit(f"no token: {window.error_text.text()}")
        app.processEvents()
        window.grab().save(str(out))
        window.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
