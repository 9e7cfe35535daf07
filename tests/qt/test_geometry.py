"""Size and place: the window fits a small screen at first start and after restoring a geometry from a bigger one;
a form is as tall as its content; an empty section is not shown; the token's buttons wrap under it on a narrow
token side and none has its text clipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.qt.ui.token_side.token_panel import TOKEN_MIN_CHARS
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import OpenWindow
from driving import child
from processes import child_env

# A child process, because the screen's size is fixed when the QApplication starts: the offscreen platform reads
# its screens from a file. It opens the window twice on an 800 x 600 screen: first start, then with the geometry a
# 1600 x 1000 window at (900, 700) on a bigger screen left behind.
PROBE = """
import json, os, sys
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
print(json.dumps(result), flush=True)
# Ended as the app ends: each window's calls stopped, and a thread still running then is not waited for (Qt would
# abort on it at exit).
if not all([window.controller.shutdown() for window in (first, big, restored)]):
    os._exit(0)
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
        env={**child_env(tmp_path), "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"},  # never the real keyring
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
    box = window.form.findChild(QGroupBox, "section:Model & voice")
    assert box is None or box.isHidden()  # its only row (session.type) is fixed: no section is made for it
    assert not child(window.form, QGroupBox, "section:Input audio").isHidden()
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("realtime"))
    assert not child(window.form, QGroupBox, "section:Model & voice").isHidden()


# The window's size on a 1366 x 768 screen at 2x scale (683 x 384 device-independent pixels, less the frame).
SMALL_SCREEN_2X = (667, 344)


def token_side_buttons(window: MainWindow) -> list[QAbstractButton]:
    panel = window.token_panel
    return [panel.reveal, panel.copy, panel.verify.test_button, panel.verify.copy_as]


def assert_fully_shown(window: MainWindow, widget: QWidget) -> None:
    """`widget` lies inside the token side's viewport horizontally (scrolling down may be needed, sideways not)."""
    viewport = window.token_scroll.viewport()
    left = widget.mapTo(viewport, QPoint(0, 0)).x()
    assert left >= 0, f"{widget.objectName()} is cut off on the left"
    assert left + widget.width() <= viewport.width(), f"{widget.objectName()} is cut off on the right"


def test_the_token_row_stays_usable_on_a_small_screen_at_2x(qtbot: QtBot, open_window: OpenWindow) -> None:
    window: MainWindow = open_window()
    with qtbot.waitSignal(window.controller.minted, timeout=8000):
        window.mint()
    window.resize(*SMALL_SCREEN_2X)
    panel = window.token_panel
    qtbot.waitUntil(lambda: window.token_scroll.viewport().width() < 300)
    QApplication.processEvents()
    assert window.token_scroll.horizontalScrollBar().maximum() == 0, "nothing on the token side is off to the right"
    token = panel.token
    assert token.width() >= token.fontMetrics().averageCharWidth() * TOKEN_MIN_CHARS, "the token stays readable"
    assert_fully_shown(window, token)
    buttons = token_side_buttons(window)
    for button in buttons:
        assert button.isVisible()
        assert_fully_shown(window, button)
        assert button.width() >= button.sizeHint().width(), f"{button.text()} is squeezed"
    boxes = [QRect(w.mapTo(panel, QPoint(0, 0)), w.size()) for w in [token, *buttons]]
    for i, box in enumerate(boxes):
        assert not any(box.intersects(other) for other in boxes[i + 1 :]), "nothing overlaps"
    assert panel.reveal.y() > token.y(), "the buttons went under the field"
    window.resize(1180, 780)  # room again: the buttons come back beside the field
    qtbot.waitUntil(lambda: panel.reveal.y() == panel.copy.y() and abs(panel.reveal.y() - token.y()) < token.height())


def changed_pixels(before: QImage, after: QImage) -> QRect:
    """The bounding box of the pixels that differ between two grabs of the same widget."""
    box = QRect()
    for y in range(before.height()):
        for x in range(before.width()):
            if before.pixel(x, y) != after.pixel(x, y):
                box = box.united(QRect(x, y, 1, 1))
    return box


