"""Colours derived from the palette, so every text stays readable (WCAG AA: 4.5:1) in a light or a dark scheme;
and the light/dark scheme itself, as Qt reports it (QStyleHints.colorScheme) or as --color-scheme asks.

Tones (error, ok, warning, muted) are a hue whose lightness is moved away from the palette's backgrounds until
the text reaches the contrast it needs; toned widgets are re-derived when the scheme changes.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from realtime_gui.qt.ui.style.qt_values import DARK_SCHEME, LIGHT_SCHEME

AA = 4.5  # WCAG 2 AA, normal text
TARGET = 4.7  # aimed a little higher: antialiased glyph edges are lighter than the text colour

ERROR = "error"
OK = "ok"
WARNING = "warning"
MUTED = "muted"
_HUES = {ERROR: (0, 190), OK: (125, 150), WARNING: (42, 200)}  # HSL hue and saturation


Role = QPalette.ColorRole
Group = QPalette.ColorGroup


# -- contrast (WCAG 2: relative luminance and contrast ratio) -------------------------------------------------


def luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0..1) of the way to `b`."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def is_dark(palette: QPalette) -> bool:
    return luminance(palette.color(Role.Window)) < luminance(palette.color(Role.WindowText))


def backgrounds(palette: QPalette) -> list[QColor]:
    """What text may sit on: the window, an edit's base, and the slightly shaded inside of a group box."""
    window = palette.color(Role.Window)
    return [window, palette.color(Role.Base), window.darker(106), window.lighter(112)]


def readable(color: QColor, behind: list[QColor], *, target: float = TARGET) -> QColor:
    """`color`, its lightness moved away from the backgrounds until it reaches `target` against each of them."""
    darker = luminance(behind[0]) > 0.18  # on a light background the text goes darker, else lighter
    hsl: tuple[int, int, int, int] = color.getHsl()  # type: ignore[assignment]
    hue, saturation, lightness = max(hsl[0], 0), hsl[1], hsl[2]
    while min(contrast(color, b) for b in behind) < target:
        if (darker and lightness <= 0) or (not darker and lightness >= 255):
            break
        lightness = max(0, lightness - 3) if darker else min(255, lightness + 3)
        color = QColor.fromHsl(hue, saturation, lightness)
    return color


_tones: dict[tuple[int, str], QColor] = {}


def tone_color(palette: QPalette, tone: str) -> QColor:
    key = (palette.cacheKey(), tone)
    if key not in _tones:
        if len(_tones) > 64:  # palettes come and go with scheme changes; a few are live at a time
            _tones.clear()
        _tones[key] = _tone_color(palette, tone)
    return _tones[key]  # shared: callers only read it


def _tone_color(palette: QPalette, tone: str) -> QColor:
    behind = backgrounds(palette)
    if tone == MUTED:
        start = mix(palette.color(Role.WindowText), palette.color(Role.Window), 0.5)
    else:
        hue, saturation = _HUES[tone]
        start = QColor.fromHsl(hue, saturation, 200 if is_dark(palette) else 110)
    return readable(start, behind)


# -- toned widgets ---------------------------------------------------------------------------------------------


