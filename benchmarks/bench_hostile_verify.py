"""What hostile Realtime servers cost `realtime-gui verify` (and `mint`), this install against a baseline install (an
older commit's `realtime-gui`, in its own venv), interleaved A/B in one run against the same hostile server:

1. seconds past `--timeout` for a server that floods pings and never reads, before session.created and during the
   text turn (goal: within 1 s of the timeout; seconds count from the upgrade reaching the server, so the
   interpreter's start-up is not in them; a run still going after KILL_AFTER_S is killed and counted as such),
2. peak RSS of `verify --say` against a reply that streams for ever (goal: under 200 MiB),
3. peak RSS of `verify --output json` against a session.created, and of `mint --output json` against a token
   answer, each just under 4 MiB of `[[]]` (goal: under 200 MiB).

Run: .venv/bin/python benchmarks/bench_hostile_verify.py --baseline ../wt-base/.venv/bin/realtime-gui [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_server import HostileServer
from processes import CLI, Finished, child_env, run_measured, verify_cli

Run = Callable[[HostileServer, str, Path], Finished]  # (server, the side's realtime-gui, folder) -> how it ended
KILL_AFTER_S = 30.0
KILLED = -9


def _spread(values: list[float], unit: str, digits: int) -> str:
    return (
        f"min {min(values):.{digits}f}  median {statistics.median(values):.{digits}f}  "
        f"max {max(values):.{digits}f} {unit}"
    )


def _compare(
    title: str, run: Run, measure: Callable[[Finished], float], *, sides: dict[str, str], rounds: int, unit: str
) -> None:
    server_runs: dict[str, list[float]] = {name: [] for name in sides}
    killed = dict.fromkeys(sides, 0)
    with HostileServer() as server, tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for name, cli in sides.items():
                done = run(server, cli, Path(folder))
                if done.code not in (0, 4, KILLED):
                    raise SystemExit(f"{title} ({name}): exit {done.code}: {done.err}")
                killed[name] += done.code == KILLED
                server_runs[name].append(measure(done))
    print(f"{title} ({rounds} rounds):")
    for name, values in server_runs.items():
        note = f"  ({killed[name]} killed after {KILL_AFTER_S:g} s)" if killed[name] else ""
        print(f"  {name:7s} {_spread(values, unit, 2 if unit == 's' else 0)}{note}")
    before, after = (statistics.median(values) for values in server_runs.values())
    print(f"  median after/before {after / before:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True, help="the baseline install's realtime-gui console script")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tiny-rounds", type=int, default=3, help="rounds of the tiny-arrays answers (slow before)")
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    sides = {"before": args.baseline, "after": CLI}
    timeout: float = args.timeout

    def flood(mode: str, *extra: str) -> Run:
        return lambda server, cli, tmp: verify_cli(
            server, mode, *extra, timeout=timeout, tmp_path=tmp, cli=cli, kill_after=KILL_AFTER_S
        )

    def past(done: Finished) -> float:
        return done.seconds - timeout

    def rss(done: Finished) -> float:
        return done.max_rss_mib

    def mint_tiny(server: HostileServer, cli: str, tmp: Path) -> Finished:
        argv = [cli, "mint", "--base-url", server.base_url("tiny-arrays"), "--output", "json", "--timeout", "120"]
        seen = len(server.requests)
        return run_measured(
            argv, env=child_env(tmp), tmp_path=tmp, started=lambda: len(server.requests) > seen, kill_after=300
        )

    def verify_tiny(server: HostileServer, cli: str, tmp: Path) -> Finished:
        return verify_cli(server, "ws-tiny-arrays", "--output", "json", timeout=120, tmp_path=tmp, cli=cli)

    print(f"--timeout {timeout:g}; before: {args.baseline}; after: {CLI}\n")
    same = {"sides": sides, "rounds": args.rounds}
    _compare("ping flood before session.created: s past --timeout", flood("ws-ping-flood"), past, unit="s", **same)
    _compare(
        "ping flood during --say: s past --timeout", flood("ws-ping-flood-open", "--say", "hi"), past, unit="s", **same
    )
    endless = flood("ws-endless-reply", "--say", "hi")
    _compare("endless reply, verify --say: peak RSS", endless, rss, unit="MiB", **same)
    tiny = {"sides": sides, "rounds": args.tiny_rounds}
    _compare("tiny arrays, verify --output json: peak RSS", verify_tiny, rss, unit="MiB", **tiny)
    _compare("tiny arrays, mint --output json: peak RSS", mint_tiny, rss, unit="MiB", **tiny)


if __name__ == "__main__":
    main()
