"""Is there a display for the window? Answered before any QApplication exists, because Qt aborts (SIGABRT, with
advice to reinstall a library) when its platform plugin finds no display. Qt-free.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

NO_DISPLAY = "No display found: run it from a desktop session, or try `realtime-gui mint`"

# Platform plugins that talk to a display server named in the environment; the others (offscreen, minimal, vnc,
# eglfs, linuxfb, …) need none, and macOS and Windows always have their own.
_NEEDS = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY", "wayland-egl": "WAYLAND_DISPLAY"}


def platform_from_args(args: Sequence[str]) -> str | None:
    """The platform given as Qt's own `-platform NAME` (or `-platform=NAME`) argument, if any."""
    for index, arg in enumerate(args):
        if arg in ("-platform", "--platform") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(("-platform=", "--platform=")):
            return arg.split("=", 1)[1]
    return None


def missing_display(env: Mapping[str, str], args: Sequence[str] = (), *, system: str = sys.platform) -> str | None:
    """A sentence when the window cannot open for lack of a display, else None."""
    if system in ("darwin", "win32"):
        return None
    requested = platform_from_args(args) or env.get("QT_QPA_PLATFORM", "")
    # QT_QPA_PLATFORM may list fallbacks ("wayland;xcb"); each entry may carry options ("xcb:foo=bar").
    names = [part.split(":", 1)[0].strip() for part in requested.split(";") if part.strip()]
    if not names:
        names = ["wayland", "xcb"]  # what Qt tries when nothing is named
    for name in names:
        variable = _NEEDS.get(name)
        if variable is None or env.get(variable):
            return None
    return NO_DISPLAY
