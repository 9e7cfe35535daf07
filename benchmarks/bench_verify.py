"""How much `verify` adds to opening a Realtime session, measured side by side in one run.

1. In process: `realtime_gui.verify.session.verify` vs a raw `websockets` sync connect + first message + close, with the
   same URL and token (goal: within 1.2x).
2. Whole process: `realtime-gui verify` (token on stdin) vs a plain Python script that imports websockets, connects
   and prints the first message (goal: within 1.2x, aim 1.0x), wall and CPU time, min/median/max; with --compare,
   another checkout's `realtime-gui` too (a before/after in one run).
3. The window (offscreen, demo mode, a fresh process): a click on Test until the result line shows the session, vs
   the core call `verify()` of the same token on the same server, alternating (and the same with a Say turn); plus
   the longest event-loop stall during the process's first Test, while websockets loads in the worker (< 16 ms).

Both sides open sessions on the same fake server on 127.0.0.1 in this process, interleaved A/B so drift hits both
alike. Run: .venv/bin/python benchmarks/bench_verify.py [--rounds N] [--process-rounds N]
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

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.demo import FakeOpenAI
from realtime_gui.net.client import TokenClient
from realtime_gui.verify.findings import VerifyRequest, session_url

from side_by_side import compile_bytecode, interleaved, ms, spread

KEY = "sk-bench-not-a-real-key-000000000000"
BASELINE = """
import sys
from websockets.sync.client import connect
with connect(sys.argv[1], additional_headers={"Authorization": "Bearer " + sys.stdin.readline().strip()}) as ws:
    print(ws.recv()[:60])
