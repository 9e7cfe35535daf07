"""The change of None's reference count per 1,000 calls of each void C++ method, for the PySide6 this interpreter has
and, given another interpreter, for its PySide6 side by side (0 is sound; -1,000 aborts a long session, issue 7).

Run: .venv/bin/python benchmarks/bench_refcount.py [OTHER_PYTHON] [--calls N]
e.g. benchmarks/bench_refcount.py /tmp/venv-pyside-6.12.0/bin/python
Each interpreter measures in a fresh process of its own; the other one needs only PySide6 (this checkout's
realtime_gui is put on its path). The measurement hands back what it finds lost, so a faulty build survives it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure_here(calls: int) -> dict[str, Any]:
    """Runs in the child: the versions and each method's drift, scaled to 1,000 calls."""
    import platform

    sys.path.insert(0, str(ROOT))
    import PySide6
    from PySide6.QtWidgets import QApplication

    from realtime_gui.qt.none_refcount import drift_per_method

    app = QApplication.instance() or QApplication([])
    drifts = drift_per_method(calls)
    del app
    return {
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "per_1000": {name: round(drift * 1000 / calls, 1) for name, drift in drifts.items()},
    }


def run(python: str, calls: int) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [python, str(Path(__file__).resolve()), "--child", "--calls", str(calls)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=300)
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith("{")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"{python} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    result: dict[str, Any] = json.loads(line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", nargs="?", help="another venv's python, measured side by side")
    parser.add_argument("--calls", type=int, default=5000, help="calls of each method (default 5000)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_here(args.calls)))
        return
    pythons = [sys.executable] + ([args.other] if args.other else [])
    results = [run(python, args.calls) for python in pythons]
    heads = [f"PySide6 {r['pyside6']} / Py {r['python']}" for r in results]
    width = max(len(h) for h in heads) + 2
    print(f"None refcount change per 1,000 void calls ({args.calls} calls of each method, 0 = sound)")
    print(f"{'method':<30}" + "".join(f"{h:>{width}}" for h in heads))
    for name in results[0]["per_1000"]:
        print(f"{name:<30}" + "".join(f"{r['per_1000'][name]:>{width}.1f}" for r in results))
    means = [sum(r["per_1000"].values()) / len(r["per_1000"]) for r in results]
    print(f"{'mean of the methods':<30}" + "".join(f"{m:>{width}.1f}" for m in means))


if __name__ == "__main__":
    main()
