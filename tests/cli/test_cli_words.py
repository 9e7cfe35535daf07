"""What the command line says when it refuses, through main() (a few in a separate process too): argparse's own errors
never echo a key, names with stray spaces or quotes are refused, the missing-key and no-keyring sentences say what
works, and the help and the parameter list read right."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest
from keyring import core as keyring_core

from realtime_gui.api.catalog import ENDPOINT_IDS, SECTIONS
from realtime_gui.config.arguments import KEY_NOT_AN_ARGUMENT
from realtime_gui.demo import FakeOpenAI

from conftest import TEST_KEY
from processes import run_main

AZURE_KEY = "0123456789abcdef0123456789ABCDEF"  # an Azure OpenAI key: 32 hex digits, no sk- to recognise it by
NO_KEYRING = "keyring.backends.fail.Keyring"


class Done:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def environment(tmp_path: Path, *, api_key: str | None, keyring: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1]), env.get("PYTHONPATH", "")])  # the helpers
    env["PYTHON_KEYRING_BACKEND"] = keyring
    env["TEST_KEYRING_FILE"] = str(tmp_path / "keyring.json")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    if api_key is not None:
        env["OPENAI_API_KEY"] = api_key
    return env


class Run(Protocol):
    def __call__(self, *args: str, api_key: str | None = ..., keyring: str = ...) -> Done: ...


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """`realtime-gui ARGS` through main() in this process, set up as `process` sets up a child; `keyring` names the
    backend, as PYTHON_KEYRING_BACKEND does (the default: the test's own in-memory keyring)."""

    def start(*args: str, api_key: str | None = TEST_KEY, keyring: str = "memory_keyring.SharedFileKeyring") -> Done:
        previous = keyring_core.get_keyring()
        if keyring != "memory_keyring.SharedFileKeyring":
            keyring_core.set_keyring(keyring_core.load_keyring(keyring))
        try:
            ran = run_main(*args, capsys=capsys, monkeypatch=monkeypatch, key=api_key)
        finally:
            keyring_core.set_keyring(previous)
        assert AZURE_KEY not in ran.out + ran.err, "a key must never be printed"
        return Done(ran.code, ran.out, ran.err)

    return start


@pytest.fixture
def process(tmp_path: Path) -> Run:
    """`realtime-gui ARGS` in a new process; `api_key=None` leaves OPENAI_API_KEY unset, "" sets it empty."""

    def start(*args: str, api_key: str | None = TEST_KEY, keyring: str = "memory_keyring.SharedFileKeyring") -> Done:
        done = subprocess.run(
            [sys.executable, "-m", "realtime_gui", *args],
            env=environment(tmp_path, api_key=api_key, keyring=keyring),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        said = done.stdout + done.stderr
        assert "Traceback" not in said
        for secret in (TEST_KEY, AZURE_KEY):
            assert secret not in said, "a key must never be printed"
        return Done(done.returncode, done.stdout, done.stderr)

    return start


# -- 1. argparse's errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["key", "set", TEST_KEY],  # was: "unrecognized arguments: sk-test-…" in full
        ["mint", "--key", TEST_KEY],
        ["mint", TEST_KEY],
        ["mint", "--output", TEST_KEY],  # was: "invalid choice: 'sk-test-…'"
        ["mint", "--output", AZURE_KEY],
        ["verify", "--endpoint", AZURE_KEY],
        [AZURE_KEY],  # where a command goes
    ],
)
def test_a_key_typed_as_an_argument_is_never_echoed_and_the_way_to_give_one_is_said(
    run: Run,
    server: FakeOpenAI,
    args: list[str],
) -> None:
    result = run(*args, "--base-url", server.base_url) if args[0] == "mint" else run(*args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.rstrip().endswith(KEY_NOT_AN_ARGUMENT)
    assert KEY_NOT_AN_ARGUMENT == (
        "The API key is never taken as an argument (shell history and `ps` would show it): pipe it to "
        "`realtime-gui key set`, or set OPENAI_API_KEY."
    )
    hint = "sk-…WXYZ" if TEST_KEY in args else "…CDEF"
    assert hint in result.err, "the key is named by its hint"
    assert server.requests == []


@pytest.mark.parametrize("args", [["mint", TEST_KEY], [AZURE_KEY]])
def test_in_a_process_of_its_own_a_key_typed_as_an_argument_is_never_echoed(process: Run, args: list[str]) -> None:
    result = process(*args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.rstrip().endswith(KEY_NOT_AN_ARGUMENT)
    assert ("sk-…WXYZ" if TEST_KEY in args else "…CDEF") in result.err


def test_in_a_process_of_its_own_no_keyring_is_said_once(process: Run, server: FakeOpenAI) -> None:
    result = process("mint", "--base-url", server.base_url, api_key=None, keyring=NO_KEYRING)
    assert result.code == 2
    assert result.err.startswith("realtime-gui: No OS keyring is available")
    assert result.err.count("\n") == 1


def test_other_argument_errors_are_argparse_s_as_before(run: Run) -> None:
    result = run("mint", "--output", "yaml")
    assert result.code == 2
    assert "argument --output: invalid choice: 'yaml' (choose from 'token', 'json', 'env')" in result.err
    assert "never taken as an argument" not in result.err


def test_argument_errors_are_escaped(run: Run) -> None:
    result = run("mint", "--output", "a\x1b[2Jb")
    assert result.code == 2
    assert "invalid choice: 'a\\x1b[2Jb'" in result.err
    assert "\x1b" not in result.err


# -- 2. names with stray spaces or quotes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "problem"),
    [
        # Each was sent as typed ("gpt-realtime " even lost its deprecation warning).
        ("session.model=gpt-realtime ", 'session.model: "gpt-realtime " has a space at the end; remove it'),
        (
            "session.model='gpt-realtime'",
            "session.model: \"'gpt-realtime'\" is wrapped in quotes ('…'); give it without them",
        ),
        ("session.audio.output.voice= marin", 'session.audio.output.voice: " marin" has a space at the start'),
        (
            "session.audio.output.voice=\tmarin ",
            'session.audio.output.voice: "\\tmarin " has a tab at the start and a space at the end; remove them',
        ),
        ('session.audio.output.voice={"id": "voice_1 "}', 'session.audio.output.voice.id: "voice_1 " has a space'),
        ("session.tracing.workflow_name=nightly ", 'session.tracing.workflow_name: "nightly " has a space at the end'),
        ('session.audio.input.transcription.language="en "', '"en " has a space at the end; remove it'),
        ('session.output_modalities=["audio "]', 'session.output_modalities[0]: "audio " has a space at the end'),
        ("session.reasoning.effort=low'", "session.reasoning.effort: \"low'\" has a quote (') at the end; remove it"),
    ],
)
def test_a_name_with_a_stray_space_or_quote_is_refused_not_trimmed(
    run: Run, server: FakeOpenAI, assignment: str, problem: str
) -> None:
    result = run("mint", "--base-url", server.base_url, "--set", assignment)
    assert result.code == 2, result.err
    assert result.err.splitlines()[0] == "realtime-gui: The request is not valid; nothing was sent."
    assert problem in result.err
    assert server.requests == []


def test_free_text_keeps_its_spaces_and_lists_split_around_commas(run: Run, server: FakeOpenAI) -> None:
    result = run(
        "mint",
        "--base-url",
        server.base_url,
        "--set",
        "session.instructions= Be brief. ",
        "--set",
        "session.audio.input.transcription.languages=en, de",
    )
    assert result.code == 0, result.err
    session = server.requests[-1].json()["session"]
    assert session["instructions"] == " Be brief. "
    assert session["audio"]["input"]["transcription"]["languages"] == ["en", "de"]


# -- 5 and 7. no key, no keyring --------------------------------------------------------------------------------------


def test_no_keyring_says_once_to_set_the_variable(run: Run, server: FakeOpenAI) -> None:
    result = run("mint", "--base-url", server.base_url, api_key=None, keyring=NO_KEYRING)
    assert result.code == 2
    # Was: "… Set OPENAI_API_KEY instead; the key is never stored in a file. Or set OPENAI_API_KEY."
    assert result.err == (
        "realtime-gui: No OS keyring is available (on Linux: a Secret Service such as GNOME Keyring or KWallet). "
        "Set OPENAI_API_KEY instead; the key is never stored in a file.\n"
    )


def test_an_empty_variable_is_said_to_be_empty(run: Run, server: FakeOpenAI) -> None:
    without_keyring = run("mint", "--base-url", server.base_url, api_key="", keyring=NO_KEYRING)
    assert without_keyring.code == 2
    assert without_keyring.err.startswith("realtime-gui: OPENAI_API_KEY is set but empty. No OS keyring is available")
    with_keyring = run("mint", "--base-url", server.base_url, api_key="  ")
    assert with_keyring.code == 2
    assert with_keyring.err == (
        "realtime-gui: No API key for profile 'default' (OPENAI_API_KEY is set but empty): "
        "run `realtime-gui key set --profile default` or set OPENAI_API_KEY to the key.\n"
    )
    status = run("key", "status", api_key="")
    assert status.code == 2
    assert "OPENAI_API_KEY is set but empty, so it is not used." in status.out
    assert server.requests == []


def test_an_unsaved_profile_without_a_keyring_is_told_what_can_work(run: Run, server: FakeOpenAI) -> None:
    result = run("mint", "--base-url", server.base_url, "--profile", "foo", api_key=None, keyring=NO_KEYRING)
    assert result.code == 2
    # Was: "… give it a key with `realtime-gui key set --profile foo`", which needs the keyring there is not.
    assert result.err == (
        "realtime-gui: No profile 'foo' (saved: default; no OS keyring to look for a stored key); check the name, "
        "or set OPENAI_API_KEY and leave out --profile (a profile saved in the window works too).\n"
    )


def test_key_set_at_a_terminal_says_there_is_no_keyring_before_asking_for_the_key(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "realtime_gui", "key", "set"],
            env=environment(tmp_path, api_key=None, keyring=NO_KEYRING),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # no controlling terminal but the pty: getpass would read it
        )
        try:
            code = proc.wait(timeout=30)  # it waited for the hidden key before saying there is nowhere to keep it
            out, err = proc.communicate()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    finally:
        os.close(controller)
        os.close(terminal)
    assert code == 2
    assert out == ""
    assert "API key (input hidden)" not in err
    assert err.startswith("realtime-gui: No OS keyring is available")


