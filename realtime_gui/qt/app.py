"""The desktop app: QApplication set-up, logging, the last-resort exception hook, `create_window`, `main`.

Nothing here imports httpx2, keyring or the fake server at start-up: the window shows first, and the first mint
(or the warm-up just after the first paint) loads the HTTP stack in a worker thread.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from realtime_gui import __version__
from realtime_gui.config.connection_options import ConnectionOptions
from realtime_gui.config.window_options import window_parser
from realtime_gui.display import missing_display
from realtime_gui.logs import setup_logging
from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui.style.palette import apply_color_scheme, follow_system_scheme
from realtime_gui.qt.ui.window.banner import PROFILE, SETTINGS
from realtime_gui.qt.ui.window.main_window import MainWindow
from realtime_gui.qt.workers.controller import Controller
from realtime_gui.redaction import redact
from realtime_gui.shown import as_sentence

log = logging.getLogger(__name__)


def create_window(argv: list[str]) -> MainWindow:
    """Build the main window from command-line style arguments; a QApplication must exist. Does not block on the
    keyring or the network: the key status arrives from a worker thread."""
    parser = window_parser()
    args, _qt_args = parser.parse_known_args(argv)
    try:
        options = ConnectionOptions.from_args(args)
    except ValueError as err:
        parser.error(str(err))  # exits 2 with the usage, before anything opens
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_color_scheme(app, args.color_scheme)
    settings = Settings(args.settings)
    controller = Controller()
    saved = settings.read_profiles()
    profiles = saved.profiles
    profile_name = args.profile or settings.profile_name
    # A mistyped --profile must not pass for the profile asked for; but the window opens (started from a
    # launcher, an exit code would show nothing at all) on the default profile, and says so until another is chosen.
    mistyped = args.profile if args.profile and args.profile not in saved.names else None
    if profile_name not in saved.names:
        profile_name = profiles[0].name  # also a remembered profile deleted since: no need to say that
    window = MainWindow(
        settings=settings,
        controller=controller,
        profiles=profiles,
        profile_name=profile_name,
        endpoint_id=args.endpoint or settings.endpoint,
        options=options,
    )
    controller.setParent(window)
    if isinstance(app, QApplication) and args.color_scheme == "system":
        following = app  # mypy does not narrow a name a lambda captures
        window.started_up.connect(lambda: follow_system_scheme(following))
    window.started_up.connect(_collect_again)  # after: what the step before made is frozen too, not walked
    window.setWindowIcon(QIcon(str(Path(__file__).with_name("icon.png"))))
    if args.demo:
        window.demo.start()
    notes = [note for note in (settings.ignored, saved.problem) if note]
    if mistyped is not None:
        notes.append(unknown_profile(mistyped, saved.names, shown=window.profile.name))
    if notes:  # said once, at start-up; the banner stays until dismissed or replaced
        cause = PROFILE if mistyped is not None and len(notes) == 1 else SETTINGS
        window.show_error("\n".join(as_sentence(note) for note in notes), cause=cause)
    return window


def unknown_profile(name: str, saved: list[str], *, shown: str) -> str:
    """`--profile NAME` names no saved profile: most likely a typo (the command line refuses it)."""
    return (
        f"There is no saved profile {name!r} (saved: {', '.join(saved)}), so the window opened on {shown!r}. "
        "Check the name, or save a profile of that name (Key > New profile…)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if QApplication.instance() is None:
        problem = missing_display(os.environ, args)
        if problem is not None:
            print(f"realtime-gui: {problem}.", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication([sys.argv[0], *args])
    assert isinstance(app, QApplication)
    app.setApplicationName("realtime-gui")
    app.setOrganizationName("realtime-gui")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("Realtime GUI")
    app.setDesktopFileName("realtime-gui")  # matches the .desktop file of the Linux bundle
    _setup_logging()
    route_qt_messages()
    sys.excepthook = _excepthook
    window = create_window(args)
    window.show()
    code = int(app.exec())
    controller = window.findChild(Controller)
    # Closing the window stopped every call (their connections are shut) and waited briefly for their threads;
    # one still running is blocked where nothing reaches it, and is not waited for a second time.
    if controller is not None and not controller.shutdown():
        _exit_now(code)
    return code


def _collect_again() -> None:
    """The cycle collector, if the program paused it while the window started (cli/__init__.py), runs again; what
    start-up made (the warm-up's imports included) is left out of its walks for good: none of it is garbage, and
    the first full collection walked it all, ~25 ms, wherever it fell (the first Create, 8 runs of 8)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _exit_now(code: int) -> NoReturn:
    """End the process although a worker thread is still blocked (an OS keyring prompt). Returning
    would have Qt abort on the running QThread, and waiting would outlive the window by the call's timeout; the
    settings were saved when the window closed, and no token is ever written, so nothing is lost."""
    log.warning("a background call could not be interrupted; ending the process without waiting for it")
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def log_file() -> Path:
    from PySide6.QtCore import QStandardPaths

    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation))
    return folder / "realtime-gui.log"


def _setup_logging() -> None:
    handler: logging.Handler | None = None
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = None
    setup_logging(handler)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# Said by Qt's offscreen and minimal platforms for every window; harmless, so not worth a warning.
_QT_NOISE = ("This plugin does not support propagateSizeHints",)


def route_qt_messages() -> None:
    """Send Qt's own messages to the `qt` logger (and so through the redaction filter) instead of stderr."""
    qInstallMessageHandler(_qt_message)


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(kind, logging.WARNING)
    if message.startswith(_QT_NOISE):
        level = logging.DEBUG
    logging.getLogger("qt").log(level, message)


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """Last resort: log the traceback (redacted), show a sentence. A traceback never reaches the user."""
    text = redact("".join(traceback.format_exception(kind, error, tb)))
    log.error("unexpected error\n%s", text)
    app: Any = QApplication.instance()
    if app is None:
        return
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(
        None,
        "Realtime GUI",
        f"Something unexpected went wrong ({kind.__name__}). Your settings are safe.\n"
        f"Details were written to {log_file()}.",
    )
