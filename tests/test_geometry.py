"""Size and place: the window fits a small screen at first start and after restoring a geometry from a bigger one;
a form is as tall as its content; an empty section is not shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QGroupBox
from pytestqt.qtbot import QtBot

from realtime_gui.qt.ui.main_window import MainWindow

from conftest import OpenWindow
from driving import child

# A child process, because the screen's size is fixed when the QApplication starts: the offscreen platform reads
# its screens from a file. It opens the window twice on an 800 x 600 screen: first start, then with the geometry a
# 1600 x 1000 window at (900, 700) on a bigger screen left behind.
PROBE = """
import json, sys
from PySide6.QtCore import QByteArray, QRect
from PySide6.QtWidgets import QApplication
app = QApplication([])
from realtime_gui.qt.app import create_window
from realtime_gui.qt.settings import Settings

def report(window):
    window.show()
    app.processEvents()
    def rect(widget):
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        return [top_left.x(), top_left.y(), widget.width(), widget.height()]
    screen = window.screen().availableGeometry()
    parts = {"window": window.frameGeometry(), "mint": window.mint_button, "status": window.statusBar(),
             "token": window.token_panel.token, "copyCurl": window.token_panel.copy_curl,
             "endpoint": window.endpoint_combo, "key": window.key_button}
    def box(w):
        return [w.x(), w.y(), w.width(), w.height()] if isinstance(w, QRect) else rect(w)
    out = {name: box(w) for name, w in parts.items()}
    out["screen"] = [screen.x(), screen.y(), screen.width(), screen.height()]
    return out

settings = sys.argv[1]
first = create_window(["--settings", settings])
result = {"first": report(first)}
first.close()
big = create_window(["--settings", settings])
big.setGeometry(900, 700, 1600, 1000)
saved = Settings(settings)
saved.set_geometry(QByteArray(big.saveGeometry()))
saved.sync()
big.hide()
restored = create_window(["--settings", settings])
result["restored"] = report(restored)
print(json.dumps(result))
"""


def inside(rect: list[int], screen: list[int]) -> bool:
    x, y, w, h = rect
    sx, sy, sw, sh = screen
    return sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh


def test_the_window_fits_an_800_by_600_screen_first_and_after_a_restore(tmp_path: Path) -> None:
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{"name": "small", "x": 0, "y": 0, "width": 800, "height": 600}]}))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for when, parts in result.items():
        screen = parts.pop("screen")
        assert screen == [0, 0, 800, 600]
        outside = {name: rect for name, rect in parts.items() if not inside(rect, screen)}
        assert not outside, f"{when}: off the screen: {outside}"


def test_a_shorter_form_does_not_scroll_into_blank_space(qtbot: QtBot, open_window: OpenWindow) -> None:
    window: MainWindow = open_window()
    window.resize(800, 600)
    bar = window.form_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the realtime form is longer than the window
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    form = window.form
    viewport = window.form_scroll.viewport().height()
    needed = max(0, form.minimumSizeHint().height() - viewport)
    qtbot.waitUntil(lambda: bar.maximum() <= needed + 2)
    assert window.stack.height() <= max(viewport, form.minimumSizeHint().height()) + 2
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("realtime"))
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # and back: the long form scrolls all the way again


def test_an_endpoint_without_model_or_voice_shows_no_empty_box(open_window: OpenWindow) -> None:
    window: MainWindow = open_window()
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    box = child(window.form, QGroupBox, "section:Model & voice")
    assert box.isHidden()
    assert not child(window.form, QGroupBox, "section:Input audio").isHidden()
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("realtime"))
    assert not child(window.form, QGroupBox, "section:Model & voice").isHidden()
