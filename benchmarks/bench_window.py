"""The window against a bare PySide6 window of 40 form widgets, measured side by side, runs alternating (offscreen):

1. time from process start to the window shown (goal: within 1.3x), ours started as its console script starts it,
2. peak RSS at that moment (goal: within 1.2x),
3. the longest event-loop stall (a 1 ms QTimer's longest gap; goal: < 16 ms) in a fresh window, 1 s after it shows
   and its start-up work (the warm-up's thread, the forms built after it) is done,
   for: the first Create (also with the demo server in a process of its own, as a real server is: then nothing of the
   server shares the window's GIL), switching to each other endpoint, opening the key dialog, opening the profile
   dialog, Test (the demo server's verify), turning serving on (on a port chosen before the window shows) and off; each
   against the bare window doing the nearest plain-Qt thing (switching a page of a stack of forms, opening a small
   dialog; idling for the others), which is what the machine's own noise gives; and start-up itself, from the
   show until its work in the background is done (the bare window: its first second);
4. the longest stall while a mint waits 2 s on the server, cold (first mint at once after show, while the HTTP stack
   loads in the worker) and warm;
5. what the work done just after the first paint buys (each kept only while it shows here): the first paint with
   that work done before it instead, and the first Create without the warm-up, each against the window as it is.

Every figure: min / median / max over the rounds. Run: .venv/bin/python benchmarks/bench_window.py [--rounds N]
[--only startup|actions|mint|deferrals] [--action NAME]. Another checkout's venv may run this file to measure that
checkout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from side_by_side import compile_bytecode, spread

# Both children print "shown <seconds since their own start> <peak rss KiB>" once the window's first frame is
# painted (what a person sees: the main window's first paint event begins it, the turn of the event loop after it
# comes once every child is painted and the frame flushed), then exit.
_SHOWN = """
def shown():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("shown", time.perf_counter() - T0, rss, flush=True)
    app.quit()
"""

_REPORT = (
    """
import resource, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
"""
    + _SHOWN
    + """
class FirstPaint(QObject):
    painted = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj is w and not self.painted:
            self.painted = True
            QTimer.singleShot(0, shown)
        return False
watcher = FirstPaint()
w.installEventFilter(watcher)
app.exec()
"""
)

# The program as its console script runs it (cli.program(): the arguments, logging, the window, Qt's loop), with
# one hook: its main window reports its first frame as the bare one does. The hook is an override of event() on
# the main window alone (as costly as the bare window's event filter), put in before the window's modules subclass
# QMainWindow. The QApplication is made here, where the hook can reach it; program() uses it.
OURS = (
    """
import time
T0 = time.perf_counter()
import sys
sys.argv = ["realtime-gui", "--settings", SETTINGS]
from realtime_gui.cli import program
from PySide6.QtWidgets import QApplication
app = QApplication([])
import resource
from PySide6.QtCore import QEvent, QTimer
import PySide6.QtWidgets as widgets
"""
    + _SHOWN
    + """
class Reporting(widgets.QMainWindow):
    painted = False
    def event(self, event):
        if not self.painted and event.type() == QEvent.Type.Paint:
            self.painted = True
            QTimer.singleShot(0, shown)
        return super().event(event)
