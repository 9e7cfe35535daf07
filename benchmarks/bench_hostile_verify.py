"""What hostile Realtime servers cost `realtime-gui verify` (and `mint`), this install against a baseline install (an
older commit's `realtime-gui`, in its own venv), interleaved A/B in one run against the same hostile server:

1. seconds past `--timeout` for a server that floods pings and never reads, before session.created and during the
   text turn (goal: within 1 s of the timeout; seconds count from the upgrade reaching the server, so the
   interpreter's start-up is not in them; a run still going after KILL_AFTER_S is killed and counted as such),
   and for a refusal at the upgrade whose body never ends (the same goal),
2. seconds for `Verification.cancel()` to return, and for the check to end, while a ping flood holds websockets' lock
   (goal: at once, well under 0.5 s; in each side's own interpreter, next to its realtime-gui),
3. peak RSS of `verify --say` against a reply that streams for ever (goal: under 200 MiB),
4. peak RSS of `verify --output json` against a session.created, and of `mint --output json` against a token
   answer, each just under 4 MiB of `[[]]` (goal: under 200 MiB).

Run: .venv/bin/python benchmarks/bench_hostile_verify.py --baseline ../wt-base/.venv/bin/realtime-gui [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_server import HostileServer
from processes import CLI, HOSTILE_TOKEN, Finished, child_env, run_measured, verify_cli
from waiting import wait_until

Run = Callable[[HostileServer, str, Path], Finished]  # (server, the side's realtime-gui, folder) -> how it ended
KILL_AFTER_S = 30.0
KILLED = -9
# Run in each side's interpreter: a check against the ping flood, cancelled once the flood has stalled its reader;
# prints how long cancel() took to return and the check to end.
_CANCEL = """
import json, sys, threading, time
from realtime_gui.verify.findings import VerifyRequest
from realtime_gui.verify.session import Verification
check = Verification(VerifyRequest(token=sys.argv[2], base_url=sys.argv[1], timeout=60))
ended = threading.Event()
def _run():
    try:
        check.run()
    except Exception:
        pass
    ended.set()
threading.Thread(target=_run, daemon=True).start()
sys.stdin.readline()  # the server saw the reader stall
started = time.perf_counter()
check.cancel()
returned = time.perf_counter() - started
ended.wait(60)
print(json.dumps([returned, time.perf_counter() - started]))
"""


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


def _cancel_during_flood(server: HostileServer, cli: str) -> tuple[float, float]:
    """(seconds for cancel() to return, seconds for the check to end) in the interpreter beside `cli`."""
    seen = len(server.requests)
    python = str(Path(cli).parent / "python")
    child = subprocess.Popen(
        [python, "-c", _CANCEL, server.base_url("ws-ping-flood"), HOSTILE_TOKEN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: len(server.requests) > seen, timeout=30, what="the upgrade")
        if not server.requests[-1].stalled.wait(30):
            raise SystemExit("the ping flood never stalled the client's reader")
        out, _ = child.communicate("stalled\n", timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    returned, ended = json.loads(out)
    return returned, ended


def cancel_during_flood(sides: dict[str, str], rounds: int) -> None:
    returned: dict[str, list[float]] = {name: [] for name in sides}
    ended: dict[str, list[float]] = {name: [] for name in sides}
    with HostileServer() as server:
        for _ in range(rounds):
            for name, cli in sides.items():
                back, end = _cancel_during_flood(server, cli)
                returned[name].append(back)
                ended[name].append(end)
    for title, values in (("cancel() returned", returned), ("the check ended", ended)):
        print(f"cancel during a ping flood, ms until {title} ({rounds} rounds):")
        for name, figures in values.items():
            print(f"  {name:7s} {_spread([f * 1000 for f in figures], 'ms', 2)}")
        before, after = (statistics.median(figures) for figures in values.values())
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
    _compare("endless refusal: s past --timeout", flood("ws-endless-refusal"), past, unit="s", **same)
    cancel_during_flood(sides, args.rounds)
    endless = flood("ws-endless-reply", "--say", "hi")
    _compare("endless reply, verify --say: peak RSS", endless, rss, unit="MiB", **same)
    tiny = {"sides": sides, "rounds": args.tiny_rounds}
    _compare("tiny arrays, verify --output json: peak RSS", verify_tiny, rss, unit="MiB", **tiny)
    _compare("tiny arrays, mint --output json: peak RSS", mint_tiny, rss, unit="MiB", **tiny)


if __name__ == "__main__":
    main()
