"""The CLI and the app as separate processes: `run_cli` runs a command to its end and checks what every run must
do, and `run_main` runs it through main() in this process, set up the same way, where a child adds nothing;
`run_measured` also measures a child against the hostile server: exit code, output, seconds (from the request
reaching the server, so interpreter start-up is not counted), peak RSS, and how long the app outlives its window.
The measured runs are shared by tests/net/test_hostile_transport.py and benchmarks/bench_transport.py."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from realtime_gui.cli import main
from realtime_gui.logs import DEBUG_ENV

from conftest import TEST_KEY, Ran, write_profile
from hostile_server import HostileServer
from waiting import wait_until

CLI = str(Path(sys.executable).with_name("realtime-gui"))  # the console script, as installed
# What a terminal would act on or hide (tabs and line breaks are fine): none may reach it.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def cli_env(
    *, config: Path | None = None, key: str | None = TEST_KEY, keyring_file: Path | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a `realtime-gui` child: never the real keyring (a memory one, or entries in
    `keyring_file` that several children share), no OpenAI or debug setting from outside, `key` as OPENAI_API_KEY,
    and the `config` folder (else the test's own, which the autouse fixture set)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_") and k != DEBUG_ENV}
    # No empty entry: it would put the working directory on sys.path, and another checkout's realtime_gui with it.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), env.get("PYTHONPATH", "")]))
    if keyring_file is None:
        env["PYTHON_KEYRING_BACKEND"] = "memory_keyring.MemoryKeyring"
    else:
        env.update(PYTHON_KEYRING_BACKEND="memory_keyring.SharedFileKeyring", TEST_KEYRING_FILE=str(keyring_file))
    if config is not None:
        env.update(XDG_CONFIG_HOME=str(config), APPDATA=str(config))
    if key is not None:
        env["OPENAI_API_KEY"] = key
    env.update(extra)
    return env


def run_cli(
    *args: str,
    env: dict[str, str],
    stdin: str | None = None,
    key: str = TEST_KEY,
    timeout: float = 60,
    prefix: Sequence[str] = (),
) -> Ran:
    """`python -m realtime_gui ARGS` in a new process (run by `prefix`, e.g. in a namespace of its own), to its
    end. Checks what every run must do: no traceback, `key` never printed, no character a terminal would act on,
    and output that is UTF-8 (a lone surrogate cannot be printed as such, so it must have been escaped or refused
    before)."""
    started = time.monotonic()
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "realtime_gui", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    ran = Ran(done.returncode, done.stdout, done.stderr, seconds=time.monotonic() - started)
    assert_fit_to_print(ran, key=key)
    return ran


def run_main(
    *args: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    key: str | None = TEST_KEY,
    stdin: str | None = None,
    printed_key: str = TEST_KEY,
    **extra: str,
) -> Ran:
    """`realtime-gui ARGS` through main() in this process, set up as `cli_env` sets up a child: the test's own
    config folder and keyring (the autouse fixture's), no OpenAI or debug setting from outside, `key` as
    OPENAI_API_KEY, `extra` variables, `stdin` as standard input. The exit code is main()'s or argparse's; the log
    handler a run adds goes with it, as it would with the process. Checks what run_cli checks of every run."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    capsys.readouterr()
    with monkeypatch.context() as env:
        for name in [n for n in os.environ if n.startswith("OPENAI_")] + [DEBUG_ENV]:
            env.delenv(name, raising=False)
        if key is not None:
            env.setenv("OPENAI_API_KEY", key)
        for name, value in extra.items():
            env.setenv(name, value)
        # No `stdin`: /dev/null, as a command run from a terminal with nothing piped in has no input either.
        with _piped(stdin) if stdin is not None else open(os.devnull, encoding="utf-8") as piped:
            env.setattr(sys, "stdin", piped)
            try:
                code = main(list(args))
            except SystemExit as exited:  # argparse's usage errors
                code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
            finally:
                root.handlers[:] = handlers
                root.setLevel(level)
    out, err = capsys.readouterr()
    ran = Ran(code, out, err)
    assert_fit_to_print(ran, key=printed_key)
    return ran


@contextmanager
def _piped(text: str) -> Iterator[TextIO]:
    """`text` as a real pipe's reading end, as a child's standard input is (verify reads it by its descriptor)."""
    read_end, write_end = os.pipe()

    def write() -> None:
        with suppress(BrokenPipeError), open(write_end, "wb", buffering=0) as pipe:
            pipe.write(text.encode())  # until the command stops reading: the rest is not its input

    writer = threading.Thread(target=write, name="stdin-writer", daemon=True)  # a pipe holds only 64 KiB
    writer.start()
    with open(read_end, encoding="utf-8") as pipe:
        try:
            yield pipe
        finally:
            # The command's reader thread reads the descriptor until the end: it must be done before the number is
            # closed and given to another file.
            for thread in threading.enumerate():
                if thread.name == "stdin-reader":
                    thread.join(10)
    writer.join(10)


def assert_fit_to_print(ran: Ran, *, key: str = TEST_KEY) -> None:
    """What every run must print, in a process of its own or not: no traceback, `key` never printed, no character
    a terminal would act on, and text that is UTF-8 (a lone surrogate cannot be printed as such, so it must have
    been escaped or refused before)."""
    assert "Traceback" not in ran.err
    assert key not in ran.out + ran.err, "the key must never be printed"
    assert not CONTROL.search(ran.out + ran.err), f"control characters printed: {ran.out!r} {ran.err!r}"
    (ran.out + ran.err).encode("utf-8")  # raises on a lone surrogate, as printing it to a UTF-8 stream would


QT = ("PySide6", "shiboken6")


@dataclass(frozen=True)
class Loaded:
    modules: list[str]  # the watched modules (or modules of the watched packages) loaded when the code ended
    done: subprocess.CompletedProcess[str]


def modules_loaded(
    code: str, watched: Sequence[str] = QT, *, args: Sequence[str] = (), env: dict[str, str] | None = None
) -> Loaded:
    """Run `code` in a fresh interpreter (its sys.argv[1:] are `args`) and say which `watched` modules it had
    loaded when it ended, however it ended: an exit hook reports them on stderr."""
    hook = (
        "import atexit, json, sys\n"
        f"_watched = {tuple(watched)!r}\n"
        "atexit.register(lambda: print('LOADED', json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "_watched or m in _watched)), file=sys.stderr))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", hook + code, *args], env=env, capture_output=True, text=True, timeout=60
    )
    reports = [line.removeprefix("LOADED ") for line in done.stderr.splitlines() if line.startswith("LOADED ")]
    assert len(reports) == 1, f"the probe did not end normally: {done.stderr}"
    return Loaded(json.loads(reports[0]), done)


