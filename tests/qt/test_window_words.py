"""Banners, fields and words (issue 17 §2): a banner about a field ends when the field is fixed; nothing moves under
the pointer when an error line goes away; an invalid number box keeps its arrows and width; a key kept in memory is a
success; the title names the profile; the revealed token reads whole; failure text wraps; no "Expires in expired";
the serve panel's refusals in words; the first-start text and the About box never break a command or a path."""

from __future__ import annotations

import html
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QStyle,
    QStyleOptionSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from realtime_gui import __version__
from realtime_gui.qt.ui.form.number_box import NumberBox
from realtime_gui.qt.ui.style.palette import ERROR, tone_color
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow
from driving import WAIT_MS, child, choose_endpoint, field, line_edit, mint, named
from misbehaving import FakeOpenAI, Fault, FaultKind

# -- banners about fields --------------------------------------------------------------------------------------


def test_a_banner_about_a_field_ends_when_the_field_is_fixed(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    choose_endpoint(window, "translation")
    qtbot.keyClicks(child(window.form, QLineEdit, "session.audio.output.language"), "es")
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert server.requests == []
    assert "session.model is required" in window.error_text.text()
    assert window.error_banner.isVisible()
    model = child(window.form, QComboBox, "session.model")
    model.setCurrentIndex(model.findText("gpt-realtime-translate"))  # chosen from the list
    assert window.error_banner.isHidden(), "the banner spoke of that field only"


def test_a_banner_about_several_fields_stays_until_the_last_is_fixed(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    speed = child(window.form, NumberBox, "session.audio.output.speed")
    lifetime = child(window.form, NumberBox, "expires_after.seconds")
    for box, text in ((speed, "5"), (lifetime, "5")):
        box.edit.setFocus()
        qtbot.keyClicks(box.edit, text)
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert "2 values to fix" in window.error_text.text()
    speed.edit.setFocus()
    speed.edit.selectAll()
    qtbot.keyClicks(speed.edit, "1.2")
    assert window.error_banner.isVisible(), "the lifetime is still to fix"
    lifetime.edit.setFocus()
    lifetime.edit.selectAll()
    qtbot.keyClicks(lifetime.edit, "60")
    assert window.error_banner.isHidden()
    assert server.requests == []


def test_the_api_s_refusal_of_a_field_ends_when_that_field_changes(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.BAD_PARAM, param="session.audio.output.voice"))
    mint(qtbot, window)
    assert window.error_banner.isVisible()
    voice = child(window.form, QComboBox, "session.audio.output.voice")
    assert voice.property("invalid") is True
    line_edit(voice).setFocus()
    qtbot.keyClicks(line_edit(voice), "marin")
    assert window.error_banner.isHidden()


# -- nothing moves under the pointer ----------------------------------------------------------------------------


def settle() -> None:
    """Run the layout passes a change sets off: each level's layout request is posted while the one below runs."""
    for _ in range(10):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def top_in(window: MainWindow, widget: QWidget) -> int:
    return widget.mapTo(window, QPoint(0, 0)).y()


def test_an_error_line_going_away_keeps_its_space_while_the_pointer_is_over_the_form(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    speed = child(window.form, NumberBox, "session.audio.output.speed")
    below = child(window.form, QComboBox, "session.audio.input.format.type")
    window.form_scroll.ensureWidgetVisible(speed, 0, 200)
    speed.edit.setFocus()
    qtbot.keyClicks(speed.edit, "5")
    qtbot.keyClick(speed.edit, Qt.Key.Key_Tab)  # done typing: the problem is said under the field
    error = child(window.form, QLabel, "session.audio.output.speed#error")
    qtbot.waitUntil(error.isVisible, timeout=WAIT_MS)
    qtbot.mouseMove(below, below.rect().center())  # the pointer on its way to the next field
    qtbot.waitUntil(window.form.underMouse, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: error.height() > 0 and below.isVisible(), timeout=WAIT_MS)
    where = top_in(window, below)
    speed.edit.setFocus()
    speed.edit.selectAll()
    qtbot.keyClicks(speed.edit, "1.2")  # fixed: the message goes
    assert not speed.property("invalid")
    assert error.text() == ""
    settle()
    assert top_in(window, below) == where, "the field under the pointer did not move"
    # The pointer leaves the form: the space goes with it.
    qtbot.mouseMove(window.token_panel, window.token_panel.rect().center())
    qtbot.waitUntil(lambda: top_in(window, below) < where, timeout=WAIT_MS)
    assert error.isHidden()


# -- the number box --------------------------------------------------------------------------------------------


@pytest.fixture
def keep_palette(qapp: QApplication) -> Iterator[None]:
    saved = QPalette(qapp.palette())
    yield
    qapp.setPalette(saved)


def arrows(box: QAbstractSpinBox) -> QRect:
    """Where the style draws the box's step arrows."""
    option = QStyleOptionSpinBox()
    option.initFrom(box)
    option.subControls = QStyle.SubControl.SC_SpinBoxUp | QStyle.SubControl.SC_SpinBoxDown
    up = box.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxUp, box)
    down = box.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxDown, box)
    return up.united(down).intersected(box.rect())


