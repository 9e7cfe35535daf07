"""`realtime-gui verify` and `mint --verify`, run as a user runs them, against the fake server's Realtime sessions."""

from __future__ import annotations

import json
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import pytest

from realtime_gui.api.catalog import ENDPOINT_IDS
from realtime_gui.api.endpoint_sockets import DEFAULT_ENDPOINT, SOCKETS
from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.net.client import TokenClient
from realtime_gui.net.minted import MintedToken
from realtime_gui.verify.findings import SessionOpened, SessionUnreachable, VerifyCancelled, VerifyRequest
from realtime_gui.verify.session import Verification

from conftest import TEST_KEY, Ran, free_port
from misbehaving import FakeOpenAI, Fault, FaultKind
from processes import cli_env, modules_loaded, run_cli, run_main
from waiting import wait_until

SESSION_LINE = re.compile(r"session (sess_\w+) opened in \d+ ms: (.*)")


def run_in_a_process(*args: str, stdin: str = "", server: FakeOpenAI | None = None, secret: str = "") -> Ran:
    """`realtime-gui ARGS` in a fresh process, with the key in the environment (mint needs it; verify must not use
    it) and the fake as the base URL. Checks, besides what run_cli checks of every run, that the token (`secret`)
    is nowhere in the messages on stderr."""
    env = cli_env()
    if server is not None:
        env["OPENAI_BASE_URL"] = server.base_url
    ran = run_cli(*args, env=env, stdin=stdin)
    if secret:
        assert secret not in ran.err, "the token must never appear in a message"
    return ran


class Run(Protocol):
    """The `run` fixture."""

    def __call__(self, *args: str, stdin: str = "", server: FakeOpenAI | None = None, secret: str = "") -> Ran: ...


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """`realtime-gui ARGS` as `run_in_a_process` runs it, with `stdin` as a pipe, but through main() in this
    process: a child adds nothing to what these tests check (the pipes, the timeouts and the exit codes of a real
    process are the tests that use `run_in_a_process`, `verify_with_open_stdin` or a shell's pipe)."""

    def run_(*args: str, stdin: str = "", server: FakeOpenAI | None = None, secret: str = "") -> Ran:
        extra = {"OPENAI_BASE_URL": server.base_url} if server is not None else {}
        ran = run_main(*args, capsys=capsys, monkeypatch=monkeypatch, stdin=stdin, **extra)
        if secret:
            assert secret not in ran.err, "the token must never appear in a message"
        return ran

    return run_


def mint(client: TokenClient, server: FakeOpenAI, endpoint: str = "realtime", **values: Any) -> MintedToken:
    request = build_request(endpoint, {k.replace("__", "."): v for k, v in values.items()})
    return client.mint(request, connection=Connection(base_url=server.base_url, timeout=5), api_key=TEST_KEY)


def sessions(server: FakeOpenAI) -> list[Any]:
    return [r for r in server.requests if r.method == "GET"]


@pytest.fixture
def token(token_client: TokenClient, server: FakeOpenAI) -> MintedToken:
    return mint(token_client, server)


# -- it works ---------------------------------------------------------------------------------------------------------


