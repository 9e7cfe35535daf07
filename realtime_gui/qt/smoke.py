"""`realtime-gui --smoke-test`: proves a build works end to end, in seconds, without an account or a screen.

Checks that PySide6's void C++ methods keep None's reference count (PySide6-Essentials 6.12.0 on Python 3.11 does
not, and a long session aborts), opens the main window offscreen in demo mode (the fake server in this process), mints
one token through the same path the Create button takes, checks that the keyring package loads and finds its platform
backend, says which trust store HTTPS and WSS use (net/tls.py) and builds that context, and prints one JSON line with
the Python and PySide6 versions, what it checked and how long each step took.
Exit 0 when all passed. In a frozen build this is what catches a missing hidden import, data file or Qt plugin.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPORT_ENV = "REALTIME_GUI_SMOKE_REPORT"
PLATFORM_BACKENDS = {
    "linux": "keyring.backends.SecretService",
    "darwin": "keyring.backends.macOS",
    "win32": "keyring.backends.Windows",
}
VOID_CALLS = 3000  # enough to see a per-call loss at once, far too few for it to bring this process down


def run(started: float) -> int:
    """Run the checks; `started` is time.perf_counter() at process start (or as early as known)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    report: dict[str, Any] = {"ok": False, "version": None, "steps_ms": {}, "checks": {}}
    steps: dict[str, float] = report["steps_ms"]
    mark = [time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        steps[name] = round((now - mark[0]) * 1000, 1)
        mark[0] = now

    try:
        from realtime_gui import __version__

        report["version"] = __version__
        report["python"] = platform.python_version()
        report["pyside6"] = _pyside6_version()
        report["frozen"] = bool(getattr(sys, "frozen", False))
        _checks(report, step)
        report["ok"] = True
    except Exception as err:  # a report, not a traceback: the line must stay one parseable JSON object
        report["error"] = f"{type(err).__name__}: {err}"
    report["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
    line = json.dumps(report, sort_keys=True)
    if sys.stdout is not None:
        print(line, flush=True)
    # A windowed Windows build may have no stdout at all: the report can also go to a file the caller names.
    target = os.environ.get(REPORT_ENV)
    if target:
        Path(target).write_text(line + "\n", encoding="utf-8")
    return 0 if report["ok"] else 1


def _checks(report: dict[str, Any], step: Any) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from realtime_gui.qt.app import route_qt_messages

    route_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    report["qt_platform"] = QApplication.platformName()
    step("qt")

    report["checks"]["void_calls"] = _none_refcount(report)
    step("refcount")

    from realtime_gui.qt.app import create_window
    from realtime_gui.qt.ui.window.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:  # never the user's own settings
        window = create_window(["--demo", "--settings", str(Path(folder) / "smoke.ini")])
        assert isinstance(window, MainWindow)
        window.show()
        app.processEvents()
        step("window")
        if window.demo_server is None:
            raise RuntimeError("the demo server did not start")
        report["checks"]["demo_server"] = window.demo_server.base_url

        loop = QEventLoop()
        outcome: dict[str, object] = {}

        def finished(key: str, value: object) -> None:
            outcome[key] = value
            loop.quit()

        window.controller.minted.connect(lambda token: finished("token", token))
        window.controller.failed.connect(lambda error: finished("error", error))
        QTimer.singleShot(15_000, loop.quit)
        window.mint()  # the Create button's own path: form -> request -> worker thread -> token panel
        loop.exec()
        if "token" not in outcome:
            raise RuntimeError(f"mint failed: {outcome.get('error', 'no answer within 15 s')}")
        shown = window.token_panel.token.text()
        if not shown.startswith("ek_"):
            raise RuntimeError("the token panel does not show the token")
        report["checks"]["mint"] = f"token {shown[:3]}… shown, expires in {window.token_panel.expires_in.text()}"
        step("mint")
        window.close()
        app.processEvents()

    report["checks"]["keyring"] = _keyring()
    step("keyring")

    report["checks"]["trust_store"] = _trust_store()
    step("trust_store")


def _pyside6_version() -> str:
    import PySide6

    return str(PySide6.__version__)


def _none_refcount(report: dict[str, Any]) -> dict[str, int]:
    from realtime_gui.qt.none_refcount import TOLERANCE, VOID_METHODS, drift_per_method

    drifts = drift_per_method(VOID_CALLS // len(VOID_METHODS))
    drift = sum(drifts.values())
    if abs(drift) > TOLERANCE:
        raise RuntimeError(
            f"PySide6 {report['pyside6']} on Python {report['python']} changes the reference count of None by "
            f"{drift} over {VOID_CALLS} void calls ({', '.join(f'{k} {v}' for k, v in drifts.items())}): a long "
            "session would abort with 'Fatal Python error: none_dealloc'. Use a PySide6-Essentials release that "
            "passes this check (pyproject.toml excludes the known ones)."
        )
    return {"calls": VOID_CALLS, "none_refcount_drift": drift}


def _trust_store() -> dict[str, object]:
    """Which certificates every HTTPS and WSS connection trusts, and that the bundle can make that context (on macOS
    and Windows truststore must be in it)."""
    from realtime_gui.net import tls

    store = tls.trust_store()
    context = tls.client_context(store)  # a ConfigError fails the smoke test with its sentence
    found: dict[str, object] = {"source": store.source, "trust_store": str(store)}
    if store.source != "os":  # the OS verifier loads nothing up front
        found["certificates_loaded"] = len(context.get_ca_certs())
    return found


def _keyring() -> dict[str, str]:
    import importlib

    import keyring  # failing here fails the smoke test: the frozen build lost the package

    found: dict[str, str] = {"default_backend": f"{type(keyring.get_keyring()).__module__}"}
    module = PLATFORM_BACKENDS.get(sys.platform)
    if module is not None:
        importlib.import_module(module)  # the platform's real backend must be in the bundle
        found["platform_backend"] = module
    names = sorted({type(b).__module__ for b in keyring.backend.get_all_keyring()})
    if not names:
        raise RuntimeError("keyring found no backends (their entry-point metadata is missing)")
    found["backends"] = ", ".join(names)
    return found