widgets.QMainWindow = Reporting
program()
"""
)

BARE = (
    "import time\nT0 = time.perf_counter()\n"
    "from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLineEdit, QMainWindow, QSpinBox, QWidget\n"
    "app = QApplication([])\n"
    "w = QMainWindow()\n"
    "body = QWidget()\n"
    "form = QFormLayout(body)\n"
    "for i in range(40):\n"
    "    field = (QLineEdit, QComboBox, QSpinBox)[i % 3]()\n"
    "    if isinstance(field, QComboBox):\n"
    "        field.addItems(['alpha', 'beta', 'gamma'])\n"
    "    form.addRow(f'Field {i}', field)\n"
    "w.setCentralWidget(body)\n" + _REPORT.replace("app.exec()", "w.show()\napp.exec()")
)


def _stdout(code: str, settings: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", f"SETTINGS = {settings!r}\n{code}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "\nshown " not in f"\n{done.stdout}":
        raise SystemExit(f"child failed:\n{done.stderr}")
    return done.stdout


def _line(stdout: str, head: str) -> list[str]:
    return next(x for x in stdout.splitlines() if x.startswith(head)).split()[1:]


def _run(code: str, settings: str) -> tuple[float, float, int]:
    """Wall time from starting the process to its "shown" line (what a person waits for; the exit after it is
    not counted), the child's own figure since its first line, and its peak RSS then."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: unread, a pipe could fill and stop the child
        started = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, "-c", f"SETTINGS = {settings!r}\n{code}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        ) as child:
            assert child.stdout is not None
            shown = next((line for line in child.stdout if line.startswith("shown ")), "")
            wall = time.perf_counter() - started
            child.communicate()
        if child.returncode != 0 or not shown:
            errors.seek(0)
            raise SystemExit(f"child failed:\n{errors.read()}")
    inside, rss = shown.split()[1:3]
    return wall, float(inside), int(rss)


