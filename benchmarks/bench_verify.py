"""How much `verify` adds to opening a Realtime session, measured side by side in one run.

1. In process: `realtime_gui.verify.verify` vs a raw `websockets` sync connect + first message + close, with the
   same URL and token (goal: within 1.2x).
2. Whole process: `realtime-gui verify` (token on stdin) vs a plain Python script that imports websockets, connects
   and prints the first message (goal: within 1.2x).

Both sides open sessions on the same fake server on 127.0.0.1 in this process, interleaved A/B so drift hits both
alike. Run: .venv/bin/python benchmarks/bench_verify.py [--rounds N] [--process-rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from websockets.sync.client import connect

from realtime_gui.client import TokenClient
from realtime_gui.connection import Connection
from realtime_gui.fake_server import FakeOpenAI
from realtime_gui.request import build_request
from realtime_gui.verified import VerifyRequest, session_url
from realtime_gui.verify import verify

from side_by_side import compile_bytecode, interleaved, ms

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


def whole_process(server: FakeOpenAI, token: str, rounds: int) -> None:
    script = Path(sys.executable).with_name("realtime-gui")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    url = session_url(VerifyRequest(token=token, base_url=server.base_url, model="gpt-realtime"))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BASELINE)
    ours_cmd = [str(script), "verify", "--base-url", server.base_url, "--model", "gpt-realtime"]
    base_cmd = [sys.executable, f.name, url]
    sides = {"ours": (ours_cmd, "session sess_"), "base": (base_cmd, '{"type": "session.created"')}
    times = interleaved(sides, rounds=rounds, env=env, stdin=token + "\n")
    ours, base = times["ours"], times["base"]
    os.unlink(f.name)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"realtime-gui verify       {ms(ours)}")
    print(f"python + websockets       {ms(base)}")
    print(f"ratio {ratio:.2f}x (goal within 1.2x)")


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--process-rounds", type=int, default=25)
    args = parser.parse_args()
    with FakeOpenAI(api_key=KEY) as server:
        token = _token(server)
        print("== in process ==")
        in_process(server, token, args.rounds)
        print("\n== whole process ==")
        whole_process(server, token, args.process_rounds)


if __name__ == "__main__":
    main()
