"""The frozen Linux bundle against the installed package: `--smoke-test` wall time, side by side in one run
(goal: frozen within 1.3x), and the bundle's size (goal: <= 130 MiB).

Build first: .venv/bin/python packaging/build.py
Run:         .venv/bin/python benchmarks/bench_frozen.py [--rounds N]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "realtime-gui" / "realtime-gui"
INSTALLED = Path(sys.executable).with_name("realtime-gui")


def once(binary: Path) -> tuple[float, dict[str, Any]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    done = subprocess.run([str(binary), "--smoke-test"], env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if done.returncode != 0 or not report.get("ok"):
        raise SystemExit(f"{binary} failed: {report}")
    return wall, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    if not FROZEN.exists():
        raise SystemExit("build the bundle first: .venv/bin/python packaging/build.py")
    compileall.compile_dir(ROOT / "realtime_gui", quiet=1)  # as pip does for an installed package
    walls: dict[str, list[float]] = {"frozen": [], "installed": []}
    steps: dict[str, list[dict[str, float]]] = {"frozen": [], "installed": []}
    for i in range(args.rounds + 1):
        for name, binary in (("frozen", FROZEN), ("installed", INSTALLED)):
            wall, report = once(binary)
            if i:  # the first round warms the page cache
                walls[name].append(wall)
                steps[name].append(report["steps_ms"])
    size = sum(f.stat().st_size for f in FROZEN.parent.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20
    for name in walls:
        median_steps = {k: statistics.median(s[k] for s in steps[name]) for k in steps[name][0]}
        print(f"{name:9s} --smoke-test wall {statistics.median(walls[name]) * 1000:6.0f} ms   steps {median_steps}")
    ratio = statistics.median(walls["frozen"]) / statistics.median(walls["installed"])
    print(f"frozen / installed: {ratio:.2f}x (goal within 1.3x)")
    print(f"bundle size: {size:.1f} MiB (goal <= 130 MiB)")


if __name__ == "__main__":
    main()
