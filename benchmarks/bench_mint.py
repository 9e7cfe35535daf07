"""How much the client and the command line add to a mint, measured side by side in one run.

1. In process: `TokenClient.mint` vs a raw httpx2 POST of the same body on a reused client (goal: adds < 1 ms).
2. Whole process, wall time: `realtime-gui mint` vs the official SDK's one-liner (goal: <= 0.25x) and vs a plain
   Python script that imports httpx2 and posts the same body (the aim: 1.0x); with --compare, another checkout's
   `realtime-gui` too (a before/after in one run).

Every side hits the same fake server on 127.0.0.1 (the one `realtime-gui demo` runs), in turn, round after round,
so the drift of a shared machine hits them alike. The same with public tools: `realtime-gui demo --port 0`, paste
its two export lines, then e.g. `hyperfine -N 'realtime-gui mint' "python -c '$SDK'"` with SDK_ONE_LINER below.
Run: .venv/bin/python benchmarks/bench_mint.py [--rounds N] [--process-rounds N] [--compare OTHER/realtime-gui]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.demo import FakeOpenAI
from realtime_gui.net.client import TokenClient

from side_by_side import compile_bytecode, interleaved, ms, spread

KEY = "sk-bench-not-a-real-key-000000000000"
BASELINE = """
import sys, httpx2
body = sys.argv[2].encode()
r = httpx2.post(sys.argv[1], content=body, headers={"Authorization": "Bearer " + sys.argv[3],
               "Content-Type": "application/json"}, timeout=30)
print(r.json()["value"])
"""
# What a user of the official SDK would write (the `openai` package, in the test extra).
SDK_ONE_LINER = (
    "import os; from openai import OpenAI; print(OpenAI(base_url=os.environ['OPENAI_BASE_URL'], "
    "api_key=os.environ['OPENAI_API_KEY']).realtime.client_secrets.create("
    "session={'type': 'realtime', 'model': 'gpt-realtime'}).value)"
)


def in_process(server: FakeOpenAI, rounds: int) -> None:
    request = build_request(
        "realtime",
        {"session.model": "gpt-realtime", "session.audio.output.voice": "marin", "expires_after.seconds": 600},
    )
    connection = Connection(base_url=server.base_url)
    url = server.base_url + "/realtime/client_secrets"
    body = json.dumps(request.body).encode()
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    ours, raw = [], []
    with TokenClient() as client, httpx2.Client() as plain:
        for _ in range(20):  # warm both pools
            client.mint(request, connection=connection, api_key=KEY)
            plain.post(url, content=body, headers=headers).json()
        for _ in range(rounds):
            t = time.perf_counter()
            client.mint(request, connection=connection, api_key=KEY)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            plain.post(url, content=body, headers=headers).json()
            raw.append(time.perf_counter() - t)
    added = (statistics.median(ours) - statistics.median(raw)) * 1000
    print(f"TokenClient.mint      {ms(ours)}")
    print(f"raw httpx2 POST       {ms(raw)}")
    print(f"client adds {added:+.3f} ms per mint (goal < 1 ms)")
    t = time.perf_counter()
    for _ in range(rounds):
        build_request("realtime", {"session.model": "gpt-realtime", "session.audio.output.voice": "marin"})
    print(f"(build_request, validation included: {(time.perf_counter() - t) / rounds * 1000:.3f} ms)")


def whole_process(server: FakeOpenAI, rounds: int, compare: str | None) -> None:
    body = json.dumps(build_request("realtime", {}).body)
    url = server.base_url + "/realtime/client_secrets"
    script = Path(sys.executable).with_name("realtime-gui")
    env = {**os.environ, "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": server.base_url}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BASELINE)
    sides: dict[str, tuple[list[str], str]] = {"realtime-gui mint": ([str(script), "mint"], "ek_")}
    if compare:
        sides["--compare mint"] = ([compare, "mint"], "ek_")
    sides["SDK one-liner"] = ([sys.executable, "-c", SDK_ONE_LINER], "ek_")
    sides["python + httpx2 POST"] = ([sys.executable, f.name, url, body, KEY], "ek_")
    cpu: dict[str, list[float]] = {}
    wall = interleaved(sides, rounds=rounds, env=env, cpu=cpu)
    os.unlink(f.name)
    goals = {"SDK one-liner": " (goal <= 0.25x)", "python + httpx2 POST": " (aim 1.0x)"}
    for what, times in (("wall", wall), ("CPU, user + system", cpu)):
        print(f"-- {what}")
        width = max(map(len, sides))
        for name, samples in times.items():
            print(f"{name:{width}}  {spread(samples)}")
        ours = statistics.median(times["realtime-gui mint"])
        for name, samples in list(times.items())[1:]:
            goal = goals.get(name, "") if what == "wall" else ""
            print(f"realtime-gui mint / {name}: {ours / statistics.median(samples):.2f}x (medians){goal}")


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--process-rounds", type=int, default=25)
    parser.add_argument("--compare", metavar="COMMAND", help="another checkout's realtime-gui, run alongside")
    parser.add_argument("--process-only", action="store_true", help="only the whole-process figures")
    args = parser.parse_args()
    with FakeOpenAI(api_key=KEY) as server:
        if not args.process_only:
            print("== in process ==")
            in_process(server, args.rounds)
        print(f"\n== whole process, {args.process_rounds} rounds ==")
        whole_process(server, args.process_rounds, args.compare)


if __name__ == "__main__":
    main()