# -- 10. --list-parameters ---------------------------------------------------------------------------------------------


def headings(listing: str) -> list[str]:
    """The section headings of `mint --list-parameters`, each checked to have at least one parameter under it."""
    lines = listing.splitlines()[1:]
    found = []
    for i, line in enumerate(lines):
        if line and not line.startswith(" "):
            assert i + 1 < len(lines), f"{line} is empty"
            assert lines[i + 1].startswith("  "), f"the heading {line!r} has no parameter under it"
            found.append(line)
    return found


@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
def test_the_parameter_list_has_no_empty_section_and_one_order(run: Run, endpoint_id: str) -> None:
    result = run("mint", "--endpoint", endpoint_id, "--list-parameters")
    assert result.code == 0
    found = headings(result.out)
    assert found == [s for s in SECTIONS if s in found], "sections in the one order every endpoint shares"
    if endpoint_id == "transcription":
        assert "Model & voice" not in found, "transcription has no model or voice of its own to set"


def test_the_parameter_list_keeps_the_case_of_codes(run: Run) -> None:
    result = run("mint", "--endpoint", "transcription", "--list-parameters")
    assert "Expected a two-letter ISO-639-1 code such as en, de or ja." in result.out
    assert "iso-639-1" not in result.out


# -- 8 and 11. help ---------------------------------------------------------------------------------------------------