def startup(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = str(Path(folder) / "settings.ini")
        results: dict[str, list[tuple[float, float, int]]] = {"ours": [], "bare": []}
        for i in range(rounds + 2):
            order = [("ours", OURS), ("bare", BARE)]
            for name, code in order if i % 2 else order[::-1]:  # alternate who goes first
                sample = _run(code, settings)
                if i >= 2:  # warm the page cache first
                    results[name].append(sample)
    ours, bare = results["ours"], results["bare"]
    for name, label in (("ours", "realtime-gui window"), ("bare", "bare 40-widget window")):
        print(f"{label:22s} start -> shown {spread([s[0] for s in results[name]])}")
        print(f"{label:22s} peak RSS       {_mib([s[2] for s in results[name]])}")
    print(f"start-up ratio {_ratios([o[0] for o in ours], [b[0] for b in bare])} (goal within 1.3x)")
    print(f"peak RSS ratio {_ratios([float(o[2]) for o in ours], [float(b[2]) for b in bare])} (goal within 1.2x)")


def _mib(samples: list[int]) -> str:
    low, mid, high = (f(samples) / 1024 for f in (min, statistics.median, max))
    return f"min {low:7.1f}  median {mid:7.1f}  max {high:7.1f} MiB"


def _ratios(ours: list[float], bare: list[float]) -> str:
    """The medians' ratio, then min / median / max of each round's ratio (the two ran one after the other)."""
    each = [o / b for o, b in zip(ours, bare, strict=True)]
    return (
        f"{statistics.median(ours) / statistics.median(bare):.2f}x  "
        f"(per round: min {min(each):.2f}  median {statistics.median(each):.2f}  max {max(each):.2f})"
    )


# Qt's own loop, as the program runs it (app.exec()), for `seconds` or until `until()` (looked at every millisecond).
# A Python loop of processEvents() and sleeps would take the GIL back two or three times a turn, each a wait of up
# to Python's 5 ms switch interval while a worker thread runs: stalls of the harness, not of the window.
_PUMP = """
import time
from PySide6.QtCore import QEventLoop, QTimer

def pump(seconds, until=lambda: False):
    deadline = time.monotonic() + seconds
    loop = QEventLoop()
    def check():
        if time.monotonic() >= deadline or until():
            loop.quit()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(check)
    poll.start()
    check()
    if time.monotonic() < deadline and not until():
        loop.exec()
    poll.stop()
"""

# One action in a fresh window, 1 s after it shows and once its start-up threads have ended (0.5 s more for what
# follows them), or ("settle") start-up itself with no action, until its background work is done (the bare window:
# 1 s); prints "stall <ms>",
# the longest gap of a 1 ms QTimer from the action until it is done and 0.2 s after (what it left to the event loop:
# the paint of what it showed). argv: ours|bare, the action, a settings file.
_ACTION = (
    """
import os, socket, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
    QMainWindow, QSpinBox, QStackedWidget, QWidget)
side, action, settings = sys.argv[1:4]
app = QApplication([])

"""
    + _PUMP
    + """
def longest_stall(act, done=lambda: True, *, after=0.2):
    clock = QElapsedTimer()
    gaps, last = [], [0.0]
    def on_tick():
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now
    ticker = QTimer()
    ticker.setInterval(1)
    ticker.timeout.connect(on_tick)
    clock.start()
    ticker.start()
    act()
    pump(10.0, done)
    if not done():
        raise SystemExit(f"{action}: not done after 10 s")
    pump(after)
    ticker.stop()
    return max(gaps)

def bare_form():
    body = QWidget()
    form = QFormLayout(body)
    for i in range(40):
        field = (QLineEdit, QComboBox, QSpinBox)[i % 3]()
        if isinstance(field, QComboBox):
            field.addItems(["alpha", "beta", "gamma"])
        form.addRow(f"Field {i}", field)
    return body

if side == "bare":
    w = QMainWindow()
    stack = QStackedWidget()
    stack.addWidget(bare_form())
    if action == "switch":
        stack.addWidget(bare_form())  # built before, as the window should have its forms by then
    w.setCentralWidget(stack)
    w.show()
    pump(0.0 if action == "settle" else 1.0)
    if action == "settle":
        stall = longest_stall(lambda: None, after=1.0)
    elif action == "switch":
        stall = longest_stall(lambda: stack.setCurrentIndex(1))
    elif action in ("key-dialog", "profile-dialog"):
        def open_dialog():
            dialog = QDialog(w)
            form = QFormLayout(dialog)
            for i in range(4):
                form.addRow(f"Field {i}", QLineEdit())
            form.addRow(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
            dialog.open()
        stall = longest_stall(open_dialog)
    else:  # the window's own work is done in threads: the bare window idles as long
        stall = longest_stall(lambda: None, after=0.4)
else:
    import gc
    gc.disable()  # as the program's path to the window does (cli.main), until the window has started up
    from realtime_gui.qt.app import create_window
    if action == "create-apart":  # the demo server in a process of its own, as a real server is: it shares no GIL
        import shlex, subprocess
        demo = subprocess.Popen([sys.executable, "-m", "realtime_gui.demo", "--port", "0"], stdout=subprocess.PIPE,
            text=True)
        for _ in range(2):  # export OPENAI_BASE_URL=…, export OPENAI_API_KEY=…: the default profile follows them
            name, _, value = demo.stdout.readline().strip().removeprefix("export ").partition("=")
            os.environ[name] = shlex.split(value)[0]
        w = create_window(["--settings", settings])
    else:
        w = create_window(["--demo", "--settings", settings])
    if action in ("serve", "serve-off"):  # a free port, as if remembered from an earlier run (no change in the action)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            w.settings.serve_port = probe.getsockname()[1]
    w.show()
    if action == "settle":  # the first paint, then the work after it (rows, warm-up, colour scheme, the other forms,
        # the Tab order), however long it takes on this machine, and 0.2 s more; a checkout older than
        # is_fully_built: its first second
        if hasattr(w, "is_fully_built"):
            stall = longest_stall(lambda: None, lambda: w.is_fully_built)
        else:
            stall = longest_stall(lambda: None, after=1.0)
    else:  # on a loaded machine the start-up work may take longer than 1 s: it ends first (and its forms are built)
        pump(1.0)
        pump(10.0, lambda: w.controller.running_jobs() == 0)
        pump(0.5)
    if action in ("create", "create-apart"):
        stall = longest_stall(w.mint, lambda: w.token_panel.current is not None)
    elif action == "switch":  # to each other endpoint in turn, each for the first time: the longest
        combo = w.endpoint_combo
        others = [i for i in range(combo.count()) if i != combo.currentIndex()]
        stall = max(longest_stall(lambda i=i: combo.setCurrentIndex(i)) for i in others)
    elif action == "key-dialog":
        stall = longest_stall(w.open_key_dialog)
    elif action == "profile-dialog":
        stall = longest_stall(lambda: w.edit_profile(new=False))
    elif action == "test":
        w.mint()
        pump(10.0, lambda: w.token_panel.current is not None)
        pump(0.3)
        answers = []
        w.controller.verifier.verified.connect(answers.append)
        w.controller.verifier.failed.connect(answers.append)
        stall = longest_stall(w.token_panel.verify.test, lambda: bool(answers))
        if isinstance(answers[0], BaseException):
            raise SystemExit(f"test failed: {answers[0]!r}")
    elif action == "serve":
        stall = longest_stall(w.menus.actions["serve"].trigger, lambda: w.serve.server.running)
    elif action == "serve-off":
        w.menus.actions["serve"].trigger()
        pump(0.5)
        stall = longest_stall(w.menus.actions["serve"].trigger, lambda: not w.serve.server.running)
print("stall", stall, flush=True)
if action == "create-apart":
    demo.kill()
w.close()
app.processEvents()
os._exit(0)  # a worker thread may still be winding down: Qt would abort on it at exit
"""
)

ACTIONS = {
    "settle": "start-up, show to all built",
    "create": "first Create (token shown)",
    "create-apart": "first Create, server apart",
    "switch": "switching endpoint (longest)",
    "key-dialog": "opening the key dialog",
    "profile-dialog": "opening the profile dialog",
    "test": "Test (demo server's verify)",
    "serve": "turning serving on",
    "serve-off": "turning serving off",
}


def _action_stall(side: str, action: str, settings: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _ACTION, side, action, settings], env=env, capture_output=True, text=True, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("stall ")), None)
    if line is None:
        raise SystemExit(f"{side} {action} failed:\\n{done.stdout}\\n{done.stderr}")
    return float(line.split()[1]) / 1000


