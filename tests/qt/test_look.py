"""Readable in any palette: every coloured text, measured in a grab of the window, reaches WCAG AA (4.5:1) in a
light and a dark palette; the palette follows the system's colour scheme as Qt reports it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.qt.ui.style import qt_values
from realtime_gui.qt.ui.style.palette import AA, WARNING, apply_color_scheme, contrast, is_dark, tone_of

from conftest import OpenWindow
from driving import child, mint
from misbehaving import FakeOpenAI, Fault, FaultKind


@pytest.fixture
def keep_palette(qapp: QApplication) -> Iterator[None]:
    """The palette is the application's: put it back for the next test."""
    saved = QPalette(qapp.palette())
    yield
    qapp.setPalette(saved)


def measured_contrast(image: QImage, rect: QRect) -> float:
    """Contrast of the text in `rect` of a grab: its most common colour is the background, the pixel farthest from
    it the text (antialiasing only lightens glyph edges, never the glyph's core)."""
    colours = Counter(
        image.pixel(x, y) for x in range(rect.left(), rect.right() + 1) for y in range(rect.top(), rect.bottom() + 1)
    )
    background = QColor.fromRgb(colours.most_common(1)[0][0])
    return max(contrast(QColor.fromRgb(pixel), background) for pixel in colours)


def rect_in(window: QWidget, widget: QWidget) -> QRect:
    """The part of `widget` a person can see, in window coordinates."""
    seen = widget.visibleRegion().boundingRect()
    assert widget.isVisible(), widget.objectName()
    assert seen.height() >= widget.height() // 2, f"{widget.objectName()} is scrolled out of view"
    return seen.translated(widget.mapTo(window, QPoint(0, 0))).adjusted(1, 1, -1, -1)


@pytest.mark.usefixtures("keep_palette")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_coloured_text_reaches_aa_in_light_and_dark(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, scheme: str
) -> None:
    window = open_window("--color-scheme", scheme)
    assert is_dark(window.palette()) is (scheme == "dark")
    window.resize(800, 600)
    form = window.form
    tools = child(form, QPlainTextEdit, "session.tools")
    tools.setPlainText('[{"type": "function", "name": "f", "parameters": {"type": "object"}}]')
    server.inject(Fault(FaultKind.SKEWED_DATE, seconds=3600))
    now = [time.time()]
    window.token_panel.clock = lambda: now[0]
    mint(qtbot, window)
    now[0] += 595  # the default lifetime is 600 s: five seconds left, the countdown turns urgent
    window.token_panel.tick()
    window.form_scroll.ensureWidgetVisible(child(form, QLabel, "session.tools#status"))
    QApplication.processEvents()  # the scroll and the repaints it posted
    image = window.grab().toImage()
    checks: dict[str, QWidget] = {
        "valid JSON": child(form, QLabel, "session.tools#status"),
        "urgent countdown": window.token_panel.expires_in,
        "clock note": window.token_panel.clock_note,
    }
    assert window.token_panel.expires_in.property("urgency") == "urgent"
    assert tone_of(window.token_panel.clock_note) == WARNING  # toned when first shown, not at start-up
    results = {name: measured_contrast(image, rect_in(window, widget)) for name, widget in checks.items()}

    # A value to fix: the banner, the message under the field, and the JSON status in the error tone.
    tools.setPlainText('[{"type": "function", "parameters": {"type": "string"}}]')
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.error_banner.isVisible())
    QApplication.processEvents()  # "go to the problem" scrolls once the layout has settled (a zero timer)
    image = window.grab().toImage()
    results["error banner"] = measured_contrast(image, rect_in(window, window.error_text))
    results["field problem"] = measured_contrast(image, rect_in(window, child(form, QLabel, "session.tools#status")))

    # Muted: "expired", and the placeholder of an empty field.
    now[0] += 60
    window.token_panel.tick()
    instructions = child(form, QPlainTextEdit, "session.instructions")
    window.form_scroll.ensureWidgetVisible(instructions)
    QApplication.processEvents()  # the scroll and the repaints it posted
    image = window.grab().toImage()
    results["expired"] = measured_contrast(image, rect_in(window, window.token_panel.expires_in))
    results["placeholder"] = measured_contrast(image, rect_in(window, instructions.viewport()))
    faint = {name: round(ratio, 2) for name, ratio in results.items() if ratio < AA}
    assert not faint, f"below {AA}:1 in the {scheme} palette: {faint}"


@pytest.mark.usefixtures("keep_palette")
def test_the_palette_follows_the_systems_colour_scheme(
    qtbot: QtBot, qapp: QApplication, open_window: OpenWindow
) -> None:
    window = open_window()
    qtbot.waitUntil(lambda: bool(qapp.property("followsColorScheme")))  # once the window has started up
    label = child(window.form, QLabel, "session.tools#status")  # toned (muted) from the start
    assert label.property("tone")
    light_tone = label.palette().color(QPalette.ColorRole.WindowText)
    assert not is_dark(window.palette())
    # What Qt emits when the desktop switches to dark (the offscreen platform has no desktop to switch).
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: is_dark(window.palette()))  # Qt hands the new palette to the widgets in an event
    dark_tone = label.palette().color(QPalette.ColorRole.WindowText)
    assert dark_tone != light_tone, "a toned text re-derives its colour from the new palette"
    assert contrast(dark_tone, window.palette().color(QPalette.ColorRole.Window)) >= AA
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not is_dark(window.palette()))
    assert label.palette().color(QPalette.ColorRole.WindowText) == light_tone


def test_a_dark_request_gives_a_dark_palette_even_where_the_platform_has_none(
    qapp: QApplication, keep_palette: None
) -> None:
    apply_color_scheme(qapp, "dark")
    palette = qapp.palette()
    assert is_dark(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        base = palette.color(group, QPalette.ColorRole.Base)
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.PlaceholderText):
            assert contrast(palette.color(group, role), base) >= AA, role


def test_each_qt_value_set_as_a_number_does_what_its_enum_does(qapp: QApplication) -> None:
    # qt_values.py writes them through the property system; a wrong number or a misspelt property name (which
    # would make a dynamic property and change nothing) shows here.
    label = QLabel("<b>bold?</b>")
    for name, number, setter, enum in [
        ("focusPolicy", qt_values.NO_FOCUS, label.setFocusPolicy, Qt.FocusPolicy.NoFocus),
        ("focusPolicy", qt_values.STRONG_FOCUS, label.setFocusPolicy, Qt.FocusPolicy.StrongFocus),
        ("textFormat", qt_values.PLAIN_TEXT, label.setTextFormat, Qt.TextFormat.PlainText),
        ("textFormat", qt_values.RICH_TEXT, label.setTextFormat, Qt.TextFormat.RichText),
        (
            "textInteractionFlags",
            qt_values.SELECTABLE_BY_MOUSE,
            label.setTextInteractionFlags,
            Qt.TextInteractionFlag.TextSelectableByMouse,
        ),
        (
            "textInteractionFlags",
            qt_values.TEXT_BROWSER,
            label.setTextInteractionFlags,
            Qt.TextInteractionFlag.TextBrowserInteraction,
        ),
    ]:
        assert number == enum.value, name
        label.setProperty(name, number)
        by_number = label.property(name)
        setter(enum)  # type: ignore[operator]
        assert by_number == label.property(name) == enum, name
    assert label.dynamicPropertyNames() == []
    assert (Qt.ColorScheme.Light.value, Qt.ColorScheme.Dark.value) == (qt_values.LIGHT_SCHEME, qt_values.DARK_SCHEME)
