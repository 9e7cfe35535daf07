"""`realtime-gui demo` as a person uses it: started in a process of its own, its two export lines pasted into the
environment of `mint` and `verify` (processes too), then Ctrl+C. A taken or impossible port is a sentence, exit 2."""

from __future__ import annotations

import queue
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from realtime_gui.demo import DEMO_KEY, FakeOpenAI

from processes import CLI, CONTROL, cli_env, run_cli

LINE_WAIT_S = 30  # generous: the machine may be busy; the test waits on the line, not on the clock


def _pump(lines: Iterable[str], into: Callable[[str], object]) -> None:
    for line in lines:
        into(line)


class Demo:
    """A running `realtime-gui demo` (or `python -m realtime_gui.demo`), read line by line as it prints."""

    def __init__(self, command: list[str], *, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        assert self.proc.stdout is not None
        assert self.proc.stderr is not None
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        self._readers = [
            threading.Thread(target=_pump, args=(self.proc.stdout, self.out.put), daemon=True),
            threading.Thread(target=_pump, args=(self.proc.stderr, self.err.put), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def next_line(self, lines: queue.Queue[str]) -> str:
        try:
            return lines.get(timeout=LINE_WAIT_S)
        except queue.Empty:
            raise AssertionError(f"demo printed no line; exit code {self.proc.poll()}") from None

    def exports(self) -> dict[str, str]:
        """The two `export NAME=VALUE` lines, read as a shell would."""
        found: dict[str, str] = {}
        for _ in range(2):
            words = shlex.split(self.next_line(self.out))
            assert words[0] == "export", words
            name, _, value = words[1].partition("=")
            found[name] = value
        return found

    def finish(self) -> tuple[int, str, str]:
        """Wait for the end; (exit code, the rest of stdout, the rest of stderr)."""
        code = self.proc.wait(timeout=LINE_WAIT_S)
        for reader in self._readers:
            reader.join(timeout=LINE_WAIT_S)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        rest = ["".join(_drain(q)) for q in (self.out, self.err)]
        return code, rest[0], rest[1]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.finish()


def _drain(lines: queue.Queue[str]) -> Iterator[str]:
    while not lines.empty():
        yield lines.get_nowait()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Callable[..., Demo]]:
    started: list[Demo] = []

    def start(*args: str, module: bool = False) -> Demo:
        command = [sys.executable, "-m", "realtime_gui.demo", *args] if module else [CLI, "demo", *args]
        running = Demo(command, env=cli_env(config=tmp_path / "config", key=None))
        started.append(running)
        return running

    yield start
    for running in started:
        running.kill()


@pytest.mark.long
def test_mint_and_verify_work_against_the_demo_and_ctrl_c_stops_it(demo: Callable[..., Demo], tmp_path: Path) -> None:
    running = demo("--port", "0")
    exports = running.exports()
    assert set(exports) == {"OPENAI_BASE_URL", "OPENAI_API_KEY"}
    assert exports["OPENAI_API_KEY"] == DEMO_KEY
    assert exports["OPENAI_BASE_URL"].startswith("http://127.0.0.1:")
    assert exports["OPENAI_BASE_URL"].endswith("/v1")
    said = running.next_line(running.err)
    assert said.startswith(f"realtime-gui: A fake OpenAI is answering at {exports['OPENAI_BASE_URL']}")
    assert "Ctrl+C stops" in said

    # What a person does in another shell after pasting the two lines.
    env = cli_env(config=tmp_path / "shell", key=exports["OPENAI_API_KEY"], OPENAI_BASE_URL=exports["OPENAI_BASE_URL"])
    minted = run_cli("mint", "--output", "json", env=env, key=DEMO_KEY)
    assert minted.code == 0, minted.err
    assert '"token": "ek_' in minted.out
    verified = run_cli("verify", env=env, stdin=minted.out, key=DEMO_KEY)
    assert verified.code == 0, verified.err
    assert verified.out.startswith("session sess_")
    assert " opened in " in verified.out
    token = run_cli("mint", env=env, key=DEMO_KEY)
    assert token.code == 0, token.err
    assert token.out.startswith("ek_")

    running.proc.send_signal(signal.SIGINT)
    code, out, err = running.finish()
    assert code == 0, err
    assert out == ""
    assert err == "realtime-gui: Stopped after 3 request(s).\n"  # the three mints
    assert "Traceback" not in err
    assert not CONTROL.search(err)


def test_python_m_realtime_gui_demo_works_too(demo: Callable[..., Demo], tmp_path: Path) -> None:
    running = demo("--port", "0", module=True)
    exports = running.exports()
    env = cli_env(config=tmp_path / "shell", key=exports["OPENAI_API_KEY"], OPENAI_BASE_URL=exports["OPENAI_BASE_URL"])
    assert run_cli("mint", env=env, key=DEMO_KEY).code == 0
    running.proc.send_signal(signal.SIGTERM)
    code, _, err = running.finish()
    assert code == 0, err


def test_a_taken_port_is_a_sentence_and_exit_2(demo: Callable[..., Demo]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = demo("--port", str(port)).finish()
    assert code == 2
    assert out == ""
    assert err.startswith(f"realtime-gui: Cannot listen on 127.0.0.1 port {port}: ")
    assert err.endswith("Pick another --port (0 picks a free one).\n")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_an_impossible_port_is_refused_before_anything_listens(demo: Callable[..., Demo]) -> None:
    code, out, err = demo("--port", "70000").finish()
    assert (code, out) == (2, "")
    assert err == "realtime-gui: --port must be 0 to 65535 (0 picks a free port), not 70000.\n"


def test_a_demo_server_never_started_stops_at_once() -> None:
    # A setup that fails between making the server and starting it still stops it (shutdown() alone would wait
    # forever for a loop that never ran).
    server = FakeOpenAI()
    stopper = threading.Thread(target=server.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=10)
    assert not stopper.is_alive(), "stop() hung"