def actions(rounds: int, chosen: list[str] | None = None) -> None:
    """The longest stall of each action (or of those `chosen`), the window against the bare window, alternating who
    goes first."""
    with tempfile.TemporaryDirectory() as folder:
        for action, label in ACTIONS.items():
            if chosen and action not in chosen:
                continue
            stalls: dict[str, list[float]] = {"ours": [], "bare": []}
            for i in range(rounds + 1):
                for side in ("ours", "bare") if i % 2 else ("bare", "ours"):
                    took = _action_stall(side, action, str(Path(folder) / f"{side}-{action}-{i}.ini"))
                    if i >= 1:  # the first round warms the page cache
                        stalls[side].append(took)
            print(f"{label:30s} window {spread(stalls['ours'])}  (goal < 16 ms)")
            print(f"{'':30s} bare   {spread(stalls['bare'])}")


def _run_loop(seconds: float, until: Callable[[], bool] = lambda: False) -> None:
    """The children's pump(), in this process (the mint runs below share it with the window they measure)."""
    namespace: dict[str, Any] = {}
    exec(_PUMP, namespace)
    namespace["pump"](seconds, until)


def _stall_during_mint(app: Any, window: Any, label: str, *, idle_first: float) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer

    from misbehaving import Fault, FaultKind

    _run_loop(idle_first)  # a person takes a moment before pressing Create
    window.demo_server.inject(Fault(FaultKind.SLOW, seconds=2.0))
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def on_tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(1)
    ticker.timeout.connect(on_tick)
    clock.start()
    ticker.start()
    window.mint()
    _run_loop(10, until=lambda: not window.controller.busy)
    ticker.stop()
    if window.token_panel.current is None:
        raise SystemExit(f"mint failed: {window.error_text.text()}")
    print(f"{label}: longest event-loop stall {max(gaps):5.1f} ms over {len(gaps)} ticks (goal < 16 ms)")


def stalls() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    import realtime_gui.demo
    from realtime_gui.qt.app import create_window

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import misbehaving

    # The window's demo server answers well and at once; this one can be told to be slow (a mint takes 2 s).
    realtime_gui.demo.FakeOpenAI = misbehaving.FakeOpenAI  # type: ignore[assignment,misc]
    app = QApplication.instance() or QApplication([])
    runs = [
        [("first mint, at once after show (during the warm-up)", 0.0), ("next mint", 0.5)],
        [("first mint, 1 s after show (after the warm-up)", 1.0)],
    ]
    for run in runs:
        with tempfile.TemporaryDirectory() as folder:
            window = create_window(["--demo", "--settings", str(Path(folder) / "s.ini")])
            window.show()
            for label, idle in run:
                _stall_during_mint(app, window, label, idle_first=idle)
            window.close()
            window.deleteLater()
            app.processEvents()
            del window


