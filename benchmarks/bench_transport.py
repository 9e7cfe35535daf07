"""What a hostile server costs, against a well-behaved baseline measured side by side (interleaved) in one run:

1. time past `--timeout` for `realtime-gui mint` against headers at 1 byte/s, an endless `103 Early Hints`
   stream, a body at a byte every 50 ms and a name lookup that never answers (counted from the lookup), against a
   server that never answers at all (the plain timeout); goal: within 1 s of the timeout,
2. peak RSS of `realtime-gui mint` against a stacked-gzip bomb (1 GiB decoded), against a normal answer;
   goal: under 200 MiB,
3. seconds from the window closing to the process exit with a hung call (plain hang, the 103 stream, and a keyring
   that never answers), against closing just after a successful mint; goal: under 1 s,
4. seconds from `Call.cancel()` (from another thread) to the mint raising, in this process, against a hung call and
   the 103 stream; goal: at once (tests/net/test_hostile_transport.py checks only that it ends through the cancel).

Seconds are counted from the request reaching the server, so the interpreter's start-up is not in them.
Run: .venv/bin/python benchmarks/bench_transport.py [--rounds N] [--timeout S]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.errors import NetworkError
from realtime_gui.net.calls import Call
from realtime_gui.net.client import TokenClient

from hostile_server import HostileServer, gzip_bomb
from processes import close_app_during_call, mint_cli, mint_with_hung_lookup
from waiting import wait_until


def _median(values: list[float]) -> float:
    return statistics.median(values)


def past_the_timeout(server: HostileServer, rounds: int, timeout: float, tmp: Path) -> None:
    modes = ("hang", "slow-headers", "early-hints", "slow-body", "hung lookup")
    past: dict[str, list[float]] = {mode: [] for mode in modes}
    for _ in range(rounds):
        for mode in modes:
            if mode == "hung lookup":
                done = mint_with_hung_lookup("resolver-hangs.example", timeout=timeout, tmp_path=tmp)
            else:
                done = mint_cli(server, mode, timeout=timeout, tmp_path=tmp)
            if done.code != 4:
                raise SystemExit(f"{mode}: exit {done.code}: {done.err}")
            past[mode].append(done.seconds - timeout)
    base = _median(past["hang"])
    print(f"--timeout {timeout:g}; seconds past it (median of {rounds}, request received -> exit):")
    for mode in modes:
        extra = _median(past[mode])
        print(f"  {mode:13s} {extra:+.3f} s  (max {max(past[mode]):+.3f})  vs hang: {extra - base:+.3f} s")


def peak_memory(server: HostileServer, rounds: int, tmp: Path) -> None:
    gzip_bomb()
    rss: dict[str, list[float]] = {"ok": [], "gzip-bomb": []}
    for _ in range(rounds):
        for mode, sink in rss.items():
            done = mint_cli(server, mode, timeout=10, tmp_path=tmp)
            if done.code != (0 if mode == "ok" else 4):
                raise SystemExit(f"{mode}: exit {done.code}: {done.err}")
            sink.append(done.max_rss_mib)
    ok, bomb = _median(rss["ok"]), _median(rss["gzip-bomb"])
    print(f"peak RSS: normal answer {ok:.1f} MiB, stacked-gzip bomb (1 GiB decoded) {bomb:.1f} MiB")
    print(f"  ratio {bomb / ok:.2f}x (goal: under 200 MiB)")


# What each case closes the window during: a server mode, and a keyring that never answers (None: the test's).
_CLOSE_CASES = {
    "after a mint": ("ok", None),
    "hang call": ("hang", None),
    "early-hints call": ("early-hints", None),
    "keyring hung": ("ok", "memory_keyring.HangingKeyring"),  # no socket to shut: the app must not wait for it
}


def close_to_exit(server: HostileServer, rounds: int, tmp: Path) -> None:
    seconds: dict[str, list[float]] = {label: [] for label in _CLOSE_CASES}
    for _ in range(rounds):
        for label, (mode, keyring_backend) in _CLOSE_CASES.items():
            closed = close_app_during_call(server, mode, timeout=30, tmp_path=tmp, keyring_backend=keyring_backend)
            if closed.code != 0:
                raise SystemExit(f"{label}: exit {closed.code}: {closed.err}")
            seconds[label].append(closed.seconds_to_exit)
    base = _median(seconds["after a mint"])
    print(f"window closed -> process exited (median of {rounds}; the call's timeout is 30 s):")
    for label in _CLOSE_CASES:
        value = _median(seconds[label])
        print(f"  {label:17s} {value:.3f} s  (max {max(seconds[label]):.3f})  ratio {value / base:.2f}x")


def _cancelled_in(server: HostileServer, mode: str, client: TokenClient) -> float:
    call = Call()
    seen = len(server.requests)
    raised = threading.Event()

    def mint() -> None:
        try:
            client.mint(
                build_request("realtime", {}),
                connection=Connection(base_url=server.base_url(mode), timeout=30),
                api_key="sk-bench-0123456789abcdefWXYZ",
                call=call,
            )
        except NetworkError as err:
            if err.reason == "cancelled":
                raised.set()

    threading.Thread(target=mint, daemon=True).start()
    wait_until(lambda: len(server.requests) > seen, what="the request")
    started = time.perf_counter()
    call.cancel()
    if not raised.wait(30):
        raise SystemExit(f"{mode}: the cancelled mint did not raise 'cancelled'")
    return time.perf_counter() - started


def cancel_to_raise(server: HostileServer, rounds: int) -> None:
    modes = ("hang", "early-hints")
    seconds: dict[str, list[float]] = {mode: [] for mode in modes}
    with TokenClient() as client:
        for _ in range(rounds):
            for mode in modes:
                seconds[mode].append(_cancelled_in(server, mode, client))
    print(f"Call.cancel() -> the mint raised, in this process (median of {rounds}; the call's timeout is 30 s):")
    for mode in modes:
        values = [figure * 1000 for figure in seconds[mode]]
        low, middle, high = min(values), _median(values), max(values)
        print(f"  {mode:13s} min {low:.2f}  median {middle:.2f}  max {high:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    with HostileServer() as server, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        past_the_timeout(server, args.rounds, args.timeout, tmp)
        print()
        peak_memory(server, args.rounds, tmp)
        print()
        close_to_exit(server, args.rounds, tmp)
        print()
        cancel_to_raise(server, args.rounds)


if __name__ == "__main__":
    main()