def test_mint_json_piped_into_verify_opens_the_minted_session(server: FakeOpenAI) -> None:
    realtime_gui = Path(sys.executable).with_name("realtime-gui")
    pipe = (
        f"{realtime_gui} mint --output json --set session.model=gpt-realtime-2 "
        f"--set session.audio.output.voice=marin --set session.output_modalities=text | {realtime_gui} verify"
    )
    env = cli_env(OPENAI_BASE_URL=server.base_url)
    done = subprocess.run(["bash", "-o", "pipefail", "-c", pipe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    line = SESSION_LINE.fullmatch(done.stdout.strip())
    assert line, done.stdout
    (issued_token, issued), *_ = server.state.tokens.items()
    assert line.group(1) == issued.session["id"], "the session opened is the one minted"
    assert line.group(2).startswith("model gpt-realtime-2, voice marin, output text, input audio/pcm 24000 Hz")

    (upgrade,) = sessions(server)
    assert upgrade.path == "/v1/realtime?model=gpt-realtime-2"
    assert upgrade.headers["authorization"] == f"Bearer {issued_token}"
    assert "openai-beta" not in upgrade.headers, "GA closes sessions that send OpenAI-Beta"
    assert TEST_KEY not in upgrade.path + json.dumps(upgrade.headers), "the API key must never reach the session"


@pytest.mark.parametrize(
    ("endpoint", "values", "path"),
    [
        ("transcription", {}, "/v1/realtime?intent=transcription"),
        (
            "translation",
            {"session__model": "gpt-realtime-translate"},
            "/v1/realtime/translations?model=gpt-realtime-translate",
        ),
        ("beta-sessions", {}, "/v1/realtime?model=gpt-4o-realtime-preview"),
    ],
)
def test_each_kind_of_token_opens_its_own_url(
    run: Run, token_client: TokenClient, server: FakeOpenAI, endpoint: str, values: dict[str, Any], path: str
) -> None:
    minted = mint(token_client, server, endpoint, **values)
    args = ["verify", "--endpoint", endpoint] + (["--model", minted.model] if minted.model else [])
    ran = run(*args, stdin=minted.value + "\n", server=server, secret=minted.value)
    assert ran.code == 0, ran.err
    assert SESSION_LINE.fullmatch(ran.out.strip())
    assert minted.value not in ran.out, "session.created does not echo the secret"
    assert sessions(server)[-1].path == path


@pytest.mark.parametrize("modality", ["audio", "text"])
def test_say_streams_the_reply_with_control_characters_escaped(
    run: Run, token_client: TokenClient, server: FakeOpenAI, modality: str
) -> None:
    minted = mint(token_client, server, session__output_modalities=[modality])
    ran = run("verify", "--say", "hi \x1b[31mred\x07 \u202eok", stdin=minted.value, server=server, secret=minted.value)
    assert ran.code == 0, ran.err
    session_line, reply = ran.out.splitlines()
    assert SESSION_LINE.fullmatch(session_line)
    assert reply == "Hello from the fake Realtime API. You said: hi \\x1b[31mred\\x07 \\u202eok"


def test_output_json_is_ascii_with_every_control_character_escaped(
    run: Run, token: MintedToken, server: FakeOpenAI
) -> None:
    said = "hi \x7f\x1b[2J \u202eok"  # the fake echoes it in the reply
    ran = run("verify", "--say", said, "--output", "json", stdin=token.value, server=server, secret=token.value)
    assert ran.code == 0, ran.err
    assert all(" " <= c <= "~" for c in ran.out.replace("\n", "")), "printable ASCII only, as mint --output json"
    assert json.loads(ran.out)["reply"]["text"].endswith(said)


def test_output_json_has_the_session_created_event_and_the_reply(
    run: Run, token: MintedToken, server: FakeOpenAI
) -> None:
    ran = run("verify", "--say", "Hello", "--output", "json", stdin=token.value, server=server, secret=token.value)
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    assert data["session_created"]["type"] == "session.created"
    assert data["session_id"] == data["session_created"]["session"]["id"] == token.session_id
    assert data["settings"]["voice"] == "alloy"
    assert data["reply"]["text"] == "Hello from the fake Realtime API. You said: Hello"
    assert data["reply"]["status"] == "completed"
    assert data["reply"]["response_done"]["type"] == "response.done"


@pytest.mark.parametrize("output", ["token", "json", "env"])
def test_mint_verify_keeps_stdout_exactly_as_asked(run: Run, server: FakeOpenAI, output: str) -> None:
    ran = run("mint", "--verify", "--output", output, server=server)
    assert ran.code == 0, ran.err
    token = next(iter(server.state.tokens))
    if output == "token":
        assert ran.out == token + "\n"
    elif output == "json":
        assert json.loads(ran.out)["token"] == token
    else:
        assert dict(shlex.split(line)[1].split("=", 1) for line in ran.out.splitlines())["REALTIME_TOKEN"] == token
    assert SESSION_LINE.search(ran.err)
    assert ran.err.startswith("realtime-gui: The token works: session ")
    assert token not in ran.err


def test_mint_verify_exit_code_is_the_verification_s(run: Run, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.WS_REFUSED, status=403, text="Sessions are disabled for this project."))
    ran = run("mint", "--verify", server=server)
    assert ran.code == 3
    assert ran.out == next(iter(server.state.tokens)) + "\n", "the token is still printed, alone"
    assert "realtime-gui: The token did not open a session" in ran.err
    assert "HTTP 403" in ran.err
    assert "Sessions are disabled for this project." in ran.err


def test_help_says_that_say_costs_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    from realtime_gui.cli import main

    with pytest.raises(SystemExit) as done:
        main(["verify", "--help"])
    assert done.value.code == 0
    assert "costs tokens" in " ".join(capsys.readouterr().out.split())


# -- exit 2: bad input, nothing sent ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdin", "args", "fragment"),
    [
        # Standard input is a pipe here, as in `mint … | verify`: the command before it printed nothing.
        ("", [], "The command before the pipe printed no token (its own message is above); nothing to check."),
        ("\n\n", [], "The command before the pipe printed no token"),
        (TEST_KEY, [], "That is an API key, not a token"),
        ("{not json", [], "does not parse"),
        ('{"a": ' * 100 + "1" + "}" * 100, [], "does not parse: it is nested too deeply"),
        ('{"endpoint": "realtime"}', [], 'has no "token"'),
        ('{"token": "ek_0123456789abcdef", "endpoint": "nope"}', [], "Unknown endpoint 'nope'"),
        ("ek_one\nek_two", [], "several lines"),
        # Junk, JSON that is not an object and a huge token were sent, to come back as a 401 (exit 3) or a 431.
        ("junk", [], "That is not a token: a Realtime token starts with ek_."),
        ("[1,2]", [], "The JSON on standard input is a list, not an object"),
        ("ek_" + "a" * 100_000, [], "The token is 100,003 characters long; a token is at most 4,096."),
        ('{"token": "x' + "a" * 5000 + '"}', [], "The token is 5,001 characters long"),
        # The timeout takes mint's range and mint's sentence (1000 and 0.001 were accepted, abc was argparse's).
        ("ek_0123456789abcdef", ["--timeout", "0"], "--timeout must be a number of seconds from 0.1 to 600, not 0."),
        ("ek_0123456789abcdef", ["--timeout", "1000"], "from 0.1 to 600, not 1000."),
        ("ek_0123456789abcdef", ["--timeout", "0.001"], "from 0.1 to 600, not 0.001."),
        ("ek_0123456789abcdef", ["--timeout", "abc"], "from 0.1 to 600, not abc."),
        ("ek_0123456789abcdef", ["--base-url", ""], "The base URL is empty"),
        ("ek_0123456789abcdef", ["--base-url", "http://example.com/v1"], "the token would travel unencrypted"),
        ("ek_0123456789abcdef", ["--endpoint", "bogus"], "invalid choice"),
        ("ek_0123456789abcdef", ["--endpoint", "transcription", "--say", "hi"], "cannot answer text"),
        ("ek_0123 456789", [], "spaces or characters a token never has"),
    ],
)
def test_bad_input_exits_2_and_opens_nothing(
    server: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str,
    args: list[str],
    fragment: str,
) -> None:
    # Through main() in this process: a separate one adds nothing here (the runs above show the wiring).
    ran = run_main(
        "verify", *args, capsys=capsys, monkeypatch=monkeypatch, stdin=stdin, OPENAI_BASE_URL=server.base_url
    )
    assert "ek_0123456789abcdef" not in ran.err, "the token must never appear in a message"
    assert ran.code == 2
    assert fragment in ran.err
    if "invalid choice" not in fragment:  # argparse's own errors come after the usage lines
        assert len(ran.err.splitlines()) == 1, ran.err
    assert "API key" not in ran.err or stdin == TEST_KEY, "verify never sends the API key; no message may say so"
    assert ran.out == ""
    assert sessions(server) == []


