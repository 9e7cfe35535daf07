"""The window against a bare PySide6 window of 40 form widgets, measured side by side in one run (offscreen):

1. time from process start to the window shown (goal: within 1.2x),
2. peak RSS at that moment (goal: within 1.3x),
3. the longest event-loop stall while a mint waits 2 s on the server (goal: < 16 ms), cold (first mint, while the
   HTTP stack loads in the worker) and warm;
4. what the work done just after the first paint buys (each kept only while it shows here): the first paint with
   that work done before it instead, and the first Create without the warm-up, each against the window as it is.

Run: .venv/bin/python benchmarks/bench_window.py [--rounds N] [--only deferrals]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from side_by_side import compile_bytecode

# Both children print "shown <seconds since their own start> <peak rss KiB>" when the window first paints
# (what a person sees), then exit.
_REPORT = """
import resource, sys, time
from PySide6.QtCore import QEvent, QObject
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj is w:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print("shown", time.perf_counter() - T0, rss, flush=True)
            app.quit()
        return False
watcher = FirstPaint()
w.installEventFilter(watcher)
app.exec()
"""

OURS = (
    "import time\nT0 = time.perf_counter()\n"
    "from realtime_gui import cli\n"  # the console script's path: cli first, then the window
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication([])\n"
    "from realtime_gui.qt.app import create_window\n"
    "w = create_window(['--settings', SETTINGS])\n" + _REPORT.replace("app.exec()", "w.show()\napp.exec()")
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
    started = time.perf_counter()
    stdout = _stdout(code, settings)
    wall = time.perf_counter() - started
    inside, rss = _line(stdout, "shown ")
    return wall, float(inside), int(rss)


def startup(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = str(Path(folder) / "settings.ini")
        results: dict[str, list[tuple[float, float, int]]] = {"ours": [], "bare": []}
        for i in range(rounds + 2):
            for name, code in (("ours", OURS), ("bare", BARE)):
                sample = _run(code, settings)
                if i >= 2:  # warm the page cache first
                    results[name].append(sample)
    med = {name: [statistics.median(s[k] for s in samples) for k in range(3)] for name, samples in results.items()}
    for name, label in (("ours", "realtime-gui window"), ("bare", "bare 40-widget window")):
        wall, _inside, rss = med[name]
        print(f"{label:24s} process start -> shown {wall * 1000:6.1f} ms   peak RSS {rss / 1024:6.1f} MiB")
    print(f"start-up ratio {med['ours'][0] / med['bare'][0]:.2f}x (goal within 1.2x)")
    print(f"peak RSS ratio {med['ours'][2] / med['bare'][2]:.2f}x (goal within 1.3x)")


def _stall_during_mint(app: Any, window: Any, label: str, *, idle_first: float) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer

    from misbehaving import Fault, FaultKind

    settle = time.monotonic() + idle_first  # a person takes a moment before pressing Create
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
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
    deadline = time.monotonic() + 10
    while window.controller.busy and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.0005)
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


# The window as it is, but with the work it does just after the first paint (the Tab order, which builds PySide6's
# `Qt` namespace; the key status; the warm-up) done before it.
OURS_ALL_BEFORE_PAINT = (
    OURS.replace(
        "w.show()",
        "_t = time.perf_counter()\nw._after_first_paint()\nprint('work', time.perf_counter() - _t)\nw.show()",
    )
    + "import os\nos._exit(0)\n"  # its worker threads may still run: Qt would abort on them at exit
)

# The first Create in a fresh window (demo server), 1 s after it shows; prints "created <ms from Create to token>".
_FIRST_CREATE = """
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
settle = time.monotonic() + 1.0
while time.monotonic() < settle:
    app.processEvents(); time.sleep(0.002)
got = []
w.controller.minted.connect(lambda _token: got.append(time.perf_counter()))
started = time.perf_counter()
w.mint()
deadline = time.monotonic() + 10
while not got and time.monotonic() < deadline:
    app.processEvents(); time.sleep(0.0005)
print("created", (got[0] - started) * 1000 if got else "failed", flush=True)
w.close()
"""


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
    parser.add_argument("--only", choices=["deferrals"], help="run only this part")
    args = parser.parse_args()
    if args.only == "deferrals":
        deferrals(args.rounds)
        return
    print("== start-up (offscreen) ==")
    startup(args.rounds)
    print("\n== event loop during a 2 s mint ==")
    stalls()
    print("\n== what the work just after the first paint buys ==")
    deferrals(args.rounds)


if __name__ == "__main__":
    main()