def child_env(tmp_path: Path) -> dict[str, str]:
    """An app or CLI child's environment: the test key, offscreen Qt, config and data folders of its own."""
    return cli_env(config=tmp_path / "config", XDG_DATA_HOME=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str
    seconds: float  # from `started()` first being true (else from the spawn) to the exit
    max_rss_mib: float  # this child's own peak (VmHWM, polled while it runs)


def run_measured(
    args: list[str],
    *,
    env: dict[str, str],
    tmp_path: Path,
    started: Callable[[], bool],
    kill_after: float = 60,
    stdin: str = "",
) -> Finished:
    """Run a child to its end, given `stdin`, polling `started` (e.g. "the request reached the server") while it
    runs."""
    out_path, err_path, in_path = tmp_path / "stdout", tmp_path / "stderr", tmp_path / "stdin"
    in_path.write_text(stdin, encoding="utf-8")
    with out_path.open("wb") as out, err_path.open("wb") as err, in_path.open("rb") as given:
        proc = subprocess.Popen(args, env=env, stdin=given, stdout=out, stderr=err)
        spawned = time.monotonic()
        call_started: float | None = None
        peak_kib = 0
        while True:
            peak_kib = max(peak_kib, _high_water_kib(proc.pid))
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            now = time.monotonic()
            if call_started is None and started():
                call_started = now
            if pid:
                break
            if now - spawned > kill_after:  # a regression must fail the test, not hang it
                proc.kill()
            time.sleep(0.005)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        code=proc.returncode,
        out=out_path.read_text(errors="replace"),
        err=err_path.read_text(errors="replace"),
        seconds=now - (call_started if call_started is not None else spawned),
        max_rss_mib=peak_kib / 1024,
    )