def option_help(text: str, option: str) -> str:
    """The help paragraph of `option` in argparse's --help output (from the option's own line on), on one line."""
    match = re.search(rf"^  {re.escape(option)}(.*\n(?:\s{{10,}}.*\n)*)", text, re.MULTILINE)
    assert match, f"{option} has no help"
    return " ".join(match.group(1).split())


def test_key_help_says_what_each_action_does(run: Run) -> None:
    said = " ".join(run("key", "--help").out.split())
    for fragment in (
        "set: store the key, read as one line from standard input, or typed at a hidden prompt",
        "status: whether a key is stored",
        "delete: remove the stored key",
        "never taken from the command line",
        "printf '%s\\n' \"$OPENAI_KEY\" | realtime-gui key set --profile work",
    ):
        assert fragment in said


def test_mint_help_lists_the_endpoints_and_the_base_url_chain(run: Run) -> None:
    text = run("mint", "--help").out
    endpoints = option_help(text, "--endpoint")
    for endpoint_id in ENDPOINT_IDS:
        assert endpoint_id in endpoints
    assert "retired beta API" in endpoints
    assert option_help(text, "--base-url BASE_URL") == (
        "API base URL (default: the profile's, else OPENAI_BASE_URL, else https://api.openai.com/v1)"
    ), "the default chain as it is"


