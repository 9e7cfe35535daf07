"""What the benchmarks share: installed-like bytecode, A/B runs of whole processes interleaved so drift hits both
sides alike, and how a set of timings is printed."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def ms(samples: list[float]) -> str:
    p90 = sorted(samples)[int(len(samples) * 0.9)]
    return f"median {statistics.median(samples) * 1000:7.3f} ms  (p90 {p90 * 1000:.3f})"


def spread(samples: list[float]) -> str:
    """min / median / max in ms: what a side-by-side figure is reported as."""
    return (
        f"min {min(samples) * 1000:7.1f}  median {statistics.median(samples) * 1000:7.1f}  "
        f"max {max(samples) * 1000:7.1f} ms"
    )


def compile_bytecode() -> None:
    """Compile the package's bytecode, as pip does for an installed package. An editable install under
    PYTHONDONTWRITEBYTECODE would otherwise compile every module from source on every run."""
    import compileall

    import realtime_gui

    compileall.compile_dir(Path(realtime_gui.__file__).parent, quiet=1)


def interleaved(
    sides: Mapping[str, tuple[Sequence[str], str]],
    *,
    rounds: int,
    env: Mapping[str, str],
    stdin: str | None = None,
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    """Wall time of each side's command (argv, what its stdout must start with), run in turn `rounds` times after
    two rounds that only warm the page cache. `cpu`, when given, gets each run's CPU time (user + system): on a
    shared machine it moves less than the wall time, which waits for other people's work too."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for i in range(rounds + 2):
        for name, (argv, expect) in sides.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            done = subprocess.run(argv, input=stdin, env=dict(env), capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0 or not done.stdout.startswith(expect):
                raise SystemExit(f"{name} failed: {done.stdout} {done.stderr}")
            if i >= 2:
                times[name].append(elapsed)
                if cpu is not None:
                    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                    cpu.setdefault(name, []).append(used)
    return times