def verify_with_open_stdin(server: FakeOpenAI, written: str, *args: str) -> tuple[int, str, str]:
    """`realtime-gui verify ARGS` given `written` on a standard input that stays open until it exits."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "realtime_gui", "verify", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(OPENAI_BASE_URL=server.base_url),
        text=True,
    )
    stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
    assert stdin is not None
    assert stdout is not None
    assert stderr is not None
    try:
        stdin.write(written)
        stdin.flush()
        code = proc.wait(timeout=30)  # a regression hangs until the pipe closes: fail instead
        return code, stdout.read(), stderr.read()
    finally:
        proc.kill()
        proc.communicate()


def test_a_pipe_that_never_writes_ends_at_the_timeout_saying_what_it_waited_for(server: FakeOpenAI) -> None:
    code, out, err = verify_with_open_stdin(server, "", "--timeout", "0.5")  # it waited for ever
    assert code == 2, err
    assert out == ""
    assert err == (
        "realtime-gui: Nothing arrived on standard input within 0.5 s (--timeout): verify waits for the ek_… token "
        "on one line, or for the JSON of `realtime-gui mint --output json` and the end of input.\n"
    )
    assert sessions(server) == []


def test_an_unfinished_line_ends_at_the_timeout(server: FakeOpenAI) -> None:
    code, _, err = verify_with_open_stdin(server, "ek_0123", "--timeout", "0.5")  # the 7 bytes are in the pipe
    assert code == 2, err
    assert err.startswith("realtime-gui: 7 bytes arrived but no complete token line or JSON on standard input within")
    assert sessions(server) == []


def test_a_token_line_is_used_while_the_writer_keeps_the_pipe_open(token: MintedToken, server: FakeOpenAI) -> None:
    # `(echo TOKEN; sleep 20) | realtime-gui verify --timeout 3` took the whole 20 s: the read waited for the end.
    code, out, err = verify_with_open_stdin(server, token.value + "\n", "--timeout", "20")
    assert code == 0, err
    assert SESSION_LINE.fullmatch(out.strip())


def test_json_is_used_once_complete_while_the_pipe_stays_open(token: MintedToken, server: FakeOpenAI) -> None:
    written = json.dumps({"token": token.value, "endpoint": "realtime"}, indent=2)
    code, out, err = verify_with_open_stdin(server, written, "--timeout", "20")
    assert code == 0, err
    assert SESSION_LINE.fullmatch(out.strip())


# -- exit 3: the server refused ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "fragments"),
    [
        (
            Fault(FaultKind.WS_REFUSED, status=403, text="Realtime sessions are not enabled."),
            ["HTTP 403", "Realtime sessions are not enabled.", "request id: req_"],
        ),
        (
            Fault(FaultKind.WS_ERROR_EVENT, text="Your organization must be verified."),
            ["The server sent an error: Your organization must be verified.", "code: session_refused"],
        ),
        (
            Fault(FaultKind.WS_CLOSE, close_code=4000, text="invalid_request_error"),
            ["closed the session with code 4000: invalid_request_error"],
        ),
    ],
    ids=["upgrade refused", "error event", "close code"],
)
def test_refusals_exit_3_and_quote_the_server(
    run: Run, token: MintedToken, server: FakeOpenAI, fault: Fault, fragments: list[str]
) -> None:
    server.inject(fault)
    ran = run("verify", stdin=token.value, server=server, secret=token.value)
    assert ran.code == 3
    for fragment in fragments:
        assert fragment in ran.err
    assert ran.out == ""


def test_a_token_the_server_never_issued_is_refused(run: Run, server: FakeOpenAI) -> None:
    forged = "ek_" + "f" * 32
    ran = run("verify", stdin=forged, server=server, secret=forged)
    assert ran.code == 3
    assert "HTTP 401" in ran.err
    assert "invalid_api_key" in ran.err


def test_an_expired_token_is_refused(run: Run, token_client: TokenClient) -> None:
    now = [time.time()]
    with FakeOpenAI(api_key=TEST_KEY, clock=lambda: now[0]) as server:
        minted = mint(token_client, server, expires_after__seconds=10)
        assert run("verify", stdin=minted.value, server=server).code == 0
        now[0] += 11
        ran = run("verify", stdin=minted.value, server=server, secret=minted.value)
    assert ran.code == 3
    assert "expired" in ran.err


def test_a_token_opened_at_the_wrong_endpoint_is_refused(run: Run, token: MintedToken, server: FakeOpenAI) -> None:
    ran = run("verify", "--endpoint", "translation", "--model", "gpt-realtime", stdin=token.value, server=server)
    assert ran.code == 3
    assert "HTTP 400" in ran.err
    assert "minted for a realtime session" in ran.err


def test_hostile_server_text_is_escaped_and_the_token_redacted(
    run: Run, token: MintedToken, server: FakeOpenAI
) -> None:
    server.inject(Fault(FaultKind.WS_ERROR_EVENT, text=f"\x1b]0;owned\x07 bad token {token.value}\u202e"))
    ran = run("verify", stdin=token.value, server=server, secret=token.value)
    assert ran.code == 3
    assert "\\x1b]0;owned\\x07 bad token ek_…" in ran.err
    assert "\\u202e" in ran.err


def test_the_session_line_escapes_what_the_server_applied() -> None:
    from realtime_gui.verify.findings import applied_settings

    hostile: dict[str, Any] = {
        "id": "sess_1\x1b[2J",
        "model": "gpt\u202e\x07",
        "audio": {"output": {"voice": {"id": "voice_\r9"}}},
    }
    opened = SessionOpened(session_id=hostile["id"], elapsed_ms=1, settings=applied_settings(hostile), event={})
    assert opened.summary() == "session sess_1\\x1b[2J opened in 1 ms: model gpt\\u202e\\x07, voice voice_\\r9"


# -- exit 4: network failure, timeout, not the Realtime protocol ------------------------------------------------------


def test_nothing_listening_exits_4(run: Run) -> None:
    ran = run("verify", "--base-url", f"http://127.0.0.1:{free_port()}/v1", stdin="ek_0123456789abcdef")
    assert ran.code == 4
    assert "refused the connection: nothing is listening there" in ran.err


@pytest.mark.parametrize(
    ("fault", "fragment"),
    [
        (Fault(FaultKind.WS_SILENT), "No session.created from"),
        (Fault(FaultKind.WS_HANG_UPGRADE), "No session.created from"),  # for an hour: only the deadline ends it
        (Fault(FaultKind.WS_MALFORMED), "sent a frame that breaks the WebSocket protocol"),
        (Fault(FaultKind.WS_NOT_JSON), "sent text that is not a Realtime event"),
        (Fault(FaultKind.WS_OVERSIZED), "sent an event larger than 4 MiB"),
    ],
    ids=lambda v: v.kind.value if isinstance(v, Fault) else "",
)
def test_failures_exit_4_within_the_timeout(
    token: MintedToken, server: FakeOpenAI, fault: Fault, fragment: str
) -> None:
    server.inject(fault)
    # A process: the timeout bounds the whole run, start-up included (run_cli gives it a minute). How soon past the
    # timeout it ends is a figure: benchmarks/bench_hostile_verify.py measures it.
    ran = run_in_a_process("verify", "--timeout", "1", stdin=token.value, server=server, secret=token.value)
    assert ran.code == 4
    assert fragment in ran.err
    if fragment.startswith("No session.created"):
        assert "within 1 s" in ran.err, "the deadline ended it"


def test_an_unanswered_turn_exits_4_after_the_session_line(run: Run, token: MintedToken, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.WS_SILENT_REPLY))
    ran = run("verify", "--timeout", "1", "--say", "hi", stdin=token.value, server=server, secret=token.value)
    assert ran.code == 4
    assert SESSION_LINE.fullmatch(ran.out.strip()), "the session did open: say so"
    assert "No reply (response.done) from" in ran.err


# -- the core, as the window will drive it ----------------------------------------------------------------------------


def cancel_once_upgrading(check: Verification, server: FakeOpenAI, seen: int) -> None:
    """Cancel `check` from this thread once its upgrade request (after the `seen` ones) has reached the server: the
    session is under way."""
    wait_until(lambda: len(sessions(server)) > seen, what="the upgrade request")
    check.cancel()


def test_cancel_from_another_thread_ends_a_silent_session_at_once(token: MintedToken, server: FakeOpenAI) -> None:
    for fault in (FaultKind.WS_SILENT, FaultKind.WS_HANG_UPGRADE):
        server.inject(Fault(fault))
        check = Verification(VerifyRequest(token=token.value, base_url=server.base_url, timeout=20))
        seen = len(sessions(server))
        threading.Thread(target=cancel_once_upgrading, args=(check, server, seen), daemon=True).start()
        with pytest.raises(VerifyCancelled):  # not SessionUnreachable: the cancel ended it, not the 20 s timeout
            check.run()


def test_the_deadline_bounds_the_core(token: MintedToken, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.WS_SILENT_REPLY))
    with pytest.raises(SessionUnreachable) as caught:
        Verification(VerifyRequest(token=token.value, base_url=server.base_url, timeout=0.5, say="hi")).run()
    assert caught.value.reason == "timeout"
    assert caught.value.opened is not None, "the session had opened before the turn timed out"
    assert caught.value.opened.session_id == token.session_id


def test_callbacks_see_the_session_then_the_reply_in_order(token: MintedToken, server: FakeOpenAI) -> None:
    seen: list[object] = []
    result = Verification(
        VerifyRequest(token=token.value, base_url=server.base_url, timeout=5, say="one two"),
        on_opened=seen.append,
        on_text=seen.append,
    ).run()
    assert result.reply is not None
    assert seen[0] is result.opened
    assert isinstance(seen[0], SessionOpened)
    assert "".join(str(piece) for piece in seen[1:]) == result.reply.text
    assert result.reply.text.endswith("You said: one two")
    assert result.opened.settings[0] == ("model", "gpt-realtime")


def test_websockets_is_imported_by_verify_py_alone() -> None:
    package = Path(__file__).parents[2] / "realtime_gui"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(?:import|from) websockets\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert importers == ["verify/failures.py", "verify/session.py"]
    probe = modules_loaded(
        "import realtime_gui.cli, realtime_gui.cli.verify, realtime_gui.verify.findings", ["websockets"]
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.modules == [], "only a token check may load websockets"


def test_every_endpoint_of_the_catalog_has_its_socket_and_nothing_else() -> None:
    assert tuple(SOCKETS) == ENDPOINT_IDS
    assert DEFAULT_ENDPOINT in SOCKETS


def test_a_token_check_loads_neither_the_catalog_nor_the_http_stack(
    token: MintedToken, server: FakeOpenAI, tmp_path: Path
) -> None:
    """What `verify` needs of the endpoints is in api/endpoint_sockets.py: the parameter tables stay unloaded. Nor
    does a piped check of a ws:// session load what it does not use: the profiles (its base URL is --base-url or
    OPENAI_BASE_URL), the TLS policy, or getpass (for a token typed at a terminal)."""
    given = tmp_path / "token.txt"
    given.write_text(token.value + "\n")
    probe = modules_loaded(
        "sys.stdin = open(sys.argv[2])\n"
        "from realtime_gui.cli import main\n"
        "sys.exit(main(['verify', '--base-url', sys.argv[1], '--endpoint', 'realtime']))\n",
        [
            "realtime_gui.api.catalog",
            "realtime_gui.api.checks",
            "httpx2",
            "httpcore2",
            "realtime_gui.config.profiles",
            "realtime_gui.net.tls",
            "getpass",
        ],
        args=[server.base_url, str(given)],
        env=cli_env(),
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.done.stdout.startswith(f"session {token.session_id} opened")
    assert probe.modules == []


# -- the fake's sessions, as a browser page will open them ----------------------------------------------------------


def test_the_fake_takes_the_token_as_a_browser_subprotocol_and_closes_beta_sessions(
    token: MintedToken, server: FakeOpenAI
) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect
    from websockets.typing import Subprotocol

    url = server.base_url.replace("http", "ws", 1) + "/realtime?model=gpt-realtime"
    browser = [Subprotocol("realtime"), Subprotocol(f"openai-insecure-api-key.{token.value}")]
    with connect(url, subprotocols=browser, open_timeout=5) as ws:
        assert ws.subprotocol == "realtime"
        assert json.loads(ws.recv(timeout=5))["session"]["id"] == token.session_id
    beta = {"Authorization": f"Bearer {token.value}", "OpenAI-Beta": "realtime=v1"}
    with connect(url, additional_headers=beta, open_timeout=5) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4000


# -- a name lookup that hangs (a resolver with no reachable DNS server) --------------------------------------------

_HUNG_HOST = "resolver-hangs.example"
WAIT_S = 20.0  # how long a test waits for the check to end before it says the check hangs


def _check_with_a_hung_resolver(
    monkeypatch: pytest.MonkeyPatch, *, timeout: float, cancel: bool = False, via_proxy: bool = False
) -> BaseException | None:
    """Run a check against _HUNG_HOST (or through a proxy of that name), whose lookup never answers until the check
    has ended; what it raised (None if it is still running when the test gives up on it, WAIT_S later)."""
    release, resolving, ended = threading.Event(), threading.Event(), threading.Event()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == _HUNG_HOST:
            resolving.set()
            release.wait(60)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    host = _HUNG_HOST
    if via_proxy:
        monkeypatch.setenv("https_proxy", f"http://user:secret@{_HUNG_HOST}:3128")
        host = "api.example.test"  # never looked up: the proxy is asked to connect to it
    check = Verification(VerifyRequest(token="ek_" + "a" * 30, base_url=f"https://{host}/v1", timeout=timeout))
    raised: list[BaseException] = []

    def run() -> None:
        try:
            check.run()
        except BaseException as err:  # what the check ended with, for the test to judge
            raised.append(err)
        finally:
            ended.set()

    threading.Thread(target=run, daemon=True).start()
    try:
        if cancel:
            assert resolving.wait(WAIT_S)
            check.cancel()
        ended.wait(WAIT_S)
        return raised[0] if raised else None
    finally:
        release.set()


@pytest.mark.parametrize("via_proxy", [False, True], ids=["server", "proxy"])
def test_a_hung_name_lookup_ends_at_the_checks_deadline(monkeypatch: pytest.MonkeyPatch, via_proxy: bool) -> None:
    raised = _check_with_a_hung_resolver(monkeypatch, timeout=0.5, via_proxy=via_proxy)
    assert raised is not None, "the check was still waiting for the name lookup"
    assert isinstance(raised, SessionUnreachable)
    assert raised.reason == "timeout"


def test_a_cancel_ends_a_hung_name_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    raised = _check_with_a_hung_resolver(monkeypatch, timeout=30, cancel=True)
    assert isinstance(raised, VerifyCancelled), "the check was still waiting for the name lookup"