# -- issue 17 §5: help that matches the command, usage of the command at fault, one rule for sentences --------------

COMMANDS = ("mint", "key", "verify", "serve", "demo")


def options_in_usage(text: str) -> set[str]:
    usage = text.split("\n\n", 1)[0]
    return set(re.findall(r"--[a-z][a-z-]*", usage)) | {"--help"}


def prose(text: str) -> str:
    """The help without its usage, its examples and what is quoted as a command (`realtime-gui mint --output json`):
    what is left speaks about this command's own options."""
    body = text.split("\n\n", 1)[1]
    body = " ".join(body.split())
    body = re.sub(r"`[^`]*`", "", body)
    return re.sub(r"Example: .*", "", body)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_only_options_the_command_has(run: Run, command: str) -> None:
    text = run(command, "--help").out
    mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", prose(text)))
    assert mentioned <= options_in_usage(text), f"{command} --help names {mentioned - options_in_usage(text)}"


def test_serve_help_no_longer_offers_list_parameters(run: Run) -> None:
    assert "--list-parameters" not in run("serve", "--help").out
    assert "--list-parameters" in run("mint", "--help").out


def entries_without_help(text: str) -> list[str]:
    """Option entries of argparse's --help output that have no help text, neither beside nor under them."""
    lines = text.split("options:\n", 1)[1].splitlines()
    missing = []
    for i, line in enumerate(lines):
        if not line.startswith("  -"):
            continue
        beside = re.match(r"  -\S*(?: \S+)*(?:, -\S*(?: \S+)*)*\s{2,}\S", line)
        under = i + 1 < len(lines) and lines[i + 1].startswith(" " * 10)
        if not beside and not under:
            missing.append(line.strip())
    return missing


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help(run: Run, command: str) -> None:
    assert entries_without_help(run(command, "--help").out) == []


