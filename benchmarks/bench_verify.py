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
import subprocess
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

KEY = "sk-bench-not-a-real-key-000000000000"
BASELINE = """
import sys
from websockets.sync.client import connect
with connect(sys.argv[1], additional_headers={"Authorization": "Bearer " + sys.stdin.readline().strip()}) as ws:
    print(ws.recv()[:60])
"""


def _ms(samples: list[float]) -> str:
    p90 = sorted(samples)[int(len(samples) * 0.9)]
    return f"median {statistics.median(samples) * 1000:7.3f} ms  (p90 {p90 * 1000:.3f})"


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
    print(f"verify()                  {_ms(ours)}")
    print(f"raw connect + recv        {_ms(base)}")
    print(f"ratio {ratio:.2f}x (goal within 1.2x)")


def whole_process(server: FakeOpenAI, token: str, rounds: int) -> None:
    script = Path(sys.executable).with_name("realtime-gui")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    url = session_url(VerifyRequest(token=token, base_url=server.base_url, model="gpt-realtime"))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(BASELINE)
    ours_cmd = [str(script), "verify", "--base-url", server.base_url, "--model", "gpt-realtime"]
    base_cmd = [sys.executable, f.name, url]
    ours, base = [], []
    for i in range(rounds + 2):
        for cmd, sink, expect in ((ours_cmd, ours, "session sess_"), (base_cmd, base, '{"type": "session.created"')):
            t = time.perf_counter()
            done = subprocess.run(cmd, input=token + "\n", env=env, capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - t
            if done.returncode != 0 or not done.stdout.startswith(expect):
                raise SystemExit(f"{cmd[0]} failed: {done.stdout} {done.stderr}")
            if i >= 2:  # the first rounds warm the page cache
                sink.append(elapsed)
    os.unlink(f.name)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"realtime-gui verify       {_ms(ours)}")
    print(f"python + websockets       {_ms(base)}")
    print(f"ratio {ratio:.2f}x (goal within 1.2x)")


def _compile_bytecode() -> None:
    """Compile the package's bytecode, as pip does for an installed package (see bench_mint.py)."""
    import compileall

    import realtime_gui

    compileall.compile_dir(Path(realtime_gui.__file__).parent, quiet=1)


def main() -> None:
    _compile_bytecode()
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
