"""`realtime-gui mint` wall time before and after the move from httpx to httpx2, side by side in one run.

"before" is the `realtime-gui` script of another install: a checkout of the last commit on httpx with a venv of its
own (`git worktree add --detach ../before <commit> && python3 -m venv ../before/.venv && ../before/.venv/bin/pip
install -e ../before`). Both sides mint from the same fake server in this process, runs interleaved A B A B so
drift hits both alike, with the machine's trust settings (SSL_CERT_FILE, SSL_CERT_DIR) unset: each side builds its
default TLS context (certifi's roots before, the system's after), as a user's first mint does. Then the same over
https (each trusting the test authority through SSL_CERT_FILE), and `import httpx` against `import httpx2`.

Run: .venv/bin/python benchmarks/bench_stack.py --before ../before/.venv/bin/realtime-gui [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from realtime_gui.demo import FakeOpenAI

from side_by_side import compile_bytecode, spread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from tls_certs import make_certs  # the tests' own authority (needs the test extra)

KEY = "sk-bench-not-a-real-key-000000000000"


Sides = Mapping[str, tuple[Sequence[str], str]]


def timed(
    sides: Sides, *, rounds: int, env: Mapping[str, str]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU seconds (user + system, the child's own) of each side, interleaved, after two warm-up rounds.
    CPU time hardly moves when other work shares the machine; wall time is what a user waits."""
    wall: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    for i in range(rounds + 2):
        for name, (argv, expect) in sides.items():
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            done = subprocess.run(argv, env=dict(env), capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0 or not done.stdout.startswith(expect):
                raise SystemExit(f"{name} failed: {done.stdout} {done.stderr}")
            if i >= 2:
                wall[name].append(elapsed)
                cpu[name].append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    return wall, cpu


def report(title: str, sides: Sides, *, rounds: int, env: Mapping[str, str]) -> None:
    wall, cpu = timed(sides, rounds=rounds, env=env)
    print(f"== {title} ({rounds} runs each)")
    for label, times in (("wall", wall), ("cpu ", cpu)):
        before, after = times["before"], times["after"]
        print(f"{label} before (httpx)   {spread(before)}")
        print(f"{label} after (httpx2)   {spread(after)}")
        print(f"{label} after / before   {statistics.median(after) / statistics.median(before):.2f}x (median)")
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, type=Path, help="the realtime-gui script of the httpx install")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    before, after = args.before.resolve(), Path(sys.executable).with_name("realtime-gui")
    compile_bytecode()
    # The other side's package too, as pip would have compiled it.
    code = (
        "import compileall, pathlib, realtime_gui; compileall.compile_dir(pathlib.Path(realtime_gui.__file__).parent)"
    )
    subprocess.run([str(before.with_name("python")), "-c", code], check=True, capture_output=True)

    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env.update(OPENAI_API_KEY=KEY, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(name, None)

    with FakeOpenAI(api_key=KEY) as server:
        sides = {
            side: ([str(path), "mint", "--base-url", server.base_url], "ek_")
            for side, path in (("before", before), ("after", after))
        }
        report("mint over http://127.0.0.1, default trust store", sides, rounds=args.rounds, env=env)

    with tempfile.TemporaryDirectory() as folder:
        certs = make_certs(Path(folder))
        with FakeOpenAI(api_key=KEY, tls=certs.server_context()) as server:
            sides = {
                side: ([str(path), "mint", "--base-url", server.base_url], "ek_")
                for side, path in (("before", before), ("after", after))
            }
            tls_env = {**env, "SSL_CERT_FILE": str(certs.ca)}
            report("mint over https://127.0.0.1 (SSL_CERT_FILE)", sides, rounds=args.rounds, env=tls_env)

    imports = {
        "before": ([str(before.with_name("python")), "-c", "import httpx; print('ok')"], "ok"),
        "after": ([sys.executable, "-c", "import httpx2; print('ok')"], "ok"),
    }
    report("import httpx vs import httpx2 (whole interpreter)", imports, rounds=args.rounds, env=env)


if __name__ == "__main__":
    main()