def near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def inner(image: QImage, rect: QRect) -> list[int]:
    """The pixels of `rect` less a 3 px rim (where the error border may be drawn)."""
    part = rect.adjusted(3, 3, -3, -3)
    return [image.pixel(x, y) for y in range(part.top(), part.bottom()) for x in range(part.left(), part.right())]


@pytest.mark.usefixtures("keep_palette")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_invalid_number_box_keeps_its_arrows_and_its_width(
    qtbot: QtBot, open_window: OpenWindow, scheme: str
) -> None:
    window = open_window("--color-scheme", scheme)
    box = child(window.form, NumberBox, "expires_after.seconds")
    window.form_scroll.ensureWidgetVisible(box)
    box.edit.setFocus()
    qtbot.keyClicks(box.edit, "50")
    qtbot.keyClick(box.edit, Qt.Key.Key_Tab)
    assert not box.property("invalid")
    size, valid = box.size(), box.grab().toImage()
    box.edit.setFocus()
    box.edit.selectAll()
    qtbot.keyClicks(box.edit, "50.5")  # not a whole number: both arrows still step it
    qtbot.keyClick(box.edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: box.property("invalid") is True, timeout=WAIT_MS)
    QApplication.processEvents()
    assert box.size() == size, "the box keeps its width (and height)"
    invalid = box.grab().toImage()
    where = arrows(box)
    assert not where.isEmpty()
    assert inner(invalid, where) == inner(valid, where), "the step arrows are drawn as before"
    # The mark itself: the left edge in the error tone of this scheme.
    holder = box.parentWidget()
    assert holder is not None
    error = tone_color(holder.palette(), ERROR)
    left = [QColor(invalid.pixel(1, y)) for y in range(4, invalid.height() - 4)]
    assert any(near(c, error) for c in left)


# -- keys, titles, tokens --------------------------------------------------------------------------------------


def test_a_key_kept_in_memory_without_a_keyring_is_a_success(qtbot: QtBot, open_window: OpenWindow) -> None:
    keyring.set_keyring(fail.Keyring())  # conftest's fixture puts its own back afterwards
    window = open_window()
    qtbot.waitUntil(lambda: "No OS keyring" in window.key_label.text(), timeout=WAIT_MS)
    dialog = window.open_key_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "keyEntry"), TEST_KEY)
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert window.error_banner.isHidden(), "no red banner for a key that works"
    assert "kept in memory for this run only" in window.statusBar().currentMessage()