def _high_water_kib(pid: int) -> int:
    """The child's peak RSS so far. Not ru_maxrss: at exec the kernel folds in the RSS of the process that
    forked it (here the test runner), which would hide the child's own figure under the parent's."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def mint_cli(hostile: HostileServer, mode: str, *, timeout: float, tmp_path: Path) -> Finished:
    """`realtime-gui mint` against one hostile mode."""
    args = [CLI, "mint", "--base-url", hostile.base_url(mode), "--timeout", f"{timeout:g}"]
    seen = len(hostile.requests)
    return run_measured(args, env=child_env(tmp_path), tmp_path=tmp_path, started=lambda: len(hostile.requests) > seen)


HOSTILE_TOKEN = "ek_hostile_0123456789abcdef"  # what hostile_server's "ok" answer mints

# `realtime-gui ARGS` with a resolver that never answers for one host name (argv[1]), as on a machine whose DNS server
# cannot be reached; says on stderr when the lookup began.
_HUNG_LOOKUP = """
import socket, sys, threading, time
hung, real = sys.argv.pop(1), socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host == hung:
        print("resolving", time.monotonic(), file=sys.stderr, flush=True)
        threading.Event().wait()
    return real(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
from realtime_gui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def mint_with_hung_lookup(host: str, *, timeout: float, tmp_path: Path, python: str = sys.executable) -> Finished:
    """`realtime-gui mint` (in `python`'s install) at https://HOST/v1 whose name lookup never ends; `seconds` count
    from the lookup's start (the interpreter's start-up is no part of the call, and on a busy machine it varies
    most), and stderr holds only what the command said."""
    args = ["mint", "--base-url", f"https://{host}/v1", "--timeout", f"{timeout:g}"]
    done = subprocess.run(
        [python, "-c", _HUNG_LOOKUP, host, *args], env=child_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    ended = time.monotonic()  # one clock for every process on the machine (CLOCK_MONOTONIC)
    resolving, _, said = done.stderr.partition("\n")
    if not resolving.startswith("resolving "):  # it ended before any lookup
        return Finished(code=done.returncode, out=done.stdout, err=done.stderr, seconds=0.0, max_rss_mib=0.0)
    began = float(resolving.removeprefix("resolving "))
    return Finished(code=done.returncode, out=done.stdout, err=said, seconds=ended - began, max_rss_mib=0.0)


def verify_cli(
    hostile: HostileServer,
    mode: str,
    *args: str,
    timeout: float,
    tmp_path: Path,
    token: str = HOSTILE_TOKEN,
    cli: str = CLI,
    kill_after: float = 60,
) -> Finished:
    """`realtime-gui verify ARGS` (`cli`: another install's, for a benchmark's baseline) against one hostile mode,
    `token` on standard input; timed from the upgrade reaching the server, killed after `kill_after` seconds."""
    argv = [cli, "verify", "--base-url", hostile.base_url(mode), "--timeout", f"{timeout:g}", *args]
    seen = len(hostile.requests)
    return run_measured(
        argv,
        env=child_env(tmp_path),
        tmp_path=tmp_path,
        started=lambda: len(hostile.requests) > seen,
        stdin=token + "\n",
        kill_after=kill_after,
    )


# Runs the app's own main(), clicks Create once its event loop runs (the window is built by then), and closes the
# window when a line arrives on stdin; prints the moment.
_APP_DRIVER = """
import sys, time
from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication
from realtime_gui.qt.app import main
from realtime_gui.qt.ui.window.main_window import MainWindow

app = QApplication([sys.argv[0]])
told = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
told.setEnabled(False)

def window():
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

def create():
    window().mint_button.click()
    print("created", flush=True)
    told.setEnabled(True)

def close_now():
    told.setEnabled(False)
    print("closing", time.monotonic(), flush=True)
    window().close()

told.activated.connect(close_now)
QTimer.singleShot(0, create)
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Closed:
    code: int
    err: str
    seconds_to_exit: float  # from window.close() to the process having exited


def close_app_during_call(
    hostile: HostileServer, mode: str, *, timeout: float, tmp_path: Path, keyring_backend: str | None = None
) -> Closed:
    """Start the real app on a profile at `mode`, click Create, and close the window once the request arrived
    (or, with a `keyring_backend` that never answers, once Create was clicked: no request can come)."""
    settings = tmp_path / "settings.ini"
    write_profile(settings, "test", hostile.base_url(mode), timeout=timeout)
    env = child_env(tmp_path)
    if keyring_backend is not None:
        env.update(PYTHON_KEYRING_BACKEND=keyring_backend, OPENAI_API_KEY="")  # the key must come from it
    seen = len(hostile.requests)
    proc = subprocess.Popen(
        [sys.executable, "-c", _APP_DRIVER, "--settings", str(settings)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        created = proc.stdout.readline()  # "created", or "" if the app died
        if keyring_backend is None and created:
            wait_until(lambda: len(hostile.requests) > seen, timeout=30, what="the app's request")
        out, err = proc.communicate("close\n", timeout=60)
        exited = time.monotonic()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    closing = next((line.split()[1] for line in out.splitlines() if line.startswith("closing ")), None)
    # time.monotonic() is one clock for every process on the machine (CLOCK_MONOTONIC).
    return Closed(proc.returncode, err, exited - float(closing) if closing is not None else float("inf"))