"""


def _token(server: FakeOpenAI) -> str:
    request = build_request("realtime", {"expires_after.seconds": 7200})
    with TokenClient() as client:
        return client.mint(request, connection=Connection(base_url=server.base_url), api_key=KEY).value


def in_process(server: FakeOpenAI, token: str, rounds: int) -> None:
    from websockets.sync.client import connect

    from realtime_gui.verify.session import verify

    request = VerifyRequest(token=token, base_url=server.base_url, model="gpt-realtime", timeout=10)
    url = session_url(request)
    headers = {"Authorization": f"Bearer {token}"}

    def raw() -> None:
        with connect(url, additional_headers=headers) as ws:
            ws.recv()

    ours, base = [], []
    for _ in range(20):  # warm up both paths
        verify(request)
        raw()
    for _ in range(rounds):
        t = time.perf_counter()
        verify(request)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        raw()
        base.append(time.perf_counter() - t)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"verify()                  {ms(ours)}")
    print(f"raw connect + recv        {ms(base)}")
    print(f"ratio {ratio:.2f}x (goal within 1.2x)")


def whole_process(server: FakeOpenAI, token: str, rounds: int, compare: str | None) -> None:
    script = Path(sys.executable).with_name("realtime-gui")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    url = session_url(VerifyRequest(token=token, base_url=server.base_url, model="gpt-realtime"))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BASELINE)
    options = ["verify", "--base-url", server.base_url, "--model", "gpt-realtime"]
    sides = {"realtime-gui verify": ([str(script), *options], "session sess_")}
    if compare:
        sides["--compare verify"] = ([compare, *options], "session sess_")
    sides["python + websockets"] = ([sys.executable, f.name, url], '{"type": "session.created"')
    cpu: dict[str, list[float]] = {}
    wall = interleaved(sides, rounds=rounds, env=env, stdin=token + "\n", cpu=cpu)
    os.unlink(f.name)
    for what, times in (("wall", wall), ("CPU, user + system", cpu)):
        print(f"-- {what}")
        width = max(map(len, sides))
        for name, samples in times.items():
            print(f"{name:{width}}  {spread(samples)}")
        ours = statistics.median(times["realtime-gui verify"])
        for name, samples in list(times.items())[1:]:
            goal = " (goal <= 1.2x, aim 1.0x)" if name == "python + websockets" and what == "wall" else ""
            print(f"realtime-gui verify / {name}: {ours / statistics.median(samples):.2f}x (medians){goal}")


def in_window(rounds: int) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from realtime_gui.qt.app import create_window

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window: Any = create_window(["--demo", "--settings", str(Path(folder) / "settings.ini")])
        window.show()
        panel, verifier = window.token_panel.verify, window.controller.verifier
        # Without the warm-up after the first paint (which loads it), the first Test below loads verify/session.py
        # itself: the cold case, as when Test comes before the warm-up is done.
        window.controller.warm_up = lambda: None
        done = QEventLoop()
        minted = QEventLoop()
        window.controller.minted.connect(lambda _token: minted.quit())
        # Connected after the panel's slots: when these run, the result line already shows the outcome.
        verifier.verified.connect(lambda _result: done.quit())
        verifier.failed.connect(lambda _error: done.quit())
        QTimer.singleShot(300, window.mint)
        minted.exec()
        token, connection = window.token_panel.current, window.profile.connection
        if token is None:
            raise SystemExit(f"mint failed: {window.error_text.text()}")

        def click() -> float:
            started = time.perf_counter()
            QTest.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
            done.exec()
            elapsed = time.perf_counter() - started
            if not panel.result.text().startswith("✓ Session sess_"):
                raise SystemExit(f"Test failed: {panel.result.text()}")
            return elapsed

        clock, gaps, last = QElapsedTimer(), [0.0], [0.0]

        def on_tick() -> None:
            now = clock.nsecsElapsed() / 1e6
            gaps[0] = max(gaps[0], now - last[0])
            last[0] = now

        ticker = QTimer()
        ticker.setInterval(1)
        ticker.timeout.connect(on_tick)
        clock.start()
        ticker.start()
        loaded = "realtime_gui.verify.session" in sys.modules
        first = click()
        ticker.stop()
        what = "verify/session.py already loaded" if loaded else "loads verify/session.py and websockets"
        print(
            f"first Test ({what}) {first * 1000:.1f} ms, longest event-loop stall meanwhile {gaps[0]:.1f} ms "
            "(goal < 16 ms)"
        )
        from realtime_gui.verify.session import verify

        for say in (None, "Hello"):
            panel.say.setText(say or "")
            request = VerifyRequest(
                token=token.value,
                endpoint=token.endpoint,
                base_url=connection.base_url,
                model=token.model,
                timeout=connection.timeout,
                say=say,
            )
            ours, base = [], []
            for i in range(rounds + 10):
                sample = click()
                t = time.perf_counter()
                verify(request)
                if i >= 10:
                    ours.append(sample)
                    base.append(time.perf_counter() - t)
            what = "Test + Say" if say else "Test"
            print(f"window click -> {what:11s}{ms(ours)}")
            print(f"core verify() {'+ say' if say else '':12s}{ms(base)}")
            print(f"ratio {statistics.median(ours) / statistics.median(base):.2f}x")
        window.close()
        app.processEvents()


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--process-rounds", type=int, default=25)
    parser.add_argument("--window-rounds", type=int, default=100)
    parser.add_argument("--window-only", action="store_true", help="only the window (run in a fresh process)")
    parser.add_argument("--process-only", action="store_true", help="only the whole-process figures")
    parser.add_argument("--compare", metavar="COMMAND", help="another checkout's realtime-gui, run alongside")
    args = parser.parse_args()
    if args.window_only:
        in_window(args.window_rounds)
        return
    with FakeOpenAI(api_key=KEY) as server:
        token = _token(server)
        if not args.process_only:
            print("== in process ==")
            in_process(server, token, args.rounds)
        print(f"\n== whole process, {args.process_rounds} rounds ==")
        whole_process(server, token, args.process_rounds, args.compare)
    if args.process_only:
        return
    print("\n== the window (a fresh process, so the first Test loads websockets) ==", flush=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    window = [sys.executable, __file__, "--window-only", "--window-rounds", str(args.window_rounds)]
    subprocess.run(window, env=env, check=True)


if __name__ == "__main__":
    main()
