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
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from realtime_gui.demo import FakeOpenAI

from side_by_side import compile_bytecode, interleaved, spread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from tls_certs import make_certs  # the tests' own authority (needs the test extra)

KEY = "sk-bench-not-a-real-key-000000000000"


def report(title: str, times: Mapping[str, list[float]]) -> None:
    before, after = times["before"], times["after"]
    print(f"== {title}")
    print(f"before (httpx)   {spread(before)}")
    print(f"after (httpx2)   {spread(after)}")
    print(f"after / before   {statistics.median(after) / statistics.median(before):.2f}x (median)\n")


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
        report("mint over http://127.0.0.1, default trust store", interleaved(sides, rounds=args.rounds, env=env))

    with tempfile.TemporaryDirectory() as folder:
        certs = make_certs(Path(folder))
        with FakeOpenAI(api_key=KEY, tls=certs.server_context()) as server:
            sides = {
                side: ([str(path), "mint", "--base-url", server.base_url], "ek_")
                for side, path in (("before", before), ("after", after))
            }
            tls_env = {**env, "SSL_CERT_FILE": str(certs.ca)}
            report("mint over https://127.0.0.1 (SSL_CERT_FILE)", interleaved(sides, rounds=args.rounds, env=tls_env))

    imports = {
        "before": ([str(before.with_name("python")), "-c", "import httpx; print('ok')"], "ok"),
        "after": ([sys.executable, "-c", "import httpx2; print('ok')"], "ok"),
    }
    report("import httpx vs import httpx2 (whole interpreter)", interleaved(imports, rounds=args.rounds, env=env))


if __name__ == "__main__":
    main()
