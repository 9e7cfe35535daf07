"""What `realtime-gui serve` adds to a mint, measured side by side in one run, and whether it keeps up with a burst.

1. A token through `realtime-gui serve` (GET /token on a kept-alive connection, as a browser does) against a direct
   `TokenClient.mint` in this process, both to the same fake OpenAI server on 127.0.0.1, interleaved A/B so drift
   hits both alike (goal: serve adds < 2 ms).
2. 20 concurrent requests, each on a new connection with an Origin, repeated: every one must be a 200 with a token.
3. Stopping: `TokenServer.stop()` and the demo server's `FakeOpenAI.stop()` (their loop woken at once,
   net/listening.py) against the standard library's loop polling at the interval each used before (0.1 s, 50 ms),
   alternating (goal: a millisecond or less).

Run: .venv/bin/python benchmarks/bench_serve.py [--rounds N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.demo import FakeOpenAI
from realtime_gui.jsontext import JsonValue
from realtime_gui.net.client import TokenClient
from realtime_gui.serve.server import Template, TokenServer

from side_by_side import ms, spread

KEY = "sk-bench-not-a-real-key-000000000000"
SETS: dict[str, JsonValue] = {
    "session.model": "gpt-realtime",
    "session.audio.output.voice": "marin",
    "expires_after.seconds": 600,
}


def start_serve(base_url: str, config: str) -> tuple[subprocess.Popen[str], int]:
    command = str(Path(sys.executable).with_name("realtime-gui"))
    sets = [arg for path, value in SETS.items() for arg in ("--set", f"{path}={value}")]
    env = {**os.environ, "OPENAI_API_KEY": KEY, "XDG_CONFIG_HOME": config}
    proc = subprocess.Popen(
        [command, "serve", "--port", "0", "--base-url", base_url, "--rate", "1000000", *sets],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # one log line per request; not what is measured
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("Serving tokens at "):
        raise SystemExit(f"serve did not start: {line!r}")
    return proc, int(line.rsplit(":", 1)[1].split("/", 1)[0])


def get_token(connection: http.client.HTTPConnection, port: int, origin: str | None = None) -> str:
    headers = {"Host": f"127.0.0.1:{port}"}
    if origin:
        headers["Origin"] = origin
    connection.request("GET", "/token", headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"serve answered {response.status}: {body[:200]!r}")
    value = json.loads(body)["value"]
    assert isinstance(value, str)
    return value


def side_by_side(server: FakeOpenAI, port: int, rounds: int) -> None:
    request = build_request("realtime", SETS)
    connection = Connection(base_url=server.base_url)
    served, direct = [], []
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with TokenClient() as client:
        for _ in range(30):  # warm both paths
            client.mint(request, connection=connection, api_key=KEY)
            get_token(page, port)
        for _ in range(rounds):
            t = time.perf_counter()
            client.mint(request, connection=connection, api_key=KEY)
            direct.append(time.perf_counter() - t)
            t = time.perf_counter()
            get_token(page, port, "http://localhost:5173")
            served.append(time.perf_counter() - t)
    page.close()
    added = (statistics.median(served) - statistics.median(direct)) * 1000
    print(f"direct TokenClient.mint   {ms(direct)}")
    print(f"GET /token via serve      {ms(served)}")
    print(f"serve adds {added:+.3f} ms per token (goal < 2 ms)")


def burst(port: int, rounds: int, width: int = 20) -> None:
    def one(i: int) -> tuple[str, float]:
        t = time.perf_counter()
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            return get_token(page, port, f"http://localhost:{5000 + i}"), time.perf_counter() - t
        finally:
            page.close()

    walls: list[float] = []
    latencies: list[float] = []
    tokens: set[str] = set()
    with ThreadPoolExecutor(width) as pool:
        for _ in range(rounds):
            t = time.perf_counter()
            results = list(pool.map(one, range(width)))
            walls.append(time.perf_counter() - t)
            tokens.update(token for token, _ in results)
            latencies += [latency for _, latency in results]
    assert len(tokens) == rounds * width, "every request got its own token"
    print(f"{rounds} bursts of {width} concurrent requests: all {rounds * width} answered 200 with a token")
    print(f"burst of {width}, wall      {ms(walls)}")
    print(f"one request in a burst    {ms(latencies)}")


def _polling_stop(poll_interval: float) -> float:
    """Seconds for the standard library's loop, polling every `poll_interval`, to stop."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll_interval})
    loop.start()
    time.sleep(poll_interval / 3)  # somewhere in a poll, as a stop comes at any moment
    t = time.perf_counter()
    server.shutdown()
    stopped = time.perf_counter() - t
    loop.join()
    server.server_close()
    return stopped


def _token_server_stop(server: FakeOpenAI) -> float:
    template = Template(
        endpoint_id="realtime", values=SETS, connection=Connection(base_url=server.base_url), api_key=KEY
    )
    running = TokenServer(template, port=0).start()
    time.sleep(0.03)  # somewhere in its loop's wait
    t = time.perf_counter()
    running.stop()
    return time.perf_counter() - t


def _demo_stop() -> float:
    demo = FakeOpenAI(api_key=KEY).start()
    time.sleep(0.015)
    t = time.perf_counter()
    demo.stop()
    return time.perf_counter() - t


def stopping(server: FakeOpenAI, rounds: int) -> None:
    sides: dict[str, Callable[[], float]] = {
        "TokenServer.stop()": lambda: _token_server_stop(server),
        "stdlib loop, 0.1 s poll": lambda: _polling_stop(0.1),
        "FakeOpenAI.stop()": _demo_stop,
        "stdlib loop, 50 ms poll": lambda: _polling_stop(0.05),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, stop in sides.items():
            times[name].append(stop())
    for name, values in times.items():
        print(f"{name:25s} {spread(values)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--stops", type=int, default=20)
    args = parser.parse_args()
    with FakeOpenAI(api_key=KEY) as server, tempfile.TemporaryDirectory() as config:
        proc, port = start_serve(server.base_url, config)
        try:
            print("== one token: through serve vs direct ==")
            side_by_side(server, port, args.rounds)
            print("\n== concurrency ==")
            burst(port, args.bursts)
            print("\n== stopping ==")
            stopping(server, args.stops)
        finally:
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=10)
            assert proc.stdout is not None
            proc.stdout.close()
        print(f"\nserve stopped on Ctrl+C with exit code {code}")


if __name__ == "__main__":
    main()