# The window as it is, but with the work it does just after the first paint (the rows below the fold, the key
# status, the warm-up's start) done before it.
assert "        return super().event(event)" in OURS  # the line OURS_ALL_BEFORE_PAINT adds its work before
OURS_ALL_BEFORE_PAINT = OURS.replace(
    "        return super().event(event)",
    "        if not self.painted and event.type() == QEvent.Type.Show:\n"
    "            t = time.perf_counter()\n"
    "            self.endpoints.form.build_waiting_rows()\n"
    "            self._after_first_paint()\n"
    "            print('work', time.perf_counter() - t)\n"
    "        return super().event(event)",
)

# The first Create in a fresh window (demo server), 1 s after it shows; prints "created <ms from Create to token>".
_FIRST_CREATE = (
    """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
if sys.argv[1] == "no-warm-up":
    from realtime_gui.qt.workers.controller import Controller
    Controller.warm_up = lambda self: None
from realtime_gui.qt.app import create_window
w = create_window(["--demo", "--settings", sys.argv[2]])
w.show()
"""
    + _PUMP
    + """
pump(1.0)
got = []
w.controller.minted.connect(lambda _token: got.append(time.perf_counter()))
started = time.perf_counter()
w.mint()
pump(10, lambda: bool(got))
print("created", (got[0] - started) * 1000 if got else "failed", flush=True)
w.close()
"""
)


def _first_create(variant: str, settings: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_CREATE, variant, settings], capture_output=True, text=True, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("created ")), "created failed")
    if line.endswith("failed"):
        raise SystemExit(f"first Create failed:\n{done.stderr}")
    return float(line.split()[1])


def deferrals(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = str(Path(folder) / "settings.ini")
        paint: dict[str, list[float]] = {"as is": [], "before": []}
        work: list[float] = []  # what the after-paint work takes, timed in the process that does it before
        create: dict[str, list[float]] = {"as is": [], "no-warm-up": []}
        for i in range(rounds + 2):
            order = [("as is", OURS), ("before", OURS_ALL_BEFORE_PAINT)]
            for name, code in order if i % 2 else order[::-1]:  # alternate who goes first
                stdout = _stdout(code, settings)
                if i >= 2:
                    paint[name].append(float(_line(stdout, "shown ")[0]))
                    if name == "before":
                        work.append(float(_line(stdout, "work ")[0]))
            for name in ("as is", "no-warm-up") if i % 2 else ("no-warm-up", "as is"):
                took = _first_create(name, str(Path(folder) / f"{name}.ini"))
                if i >= 2:
                    create[name].append(took)
    first, before = statistics.median(paint["as is"]), statistics.median(paint["before"])
    print(
        f"first paint, as is {first * 1000:6.1f} ms; with the after-paint work before it {before * 1000:6.1f} ms"
        f"  ({before / first:.2f}x); the work itself {statistics.median(work) * 1000:.1f} ms"
        f" ({statistics.median(work) / first:.0%} of the first paint)"
    )
    warm, cold = statistics.median(create["as is"]), statistics.median(create["no-warm-up"])
    print(f"first Create -> token, as is {warm:6.1f} ms; without the warm-up {cold:6.1f} ms  ({cold / warm:.1f}x)")


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", choices=["startup", "actions", "mint", "deferrals"], help="run only this part")
    parser.add_argument("--action", action="append", choices=list(ACTIONS), help="with --only actions: just this one")
    args = parser.parse_args()
    rounds: int = args.rounds
    chosen: list[str] | None = args.action
    parts: dict[str, tuple[str, Callable[[], None]]] = {
        "startup": ("start-up (offscreen)", lambda: startup(rounds)),
        "actions": ("longest event-loop stall of each action, 1 s after show", lambda: actions(rounds, chosen)),
        "mint": ("event loop during a 2 s mint", stalls),
        "deferrals": ("what the work just after the first paint buys", lambda: deferrals(rounds)),
    }
    for name, (title, run) in parts.items():
        if args.only in (None, name):
            print(f"== {title} ==", flush=True)
            run()


if __name__ == "__main__":
    main()