def test_the_title_follows_the_profile(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window("--demo")
    assert window.windowTitle() == "Demo (fake server on this computer) — Realtime GUI"
    combo = window.profile_combo
    combo.setCurrentIndex(combo.findData("test"))
    assert window.windowTitle() == "test — Realtime GUI"
    combo.setCurrentIndex(combo.findData("demo"))
    assert window.windowTitle() == "Demo (fake server on this computer) — Realtime GUI"


def whole_token(window: MainWindow) -> QLabel | None:
    label = window.token_panel.findChild(QLabel, "tokenWhole")
    return label if label is not None and label.isVisible() else None


@pytest.mark.parametrize("size", [(1000, 560), (667, 344)])
def test_the_revealed_token_can_be_read_whole(qtbot: QtBot, open_window: OpenWindow, size: tuple[int, int]) -> None:
    window = open_window()
    window.resize(*size)
    mint(qtbot, window)
    panel = window.token_panel
    value = panel.token.text()
    assert whole_token(window) is None, "masked, nothing more is shown"
    qtbot.mouseClick(panel.reveal, Qt.MouseButton.LeftButton)
    shown = panel.token.fontMetrics().horizontalAdvance(value) <= panel.token.width() - 8
    label = whole_token(window)
    if shown:
        assert label is None, "the field shows it whole already"
        return
    assert label is not None, "the field shows only part of it: the whole token under it"
    assert label.text().replace("&#8203;", "") == html.escape(value)
    assert label.textFormat() == Qt.TextFormat.RichText
    viewport = window.token_scroll.viewport()
    left = label.mapTo(viewport, QPoint(0, 0)).x()
    assert left >= 0, "inside the token side"
    assert left + label.width() <= viewport.width(), "inside the token side"
    lines = label.heightForWidth(label.width()) // label.fontMetrics().lineSpacing()
    assert lines >= 1
    assert label.heightForWidth(label.width()) <= label.height() + 1, "every line of it is shown"
    assert not label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse, "no copy with breaks"
    qtbot.mouseClick(panel.reveal, Qt.MouseButton.LeftButton)
    assert whole_token(window) is None


def test_a_narrow_window_shows_the_whole_token_when_revealed(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.resize(667, 344)
    mint(qtbot, window)
    qtbot.mouseClick(window.token_panel.reveal, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: whole_token(window) is not None, timeout=WAIT_MS)


def test_failure_text_wraps_in_the_response_tab(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    window.resize(800, 600)
    server.inject(Fault(FaultKind.SERVER_ERROR))
    mint(qtbot, window)
    view = child(window, QPlainTextEdit, "responseJson")
    assert view.toPlainText().startswith("No token.")
    assert view.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    QApplication.processEvents()
    assert view.horizontalScrollBar().maximum() == 0, "read whole without scrolling sideways"
    mint(qtbot, window)  # a token's JSON keeps its lines
    assert view.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap


def test_an_expired_token_does_not_say_expires_in_expired(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    now = [time.time()]
    window.token_panel.clock = lambda: now[0]
    field(window, "expires_after.seconds").set_value(30)
    mint(qtbot, window)
    row = window.token_panel.expires_label
    assert row.text() == "Expires in"
    now[0] += 31
    window.token_panel.tick()
    assert named(window, "expiresIn").property("urgency") == "expired"
    assert (row.text(), child(window, QLabel, "expiresIn").text()) == ("Status", "expired")
    now[0] = time.time()
    mint(qtbot, window)
    assert row.text() == "Expires in", "a new token counts down again"


# -- the serve panel -------------------------------------------------------------------------------------------


def test_a_refusal_to_a_client_without_an_origin_is_said_in_words(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path
) -> None:
    import http.client

    from conftest import free_port

    port = free_port()
    window = open_window()
    assert window.serve.start(port)
    field(window, "expires_after.seconds").set_value(5)  # the form has a problem: requests are refused
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/token")  # as curl asks: no Origin
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 400
    counts = window.serve.panel.counts
    qtbot.waitUntil(lambda: "1 refused" in counts.text(), timeout=WAIT_MS)
    assert "(the last: HTTP 400, invalid value, asked by a client without an Origin)" in counts.text()
    assert "from -" not in counts.text()
    assert "invalid_value" not in counts.text()
    window.serve.stop()


# -- no break inside a command or a path -----------------------------------------------------------------------


def rendered_lines(label: QLabel, width: int) -> list[str]:
    """The lines the label's text is laid out in at `width` (as a QLabel lays it out), with the characters that
    only glue words together (no-break space, word joiner) read as what they show."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    if label.textFormat() == Qt.TextFormat.RichText or label.text().startswith("<"):
        document.setHtml(label.text())
    else:
        document.setPlainText(label.text())
    document.setTextWidth(width)
    document.size()  # lays it out
    lines = []
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        text = block.text()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            part = text[line.textStart() : line.textStart() + line.textLength()]
            lines.append(part.replace("\u00a0", " ").replace("\u2060", "").replace("\u2028", "").strip())
        block = block.next()
    return lines


def test_the_first_start_text_never_breaks_the_demo_command(open_window: OpenWindow) -> None:
    window = open_window()
    label = child(window.empty_state, QLabel, "emptyStateText")
    for width in range(160, 700, 7):
        lines = rendered_lines(label, width)
        together = [line for line in lines if "realtime-gui" in line]
        assert together, f"at {width} px: {lines}"
        assert "realtime-gui --demo" in together[0], f"at {width} px: {lines}"


@pytest.fixture
def short_folder() -> Iterator[Path]:
    """A folder with a path as long as a person's (~/.config/realtime-gui/): under pytest-xdist a test's tmp_path
    alone is wider than the screen's three quarters the About box may take. Asked for before open_window, so it is
    removed after the window (which writes its settings there as it closes)."""
    folder = Path(tempfile.mkdtemp(prefix="rg-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("short", [False, True])
def test_the_about_box_never_breaks_the_settings_path(
    qtbot: QtBot, short_folder: Path, open_window: OpenWindow, short: bool
) -> None:
    window = open_window("--settings", str(short_folder / ("s-1.ini" if short else "realtime-gui.ini")))
    box = window.about()
    qtbot.addWidget(box)
    label = child(box, QLabel, "qt_msgbox_label")
    path = window.settings.file_name
    assert "-" in Path(path).name  # realtime-gui.ini: a hyphen where a plain label would break
    qtbot.waitUntil(label.isVisible, timeout=WAIT_MS)
    lines = rendered_lines(label, label.width())
    assert lines == [
        f"Realtime GUI {__version__}",
        "Mints short-lived OpenAI Realtime API tokens.",
        "Settings:",
        path,
    ], "every line whole, the path on a line of its own"
    assert box.width() <= window.screen().availableGeometry().width()
    box.close()
    assert isinstance(box, QMessageBox)