def refresh_colors() -> None:
    """Re-derive every toned widget's colours, and call `palette_changed()` on widgets that draw their own (the
    banner), after the application's palette changed. Scheduled, because Qt hands the new palette to the
    widgets in events of its own, after `setPalette` returns. (No per-widget event filter: asking an event its
    type builds PySide6's 190-member QEvent.Type, a cost the window's start-up does not need.)"""

    def run() -> None:
        for widget in QApplication.allWidgets():
            if widget.property("tone") or widget.property("invalid"):
                _apply_tone(widget)
            hook = getattr(widget, "palette_changed", None)
            if callable(hook):
                hook()

    app = QApplication.instance()
    if app is not None:
        QTimer.singleShot(0, app, run)


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Draw the widget's text in `tone` (None: the palette's own text colour), now and after palette changes."""
    widget.setProperty("tone", tone or "")
    _apply_tone(widget)


def tone_of(widget: QWidget) -> str | None:
    return str(widget.property("tone") or "") or None


def _inherited(widget: QWidget) -> QPalette:
    parent = widget.parentWidget()
    return parent.palette() if parent is not None else QGuiApplication.palette()


def _apply_tone(widget: QWidget) -> None:
    tone = tone_of(widget)
    base = _inherited(widget)
    palette = widget.palette()
    if not tone:
        # Back to inheriting: a colour copied from today's palette would go stale when the scheme changes.
        if palette.color(Role.WindowText) != base.color(Role.WindowText):
            widget.setPalette(QPalette())
    elif palette.color(Role.WindowText) != (wanted := tone_color(base, tone)):
        palette.setColor(Role.WindowText, wanted)
        widget.setPalette(palette)
    if widget.property("invalid"):
        if _draws_own_mark(widget):
            widget.update()
            return
        sheet = invalid_border(base)
        if widget.styleSheet() != sheet:
            widget.setStyleSheet(sheet)


def invalid_border(palette: QPalette) -> str:
    return f"border: 2px solid {tone_color(palette, ERROR).name()}; border-radius: 3px;"


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Set the dynamic property `invalid` (tools read it) and draw a border in the error tone while it is true."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    if _draws_own_mark(widget):
        widget.update()
        return
    widget.setStyleSheet(invalid_border(_inherited(widget)) if invalid else "")


def invalid_color(widget: QWidget) -> QColor:
    """The colour of the error border for `widget`, for widgets that draw it themselves."""
    return tone_color(_inherited(widget), ERROR)


def _draws_own_mark(widget: QWidget) -> bool:
    # A style sheet border on a spin box hands its whole drawing to the style sheet engine: the step arrows go
    # and the box grows. Such a widget draws the border itself (number_box.py).
    return bool(getattr(widget, "draws_invalid_mark", False))


# -- the scheme ------------------------------------------------------------------------------------------------


def dark_palette() -> QPalette:
    """A dark palette for when the system asks for dark but the platform gives none (Fusion on a bare X server)."""
    palette = QPalette()
    for role, color in (
        (Role.Window, "#2b2b2b"),
        (Role.WindowText, "#e8e8e8"),
        (Role.Base, "#1e1e1e"),
        (Role.AlternateBase, "#262626"),
        (Role.ToolTipBase, "#3a3a3a"),
        (Role.ToolTipText, "#f0f0f0"),
        (Role.Text, "#e8e8e8"),
        (Role.Button, "#363636"),
        (Role.ButtonText, "#e8e8e8"),
        (Role.BrightText, "#ff8a80"),
        (Role.Light, "#4d4d4d"),
        (Role.Midlight, "#404040"),
        (Role.Mid, "#242424"),
        (Role.Dark, "#191919"),
        (Role.Shadow, "#0d0d0d"),
        (Role.Highlight, "#2f6db0"),
        (Role.HighlightedText, "#ffffff"),
        (Role.Link, "#7ab8ff"),
        (Role.LinkVisited, "#c8a2ff"),
    ):
        palette.setColor(role, QColor(color))
    for role, color in (
        (Role.WindowText, "#8a8a8a"),
        (Role.Text, "#8a8a8a"),
        (Role.ButtonText, "#8a8a8a"),
        (Role.Base, "#262626"),
        (Role.Button, "#303030"),
    ):
        palette.setColor(Group.Disabled, role, QColor(color))
    return palette


def make_readable(palette: QPalette) -> QPalette:
    """Give `palette` (changed in place, and returned) placeholder text that reaches AA on its edits' base (Qt's
    half-transparent default does not: 3.9:1 on white). In place because QPalette's copy constructor makes
    PySide6 build its whole `Qt` namespace (~30 ms at start-up); the palettes given are fresh copies anyway."""
    base = palette.color(Role.Base)
    disabled = palette.color(Group.Disabled, Role.PlaceholderText)  # disabled text needs no contrast (WCAG)
    palette.setColor(Role.PlaceholderText, readable(mix(palette.color(Role.Text), base, 0.45), [base]))
    palette.setColor(Group.Disabled, Role.PlaceholderText, disabled)
    return palette


def apply_color_scheme(app: QApplication, scheme: str) -> None:
    """Use the palette of `scheme`: "light", "dark", or "system" (the platform's; the window then calls
    `follow_system_scheme` once it has started up)."""
    if scheme == "system":
        # The platform's palette already follows the system where Qt can tell; a dark scheme on a platform
        # without a dark palette (Fusion on a bare X server) is caught by follow_system_scheme.
        app.setPalette(make_readable(_platform_palette(app)))
        return
    dark = scheme == "dark"
    # Platforms that can switch do (Qt 6.8+); the palette covers the rest. A number, as this runs before the first
    # paint (qt_values.py).
    app.styleHints().setProperty("colorScheme", DARK_SCHEME if dark else LIGHT_SCHEME)
    _use_scheme(app, dark=dark)


def follow_system_scheme(app: QApplication) -> None:
    """Match the scheme Qt reports now, and whenever it changes. Asking builds PySide6's whole `Qt` namespace
    (22-45 ms here): not before the first paint, nor while another thread shares the GIL."""
    hints = app.styleHints()
    if not app.property("followsColorScheme"):
        app.setProperty("followsColorScheme", True)
        hints.colorSchemeChanged.connect(lambda now: _use_scheme(app, dark=_is_dark_scheme(now)))
    dark = _is_dark_scheme(hints.colorScheme())
    if dark is not None and dark != is_dark(app.palette()):
        _use_scheme(app, dark=dark)


def _is_dark_scheme(scheme: object) -> bool | None:
    """A Qt.ColorScheme as dark (True), light (False) or not known (None)."""
    from PySide6.QtCore import Qt

    return None if scheme == Qt.ColorScheme.Unknown else scheme == Qt.ColorScheme.Dark


def _platform_palette(app: QApplication) -> QPalette:
    app.setPalette(QPalette())  # back to the platform's own palette, which may already match the scheme
    return app.palette()


def _use_scheme(app: QApplication, *, dark: bool | None) -> None:
    palette = _platform_palette(app)
    if dark is True and not is_dark(palette):
        palette = dark_palette()
    elif dark is False and is_dark(palette):
        palette = app.style().standardPalette()
    app.setPalette(make_readable(palette))
    refresh_colors()
