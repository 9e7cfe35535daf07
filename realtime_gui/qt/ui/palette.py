"""Colours derived from the palette, so every text stays readable (WCAG AA: 4.5:1) in a light or a dark scheme;
and the light/dark scheme itself, as Qt reports it (QStyleHints.colorScheme) or as --color-scheme asks.

Tones (error, ok, warning, muted) are a hue whose lightness is moved away from the palette's backgrounds until
the text reaches the contrast it needs; a toned widget follows later palette changes by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

AA = 4.5  # WCAG 2 AA, normal text
TARGET = 4.7  # aimed a little higher: antialiased glyph edges are lighter than the text colour

ERROR = "error"
OK = "ok"
WARNING = "warning"
MUTED = "muted"
_HUES = {ERROR: (0, 190), OK: (125, 150), WARNING: (42, 200)}  # HSL hue and saturation

SCHEMES = ("system", "light", "dark")

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


def tone_color(palette: QPalette, tone: str) -> QColor:
    behind = backgrounds(palette)
    if tone == MUTED:
        start = mix(palette.color(Role.WindowText), palette.color(Role.Window), 0.5)
    else:
        hue, saturation = _HUES[tone]
        start = QColor.fromHsl(hue, saturation, 200 if is_dark(palette) else 110)
    return readable(start, behind)


# -- toned widgets ---------------------------------------------------------------------------------------------


class _ToneWatcher(QObject):
    """Re-derives a toned widget's colours when its palette or parent changes (a scheme switch, a new parent)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ParentChange) and isinstance(watched, QWidget):
            _apply_tone(watched)
        return False


_watcher: _ToneWatcher | None = None


def _watch(widget: QWidget) -> None:
    global _watcher
    if widget.property("toneWatched"):
        return
    if _watcher is None:
        _watcher = _ToneWatcher(QApplication.instance())
    widget.installEventFilter(_watcher)
    widget.setProperty("toneWatched", True)


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Draw the widget's text in `tone` (None: the palette's own text colour), now and after palette changes."""
    widget.setProperty("tone", tone or "")
    _watch(widget)
    _apply_tone(widget)


def tone_of(widget: QWidget) -> str | None:
    return str(widget.property("tone") or "") or None


def _inherited(widget: QWidget) -> QPalette:
    parent = widget.parentWidget()
    return parent.palette() if parent is not None else QGuiApplication.palette()


def _apply_tone(widget: QWidget) -> None:
    tone = tone_of(widget)
    base = _inherited(widget)
    wanted = tone_color(base, tone) if tone else base.color(Role.WindowText)
    palette = widget.palette()
    if palette.color(Role.WindowText) != wanted:
        palette.setColor(Role.WindowText, wanted)
        widget.setPalette(palette)
    if widget.property("invalid"):
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
    if invalid:
        _watch(widget)
    widget.setStyleSheet(invalid_border(_inherited(widget)) if invalid else "")


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


def readable_palette(palette: QPalette) -> QPalette:
    """`palette` with placeholder text that reaches AA on its edits' base (Qt's half-transparent default does
    not: 3.9:1 on white)."""
    out = QPalette(palette)
    for group in (Group.Active, Group.Inactive):
        base = palette.color(group, Role.Base)
        start = mix(palette.color(group, Role.Text), base, 0.45)
        out.setColor(group, Role.PlaceholderText, readable(start, [base]))
    return out


def apply_color_scheme(app: QApplication, scheme: str) -> None:
    """Use the palette of `scheme` ("light", "dark", or "system": what Qt reports, followed when it changes)."""
    from PySide6.QtCore import Qt  # here, not at start-up: the `Qt` namespace costs ~18 ms to build

    hints = app.styleHints()
    if scheme == "system":
        _use_scheme(app, hints.colorScheme())
        if not app.property("followsColorScheme"):
            app.setProperty("followsColorScheme", True)
            hints.colorSchemeChanged.connect(lambda now: _use_scheme(app, now))
        return
    wanted = Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light
    hints.setColorScheme(wanted)  # platforms that can switch do (Qt 6.8+); the palette below covers the rest
    _use_scheme(app, wanted)


def _use_scheme(app: QApplication, scheme: object) -> None:
    from PySide6.QtCore import Qt

    app.setPalette(QPalette())  # back to the platform's own palette, which may already match the scheme
    palette = app.palette()
    if scheme == Qt.ColorScheme.Dark and not is_dark(palette):
        palette = dark_palette()
    elif scheme == Qt.ColorScheme.Light and is_dark(palette):
        palette = app.style().standardPalette()
    app.setPalette(readable_palette(palette))