def test_output_says_what_each_form_prints(run: Run) -> None:
    mint = option_help(run("mint", "--help").out, "--output {token,json,env}")
    for fragment in ("token: the bare token", "json: the token with its expiry", "env: export lines"):
        assert fragment in mint
    verify = option_help(run("verify", "--help").out, "--output {text,json}")
    assert "text: one line on the session" in verify
    assert "json: the session's settings" in verify


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["key", "set", TEST_KEY], "usage: realtime-gui key "),
        (["key", "status", "extra"], "usage: realtime-gui key "),
        (["mint", "extra"], "usage: realtime-gui mint "),
        (["verify", "extra"], "usage: realtime-gui verify "),
        (["demo", "--port", "0", "extra"], "usage: realtime-gui demo "),
    ],
)
def test_a_word_a_command_does_not_take_gets_that_commands_usage(run: Run, args: list[str], usage: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(usage), result.err
    assert f"realtime-gui {args[0]}: error: unrecognized arguments: " in result.err
    assert "COMMAND ..." not in result.err, "not the top-level usage"


@pytest.mark.parametrize(
    ("message", "printed"),
    [
        ("the request is not valid; nothing was sent.", "The request is not valid; nothing was sent."),
        ("warning: session.model: gpt-realtime is deprecated", "Warning: session.model: gpt-realtime is deprecated"),
        ("no API key for profile 'default'", "No API key for profile 'default'"),
        ("Already a sentence.", "Already a sentence."),
        # Names keep their spelling: a path, a flag, a model, a token, an address.
        ("session.model: required", "session.model: required"),
        ("--port must be 0 to 65535", "--port must be 0 to 65535"),
        ("gpt-realtime is deprecated", "gpt-realtime is deprecated"),
        ("ek_… is not a key", "ek_… is not a key"),
        ("127.0.0.1:1 refused the connection", "127.0.0.1:1 refused the connection"),
        ("localhost/v1 is not a URL", "localhost/v1 is not a URL"),
        ("", ""),
    ],
)
def test_one_rule_for_the_first_letter(message: str, printed: str) -> None:
    from realtime_gui.cli.exits import sentence_start

    assert sentence_start(message) == printed


def sentences(err: str) -> list[str]:
    return [line.removeprefix("realtime-gui: ") for line in err.splitlines() if line.startswith("realtime-gui: ")]


def test_every_sentence_the_commands_print_starts_in_upper_case(run: Run, server: FakeOpenAI) -> None:
    said: list[str] = []
    for args, key in (
        (["mint", "--set", "session.audio.output.speed=9"], TEST_KEY),
        (["mint", "--base-url", server.base_url], None),
        (["mint", "--base-url", server.base_url, "--profile", "nope"], TEST_KEY),
        (["mint", "--preset", "/no/such/preset.json"], TEST_KEY),
        (["mint", "--base-url", server.base_url, "--set", "session.model=gpt-realtime"], TEST_KEY),
        (["verify", "--base-url", server.base_url], TEST_KEY),
        (["verify", "--timeout", "0"], TEST_KEY),
        (["demo", "--port", "70000"], TEST_KEY),
        (["key", "status", "--profile", "nope"], None),
        (["mnt"], TEST_KEY),
    ):
        result = run(*args, api_key=key)
        assert sentences(result.err), f"{args} said nothing after 'realtime-gui: '"
        said += sentences(result.err)
    lower = [s for s in said if re.match(r"[a-z]+(?![\w.\-/…])", s)]
    assert lower == [], "each sentence after 'realtime-gui: ' starts in upper case"


def test_verify_after_a_failed_mint_in_a_pipe_says_the_command_before_printed_no_token(tmp_path: Path) -> None:
    # `mint … | verify` as a shell runs it: mint has no key, says so and prints nothing; verify reads an empty pipe.
    done = subprocess.run(
        ["sh", "-c", '"$0" -m realtime_gui mint | "$0" -m realtime_gui verify', sys.executable],
        env=environment(tmp_path, api_key=None, keyring="memory_keyring.SharedFileKeyring"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert "No API key for profile 'default'" in "\n".join(lines)
    assert (
        "realtime-gui: The command before the pipe printed no token (its own message is above); nothing to check."
        in lines
    )
    assert "standard input" not in done.stderr, "no second error about verify's own input"


def test_verify_with_nothing_to_read_outside_a_pipe_says_how_to_give_a_token(run: Run) -> None:
    result = run("verify")  # standard input is /dev/null here, not a pipe
    assert result.code == 2
    assert result.err == (
        "realtime-gui: No token on standard input: pipe the ek_… token, or the JSON of "
        "`realtime-gui mint --output json`.\n"
    )
