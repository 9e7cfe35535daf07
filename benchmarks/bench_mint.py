"""How much the client and the command line add to a mint, measured side by side in one run.

1. In process: `TokenClient.mint` vs a raw httpx2 POST of the same body on a reused client (goal: adds < 1 ms).
2. Whole process: `realtime-gui mint` vs a plain Python script that imports httpx2 and posts the same body
   (goal: within 1.3x).

Both sides hit the same fake server on 127.0.0.1 in this process, interleaved A/B so drift hits both alike.
Run: .venv/bin/python benchmarks/bench_mint.py [--rounds N]
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

from side_by_side import compile_bytecode, interleaved, ms

KEY = "sk-bench-not-a-real-key-000000000000"
BASELINE = """
import sys, httpx2
body = sys.argv[2].encode()
r = httpx2.post(sys.argv[1], content=body, headers={"Authorization": "Bearer " + sys.argv[3],
               "Content-Type": "application/json"}, timeout=30)
print(r.json()["value"])
"""


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


def whole_process(server: FakeOpenAI, rounds: int) -> None:
    body = json.dumps(build_request("realtime", {}).body)
    url = server.base_url + "/realtime/client_secrets"
    script = Path(sys.executable).with_name("realtime-gui")
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BASELINE)
    ours_cmd = [str(script), "mint", "--base-url", server.base_url]
    base_cmd = [sys.executable, f.name, url, body, KEY]
    sides = {"ours": (ours_cmd, "ek_"), "base": (base_cmd, "")}
    times = interleaved(sides, rounds=rounds, env=env)
    ours, base = times["ours"], times["base"]
    os.unlink(f.name)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"realtime-gui mint     {ms(ours)}")
    print(f"python + httpx2 POST  {ms(base)}")
    print(f"ratio {ratio:.2f}x (goal within 1.3x)")


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--process-rounds", type=int, default=25)
    args = parser.parse_args()
    with FakeOpenAI(api_key=KEY) as server:
        print("== in process ==")
        in_process(server, args.rounds)
        print("\n== whole process ==")
        whole_process(server, args.process_rounds)


if __name__ == "__main__":
    main()
