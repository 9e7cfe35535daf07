"""The CLI with stdout or stderr closed (`>&-`, `2>&-`), full (`>/dev/full`) or unread (a pipe nobody reads): a token
that could not be written is a failure (exit 5), nothing is minted or sent when stdout is closed from the start, and
stdout holds only what --output asks for, whatever is closed."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from realtime_gui.demo import FakeOpenAI

from conftest import TEST_KEY, free_port
from processes import CLI, CONTROL, cli_env

OUTPUT_FAILED = 5


@dataclass(frozen=True)
class Ended:
    code: int
    out: str  # what reached our stdout pipe (nothing when the child's stdout was closed)
    err: str


def run_with(redirect: str, *args: str, env: dict[str, str], stdin: str = "") -> Ended:
    """`realtime-gui ARGS REDIRECT` as a shell runs it (`>&-` closes fd 1 before the program starts)."""
    done = subprocess.run(
        ["sh", "-c", f'exec "$@" {redirect}', "sh", CLI, *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    ended = Ended(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in ended.out + ended.err
    assert TEST_KEY not in ended.out + ended.err
    assert not CONTROL.search(ended.out + ended.err)
    return ended


def mints(server: FakeOpenAI) -> int:
    return sum(1 for r in server.requests if r.method == "POST")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(config=tmp_path / "config")


# -- mint ------------------------------------------------------------------------------------------------------------


def test_mint_with_stdout_closed_mints_nothing_and_fails(server: FakeOpenAI, env: dict[str, str]) -> None:
    ended = run_with(">&-", "mint", "--base-url", server.base_url, env=env)
    assert ended.code == OUTPUT_FAILED
    assert ended.err == ("realtime-gui: Standard output is closed, so a token would go nowhere; nothing was minted.\n")
    assert mints(server) == 0


def test_mint_with_both_closed_fails_silently_and_mints_nothing(server: FakeOpenAI, env: dict[str, str]) -> None:
    ended = run_with(">&- 2>&-", "mint", "--base-url", server.base_url, env=env)
    assert (ended.code, ended.out, ended.err) == (OUTPUT_FAILED, "", "")
    assert mints(server) == 0


@pytest.mark.parametrize("output", ["token", "json", "env"])
def test_a_token_that_cannot_be_written_is_a_failure(server: FakeOpenAI, env: dict[str, str], output: str) -> None:
    ended = run_with(">/dev/full", "mint", "--output", output, "--base-url", server.base_url, env=env)
    assert ended.code == OUTPUT_FAILED
    assert ended.err == (
        "realtime-gui: The token was minted but could not be written to standard output (No space left on device); "
        "nobody has it, and it expires on its own.\n"
    )
    assert mints(server) == 1


def test_a_token_whose_reader_is_gone_is_a_failure(server: FakeOpenAI, env: dict[str, str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the token's write meets EPIPE
    try:
        done = subprocess.run(
            [CLI, "mint", "--base-url", server.base_url],
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == OUTPUT_FAILED
    assert "The token was minted but could not be written to standard output (its reader went away)" in done.stderr
    assert "Traceback" not in done.stderr
    assert mints(server) == 1


def test_mint_with_stderr_closed_prints_the_token_alone(server: FakeOpenAI, env: dict[str, str]) -> None:
    ended = run_with("2>&-", "mint", "--base-url", server.base_url, env=env)
    assert ended.code == 0
    assert re.fullmatch(r"ek_\S+\n", ended.out), ended.out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--set", "session.audio.output.speed=9"], 2, id="invalid input"),
        pytest.param(["--base-url", "http://127.0.0.1:PORT/v1", "--timeout", "5"], 4, id="refused connection"),
        pytest.param(["--output", "yaml"], 2, id="argparse"),
    ],
)
def test_mint_errors_with_stderr_closed_never_reach_stdout(env: dict[str, str], args: list[str], code: int) -> None:
    args = [a.replace("PORT", str(free_port())) for a in args]
    ended = run_with("2>&-", "mint", *args, env=env)
    assert (ended.code, ended.out) == (code, "")


def test_an_unknown_command_with_stderr_closed_prints_nothing(env: dict[str, str]) -> None:
    ended = run_with("2>&-", "mnit", env=env)
    assert (ended.code, ended.out) == (2, "")


# -- verify and key --------------------------------------------------------------------------------------------------


def test_verify_with_stdout_closed_sends_nothing(server: FakeOpenAI, env: dict[str, str]) -> None:
    ended = run_with(">&-", "verify", "--base-url", server.base_url, env=env, stdin="ek_0123456789abcdef\n")
    assert ended.code == OUTPUT_FAILED
    assert ended.err == (
        "realtime-gui: Standard output is closed, so the session's settings would go nowhere; nothing was sent.\n"
    )
    assert server.requests == []


def test_verify_errors_with_stderr_closed_never_reach_stdout(server: FakeOpenAI, env: dict[str, str]) -> None:
    ended = run_with("2>&-", "verify", "--base-url", server.base_url, env=env, stdin="\n")
    assert (ended.code, ended.out) == (2, "")
    ended = run_with("2>&-", "verify", "--base-url", server.base_url, env=env, stdin="ek_not_a_token_it_knows\n")
    assert (ended.code, ended.out) == (3, ""), "the fake refuses a token it never minted"


def test_key_status_with_stdout_closed_fails(env: dict[str, str]) -> None:
    ended = run_with(">&-", "key", "status", env=env)
    assert ended.code == OUTPUT_FAILED
    assert ended.err == "realtime-gui: Standard output is closed, so the answer was not written.\n"


def test_key_errors_with_stderr_closed_never_reach_stdout(env: dict[str, str]) -> None:
    ended = run_with("2>&-", "key", "status", "--profile", "no-such-profile", env=env)
    assert (ended.code, ended.out) == (2, "")


# -- serve -----------------------------------------------------------------------------------------------------------


def _get_token(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", "/token", headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_serve_with_stderr_closed_serves_and_prints_only_its_url(server: FakeOpenAI, env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        ["sh", "-c", 'exec "$@" 2>&-', "sh", CLI, "serve", "--port", "0", "--base-url", server.base_url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the URL, or "" if it died
        match = re.fullmatch(r"Serving tokens at http://127\.0\.0\.1:(\d+)/token\n", first)
        assert match, first
        assert _get_token(int(match[1])) == 200, "the request line it would log goes nowhere, not to stdout"
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert (rest, err) == ("", "")
    assert mints(server) == 1


def test_serve_with_stdout_closed_serves_on(server: FakeOpenAI, env: dict[str, str]) -> None:
    port = free_port()
    proc = subprocess.Popen(
        ["sh", "-c", 'exec "$@" >&-', "sh", CLI, "serve", "--port", str(port), "--base-url", server.base_url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        started = proc.stderr.readline()  # written once it listens
        assert started.startswith("realtime-gui: Minting realtime tokens at "), started
        assert _get_token(port) == 200
        assert " 200 GET /token " in proc.stderr.readline()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert out == ""
    assert err == "realtime-gui: Stopped after serving 1 token(s).\n"
    assert "Traceback" not in err
