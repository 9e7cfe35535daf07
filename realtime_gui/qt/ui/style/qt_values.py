"""Values of PySide6's `Qt` namespace that the window sets on its way to the first paint and on its first actions
(the first token, the first error, the serving panel), written as numbers through Qt's property system:
`widget.setProperty("focusPolicy", NO_FOCUS)` does what `widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)` does.

Naming any enum of the namespace makes PySide6 build all of its ~93 enums at once: 22-45 ms here, a stall of two
frames or more wherever it falls. The window builds it once, after start-up (asking the system's colour scheme,
palette.py; the first Tab reads focus policies, focus.py), never on the way to its first paint nor in its answer to
a first Create pressed at once. Reading a value back needs the enum: these are for writing only.
tests/qt/test_look.py holds each value equal to its enum, and each property name to the setter it stands for.
"""

NO_FOCUS = 0x0  # Qt.FocusPolicy.NoFocus
STRONG_FOCUS = 0xB  # Qt.FocusPolicy.StrongFocus: Tab and click, not the wheel

PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
RICH_TEXT = 1  # Qt.TextFormat.RichText

SELECTABLE_BY_MOUSE = 0x1  # Qt.TextInteractionFlag.TextSelectableByMouse
TEXT_BROWSER = 0x1 | 0x4 | 0x8  # Qt.TextInteractionFlag.TextBrowserInteraction: select, and links by mouse and Tab

LIGHT_SCHEME = 1  # Qt.ColorScheme.Light
DARK_SCHEME = 2  # Qt.ColorScheme.Dark