def text_and_arrow(button: QPushButton) -> tuple[QRect, QRect]:
    """Where `button` paints its text and where its menu arrow, at its size in the window."""
    text, menu = button.text(), button.menu()
    size = button.size()
    button.setFixedSize(size)  # the probes below must not resize it
    try:
        with_text = button.grab().toImage()
        button.setText("")
        arrow_only = button.grab().toImage()
        button.setMenu(None)  # type: ignore[arg-type]  # Qt takes a null menu; the stubs do not say so
        bare = button.grab().toImage()
    finally:
        button.setMenu(menu)
        button.setText(text)
        button.setMinimumSize(0, 0)
        button.setMaximumSize(16777215, 16777215)
    return changed_pixels(arrow_only, with_text), changed_pixels(bare, arrow_only)


def test_copy_as_s_menu_arrow_is_not_drawn_over_its_text(qtbot: QtBot, open_window: OpenWindow) -> None:
    window: MainWindow = open_window()
    with qtbot.waitSignal(window.controller.minted, timeout=8000):
        window.mint()
    button = window.token_panel.verify.copy_as
    assert button.isEnabled()
    text, arrow = text_and_arrow(button)
    assert not text.isEmpty()
    assert not arrow.isEmpty()
    space = button.fontMetrics().horizontalAdvance(" ")
    assert arrow.left() - text.right() > space, f"the arrow {arrow} stands clear of the text {text}, by a space"


# The window on a 1366 x 768 screen at 2x scale (683 x 384 device-independent pixels), serving on: for each endpoint,
# the form's height and whether anything scrolls sideways, before serving, while serving, and with the port taken.
SERVING_PROBE = """
import json, os, socket, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from realtime_gui.api.catalog import ENDPOINTS
from realtime_gui.qt.app import create_window

def settle():
    for _ in range(10):
        app.sendPostedEvents()
        app.processEvents()

window = create_window(["--settings", sys.argv[1], "--demo"])
window.show()
settle()

def measure():
    settle()
    return {
        "form": window.form_scroll.viewport().height(),
        "form_sideways": window.form_scroll.horizontalScrollBar().maximum(),
        "token_sideways": window.token_scroll.horizontalScrollBar().maximum(),
        "window": [window.frameGeometry().width(), window.frameGeometry().height()],
    }

out = {"screen": [window.screen().availableGeometry().width(), window.screen().availableGeometry().height()]}
for endpoint_id in ENDPOINTS:
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData(endpoint_id))
    out[endpoint_id] = {"off": measure()}
with socket.socket() as squatter:
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    taken = squatter.getsockname()[1]
    window.serve.start(taken)  # taken: the panel offers another port
    for endpoint_id in ENDPOINTS:
        window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData(endpoint_id))
        out[endpoint_id]["port taken"] = measure()
    assert window.serve.start(window.serve.panel.port.value())
    for endpoint_id in ENDPOINTS:
        window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData(endpoint_id))
        out[endpoint_id]["serving"] = measure()
    panel = window.serve.panel
    inside = panel.width() <= window.token_scroll.viewport().width()
    out["panel"] = {"visible": panel.isVisible(), "url": panel.url.text(), "inside": inside}
window.serve.stop()
window.close()
print(json.dumps(out), flush=True)
if not window.controller.shutdown():  # ended as the app ends (see PROBE)
    os._exit(0)
"""


def test_serving_on_a_small_screen_at_2x_keeps_the_form_and_never_scrolls_sideways(tmp_path: Path) -> None:
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768}]}))
    done = subprocess.run(
        [sys.executable, "-c", SERVING_PROBE, str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**child_env(tmp_path), "QT_QPA_PLATFORM": f"offscreen:configfile={screens}", "QT_SCALE_FACTOR": "2"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result.pop("screen") == [683, 384], "2x on 1366 x 768"
    panel = result.pop("panel")
    assert panel["visible"]
    assert panel["url"].startswith("http://127.0.0.1:")
    assert panel["inside"], "the serving panel fits the token side"
    for endpoint_id, states in result.items():
        off = states["off"]
        for state, seen in states.items():
            where = f"{endpoint_id}, {state}"
            assert seen["window"][0] <= 683, f"{where}: the window is wider than the screen"
            assert seen["form_sideways"] == 0, f"{where}: the form scrolls sideways"
            assert seen["token_sideways"] == 0, f"{where}: the token side scrolls sideways"
            assert seen["form"] * 3 >= off["form"] * 2, f"{where}: the form keeps two thirds of its height"
