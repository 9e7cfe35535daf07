"""`realtime-gui mint` and `realtime-gui key`, run as a user runs them, against the fake server over loopback."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from realtime_gui.api.catalog import ENDPOINTS, Kind
from realtime_gui.api.request import build_request
from realtime_gui.cli import main
from realtime_gui.logs import DEBUG_ENV

from conftest import TEST_KEY, Cli, Ran, free_port
from memory_keyring import MemoryKeyring
from misbehaving import FakeOpenAI, Fault, FaultKind
from processes import cli_env, modules_loaded, run_cli
from samples import example_with_context, minimal, minimal_args


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _dig(body: Any, path: str) -> Any:
    node = body
    for key in path.split("."):
        assert isinstance(node, dict), f"{path} missing from {body}"
        assert key in node, f"{path} missing from {body}"
        node = node[key]
    return node


@pytest.mark.parametrize("endpoint_id", list(ENDPOINTS))
def test_every_endpoint_mints_a_token(cli: Cli, server: FakeOpenAI, endpoint_id: str) -> None:
    result = cli("mint", "--endpoint", endpoint_id, *minimal_args(endpoint_id))
    assert result.code == 0, result.err
    assert result.out.startswith("ek_")
    assert result.out.count("\n") == 1
    assert result.err == ""
    assert server.requests[-1].path.endswith(ENDPOINTS[endpoint_id].path)


ROWS = [(e.id, p.path) for e in ENDPOINTS.values() for p in e.parameters if not p.fixed]


@pytest.mark.parametrize(("endpoint_id", "path"), ROWS)
def test_every_parameter_is_reachable_with_set(cli: Cli, server: FakeOpenAI, endpoint_id: str, path: str) -> None:
    ep = ENDPOINTS[endpoint_id]
    values = example_with_context(ep, ep.by_path[path])
    sets = [arg for p, v in values.items() for arg in ("--set", f"{p}={_text(v)}")]
    result = cli("mint", "--endpoint", endpoint_id, *minimal_args(endpoint_id), *sets)
    assert result.code == 0, result.err
    sent = server.requests[-1].json()
    expected = build_request(endpoint_id, {**values, **minimal(endpoint_id)}).body
    assert sent == expected
    row = ep.by_path[path]
    if row.kind is not Kind.GROUP or values[path] is not None:
        assert _dig(sent, path) is not None or values[path] is None
    else:
        assert _dig(sent, path) is None


def test_output_json(cli: Cli) -> None:
    result = cli("mint", "--output", "json", "--set", "session.model=gpt-realtime-mini")
    assert result.code == 0
    data = json.loads(result.out)
    assert set(data) == {"token", "expires_at", "session_id", "endpoint", "request_id", "response"}
    assert data["token"].startswith("ek_")
    assert data["endpoint"] == "realtime"
    assert data["response"]["session"]["model"] == "gpt-realtime-mini"


def test_output_env_is_shell_readable(cli: Cli) -> None:
    result = cli("mint", "--output", "env")
    assert result.code == 0
    exported = dict(shlex.split(line)[1].split("=", 1) for line in result.out.splitlines())
    assert exported["REALTIME_TOKEN"].startswith("ek_")
    assert int(exported["REALTIME_TOKEN_EXPIRES_AT"]) > 0
    assert exported["REALTIME_ENDPOINT"] == "realtime"


def test_preset_file_with_set_overrides(cli: Cli, server: FakeOpenAI, tmp_path: Path) -> None:
    preset = tmp_path / "voice.json"
    preset.write_text(json.dumps({"session.audio.output.voice": "marin", "expires_after.seconds": 300}))
    result = cli("mint", "--preset", str(preset), "--set", "expires_after.seconds=60")
    assert result.code == 0, result.err
    sent = server.requests[-1].json()
    assert sent["session"]["audio"]["output"]["voice"] == "marin"
    assert sent["expires_after"] == {"seconds": 60}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["--set", "session.audio.output.speed=9"],
            "session.audio.output.speed: 9 is out of range; expected a number from 0.25 to 1.5",
        ),
        (
            ["--set", "temperature=0.8"],
            "temperature: not a parameter of the realtime endpoint; it belongs to beta-sessions",
        ),
        (["--set", "session.model"], "--set needs PATH=VALUE"),
        (["--set", "session.tools=[{"], "session.tools: is not valid JSON"),
        (["--base-url", "http://api.example.com/v1"], "Refusing plain http:// to api.example.com"),
        (["--timeout", "0"], "--timeout must be a number of seconds from 0.1 to 600, not 0."),
        (["--preset", "/no/such/file.json"], "Cannot read the preset"),
    ],
)
def test_invalid_input_exits_2_and_sends_nothing(cli: Cli, server: FakeOpenAI, args: list[str], fragment: str) -> None:
    result = cli("mint", *args, base="--base-url" not in args)
    assert result.code == 2
    assert fragment in result.err
    assert server.requests == []


def test_all_validation_problems_are_listed(cli: Cli, server: FakeOpenAI) -> None:
    result = cli(
        "mint",
        "--set",
        "session.audio.output.speed=9",
        "--set",
        "expires_after.seconds=1",
        "--set",
        "session.reasoning.effort=max",
    )
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0] == "realtime-gui: The request is not valid; nothing was sent."
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "session.audio.output.speed",
        "expires_after.seconds",
        "session.reasoning.effort",
    ]


def test_argparse_usage_errors_exit_2(cli: Cli) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("mint", "--endpoint", "nope")
    assert caught.value.code == 2


def test_help_names_the_windows_options_as_the_window_parses_them(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    said = " ".join(capsys.readouterr().out.split())
    opens = said[said.index("Without a command it opens the window:") :]
    for option in ("--demo", "--profile PROFILE", "--settings FILE", "--timeout SECONDS", "--smoke-test"):
        assert f"[{option}]" in opens
    assert "[--color-scheme {system,light,dark}]" in opens
    assert "[--endpoint {realtime,transcription,translation,beta-sessions,beta-transcription}]" in opens
    from realtime_gui.config.window_options import window_parser

    with pytest.raises(SystemExit) as caught:  # and the window refuses what the help does not offer
        window_parser().parse_args(["--color-scheme", "sepia"])
    assert caught.value.code == 2
    assert "argument --color-scheme: invalid choice: 'sepia'" in capsys.readouterr().err


def test_missing_key_exits_2(cli: Cli, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    result = cli("mint")
    assert result.code == 2
    assert "realtime-gui: No API key for profile 'default'" in result.err
    assert "realtime-gui key set" in result.err
    assert server.requests == []


def test_no_keyring_is_a_clear_message_not_a_fallback(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    keyring.set_keyring(fail.Keyring())
    result = cli("mint")
    assert result.code == 2
    assert "No OS keyring is available" in result.err
    assert "OPENAI_API_KEY" in result.err


@pytest.mark.parametrize(
    ("fault", "code", "fragments"),
    [
        (
            Fault(FaultKind.UNAUTHORIZED),
            3,
            ["HTTP 401", "code: invalid_api_key", "request id: req_"],
        ),
        (
            Fault(FaultKind.BAD_PARAM, param="session.model"),
            3,
            ["HTTP 400", "param: session.model", "type: invalid_request_error"],
        ),
        (Fault(FaultKind.RATE_LIMITED, seconds=7), 3, ["HTTP 429", "retry after: 7 s"]),
        (Fault(FaultKind.SERVER_ERROR), 3, ["HTTP 500", "type: server_error"]),
        (Fault(FaultKind.BAD_GATEWAY_HTML), 4, ["HTTP 502 with a web page"]),
        (Fault(FaultKind.EMPTY_BODY), 4, ["empty body"]),
        (Fault(FaultKind.TRUNCATED), 4, ["not valid JSON"]),
        (Fault(FaultKind.NO_TOKEN), 4, ["without a token"]),
        (Fault(FaultKind.HANG, seconds=20), 4, ["Timed out after 0.5 s"]),
    ],
)
def test_faults_give_the_right_exit_code_and_message(
    cli: Cli, server: FakeOpenAI, fault: Fault, code: int, fragments: list[str]
) -> None:
    server.inject(fault)
    result = cli("mint", "--timeout", "0.5")
    assert result.code == code
    assert result.out == ""
    for fragment in fragments:
        assert fragment in result.err


def test_refused_connection_exits_4(cli: Cli) -> None:
    result = cli("mint", "--base-url", f"http://127.0.0.1:{free_port()}/v1", base=False)
    assert result.code == 4
    assert "refused the connection" in result.err


def mint_on_retired_beta(cli: Cli, retired: FakeOpenAI, *sets: str) -> Ran:
    """`mint --endpoint beta-sessions --set …` against a server that answers as OpenAI does today."""
    args = [arg for item in sets for arg in ("--set", item)]
    return cli("mint", "--endpoint", "beta-sessions", "--base-url", retired.base_url, *args, base=False)


def test_retired_beta_exits_3_and_prints_the_ga_command(cli: Cli, retired: FakeOpenAI) -> None:
    result = mint_on_retired_beta(cli, retired, "voice=ash", "temperature=0.7", "input_audio_format=g711_ulaw")
    assert result.code == 3
    assert "retired the beta endpoint POST /v1/realtime/sessions" in result.err
    assert "code: beta_api_shape_disabled" in result.err
    ga_line = next(line for line in result.err.splitlines() if "--endpoint realtime" in line)
    assert "--set session.audio.output.voice=ash" in ga_line
    assert "--set session.audio.input.format.type=audio/pcmu" in ga_line
    assert "not carried over: temperature: has no equivalent" in result.err


def test_the_suggested_ga_command_works(cli: Cli, server: FakeOpenAI, retired: FakeOpenAI) -> None:
    result = mint_on_retired_beta(cli, retired, 'turn_detection={"type": "semantic_vad"}', "speed=1.2")
    ga_line = next(line for line in result.err.splitlines() if "--endpoint realtime" in line)
    argv = shlex.split(ga_line)[1:]
    again = cli(*argv)
    assert again.code == 0, again.err
    assert server.requests[-1].json()["session"]["audio"]["input"]["turn_detection"] == {"type": "semantic_vad"}


# -- profiles saved by the window ---------------------------------------------------------------------------------


def test_a_profile_saved_by_the_window_sets_url_and_auth(
    cli: Cli, server: FakeOpenAI, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realtime_gui.config.connection import Connection
    from realtime_gui.config.profiles import FILE_NAME, Profile, config_folder, save_profiles

    monkeypatch.delenv("OPENAI_API_KEY")

    save_profiles(
        config_folder() / FILE_NAME,
        [Profile("azure", Connection(base_url=server.base_url, auth="api-key", project="proj_9", timeout=4))],
    )
    memory_keyring.set_password("realtime-gui", "azure", "sk-test-azure-key-0000000000")
    server.state.api_key = "sk-test-azure-key-0000000000"
    result = cli("mint", "--profile", "azure", base=False)
    assert result.code == 0, result.err
    headers = server.requests[-1].headers
    assert headers["api-key"] == "sk-test-azure-key-0000000000"
    assert headers["openai-project"] == "proj_9"
    # options on the command line win over the saved profile
    again = cli("mint", "--profile", "azure", "--auth", "bearer", "--project", "", base=False)
    assert again.code == 0, again.err
    assert server.requests[-1].headers["authorization"] == "Bearer sk-test-azure-key-0000000000"
    assert "openai-project" not in server.requests[-1].headers


def test_the_window_and_the_cli_share_the_profiles_file(tmp_path: Path) -> None:
    # A fresh process: Qt decides its settings folder once per process.
    probe = (
        "import os\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication([])\n"
        "from realtime_gui.qt.settings import Settings\n"
        "from realtime_gui.config.profiles import FILE_NAME, config_folder\n"
        "print(Settings().profiles_file == config_folder() / FILE_NAME)\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "APPDATA": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


# -- key ------------------------------------------------------------------------------------------------------


def test_key_set_status_delete_round_trip(
    cli: Cli, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, server: FakeOpenAI
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setattr(sys, "stdin", io.StringIO(TEST_KEY + "\n"))
    result = cli("key", "set", "--profile", "work")
    assert result.code == 0
    assert "Stored the API key sk-…WXYZ for profile 'work'" in result.out
    assert memory_keyring.entries == {("realtime-gui", "work"): TEST_KEY}

    status = cli("key", "status", "--profile", "work")
    assert status.code == 0
    assert "key sk-…WXYZ stored in the OS keyring" in status.out

    minted = cli("mint", "--profile", "work")
    assert minted.code == 0
    assert minted.out.startswith("ek_")
    assert server.requests[-1].headers["authorization"] == f"Bearer {TEST_KEY}"

    assert cli("key", "delete", "--profile", "work").code == 0
    assert memory_keyring.entries == {}
    assert cli("key", "status", "--profile", "work").code == 2
    assert "No API key was stored" in cli("key", "delete", "--profile", "work").out


def test_key_status_names_the_environment_when_it_wins(cli: Cli, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("realtime-gui", "default", "sk-test-stored-key-111111111111")
    result = cli("key", "status")
    assert result.code == 0
    assert "OPENAI_API_KEY is set (sk-…WXYZ)" in result.out
    assert "used instead of the stored key" in result.out
    assert "sk-test-stored-key-111111111111" not in result.out


def test_key_set_refuses_empty_input(cli: Cli, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    result = cli("key", "set")
    assert result.code == 2
    assert "The key is empty." in result.err
    assert memory_keyring.entries == {}


def test_key_set_refuses_a_plaintext_keyring(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    keyring.set_keyring(PlaintextKeyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO(TEST_KEY + "\n"))
    result = cli("key", "set")
    assert result.code == 2
    assert "stores keys in a file; refusing to use it" in result.err


def test_bad_profile_name(cli: Cli) -> None:
    result = cli("key", "status", "--profile", "a b")
    assert result.code == 2
    assert "profile name 'a b' is not allowed" in result.err


# -- as a separate process ------------------------------------------------------------------------------------


@pytest.mark.long
def test_python_m_and_console_script_mint_without_importing_qt(server: FakeOpenAI, tmp_path: Path) -> None:
    env = cli_env(keyring_file=tmp_path / "keyring.json")
    probe = modules_loaded(
        "import runpy\n"
        "sys.argv = ['realtime-gui', 'mint', '--base-url', sys.argv[1], '--endpoint', 'transcription']\n"
        "runpy.run_module('realtime_gui', run_name='__main__')\n",
        args=[server.base_url],
        env=env,
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.done.stdout.startswith("ek_")
    assert probe.modules == []

    script = Path(sys.executable).with_name("realtime-gui")
    done = subprocess.run(
        [str(script), "mint", "--base-url", server.base_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("ek_")


def test_mint_loads_no_other_commands_modules(server: FakeOpenAI, tmp_path: Path) -> None:
    """The parser is of the named command alone: a mint never loads verify's, serve's or the window's options."""
    others = ["realtime_gui.cli.verify", "realtime_gui.cli.serve", "realtime_gui.cli.key", "realtime_gui.cli.demo"]
    probe = modules_loaded(
        "from realtime_gui.cli import main\nsys.exit(main(['mint', '--base-url', sys.argv[1]]))\n",
        [*others, "realtime_gui.serve", "realtime_gui.verify", "realtime_gui.config.window_options"],
        args=[server.base_url],
        env=cli_env(keyring_file=tmp_path / "keyring.json"),
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.done.stdout.startswith("ek_")
    assert probe.modules == []


@pytest.mark.long
def test_key_set_from_a_pipe_then_mint_in_another_process(server: FakeOpenAI, tmp_path: Path) -> None:
    env = cli_env(key=None, keyring_file=tmp_path / "keyring.json")
    stored = run_cli("key", "set", stdin=TEST_KEY + "\n", env=env)
    assert stored.code == 0, stored.err
    minted = run_cli("mint", "--base-url", server.base_url, "--output", "json", env=env)
    assert minted.code == 0, minted.err
    assert json.loads(minted.out)["token"].startswith("ek_")
    server.inject(Fault(FaultKind.UNAUTHORIZED))
    refused = run_cli("mint", "--base-url", server.base_url, env={**env, DEBUG_ENV: "1"})
    assert refused.code == 3
    assert "HTTP Request: POST" in refused.err, "debug mode logs the HTTP traffic"
    failed = run_cli("mint", "--base-url", server.base_url, "--set", "session.audio.output.speed=7", env=env)
    assert failed.code == 2


def test_the_default_profile_follows_openai_base_url_until_it_is_saved(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    assert main(["mint"]) == 0
    assert capsys.readouterr().out.startswith("ek_")
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("path", "typed", "guess"),
    [("session.model", "gpt-realtme", "gpt-realtime"), ("session.audio.output.voice", "marn", "marin")],
)
def test_a_name_no_list_knows_is_warned_about_and_still_sent(
    cli: Cli, server: FakeOpenAI, path: str, typed: str, guess: str
) -> None:
    result = cli("mint", "--set", f"{path}={typed}")
    assert result.code == 0, result.err
    assert result.out.startswith("ek_")
    assert result.out.count("\n") == 1, "stdout is the token's alone"
    assert result.err.startswith(f'realtime-gui: Warning: {path}: "{typed}" is in no list; did you mean {guess}')
    assert "It is sent as typed" in result.err
    sent = server.requests[-1].json()["session"]
    assert (sent["model"] if path == "session.model" else sent["audio"]["output"]["voice"]) == typed


def test_a_custom_voice_and_a_known_model_draw_no_warning(cli: Cli) -> None:
    result = cli("mint", "--set", "session.audio.output.voice=voice_abc123", "--set", "session.model=gpt-realtime-2")
    assert result.code == 0, result.err
    assert result.err == ""
