"""Renders the README's screenshots: the window in demo mode right after a mint, in the light palette
(resources/screenshot.png) and the dark one (resources/screenshot-dark.png).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python resources/render_screenshot.py [--scheme light|dark] [OUT]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from realtime_gui.qt.app import create_window
from realtime_gui.qt.ui.window.main_window import MainWindow

NAMES = {"light": "screenshot.png", "dark": "screenshot-dark.png"}


def main() -> None:
    parser = argparse.ArgumentParser(description="Render the README's screenshots.")
    parser.add_argument("--scheme", choices=list(NAMES), help="only this palette (default: both)")
    parser.add_argument("out", nargs="?", type=Path, help="where to write (with --scheme)")
    args = parser.parse_args()
    app = QApplication([])
    for scheme in [args.scheme] if args.scheme else list(NAMES):
        render(app, scheme, args.out or Path(__file__).with_name(NAMES[scheme]))


def render(app: QApplication, scheme: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        window = create_window(["--demo", "--color-scheme", scheme, "--settings", str(Path(folder) / "settings.ini")])
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
