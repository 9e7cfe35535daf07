"""Bad arguments and broken settings files, through `realtime-gui`'s main(): a bad argument is one sentence on
stderr and exit 2 with nothing sent; a broken profiles.json is one line saying so, never fatal. The cases run in
this process; a few run again as a separate process, to show the same words and exit codes reach a shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import pytest

from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import FILE_NAME, Profile, config_folder, read_profiles, save_profiles
from realtime_gui.demo import FakeOpenAI

from conftest import TEST_KEY, Ran
from processes import cli_env, run_cli, run_main

DEEP = "[" * 5000 + "]" * 5000
TOOL_WITH = '[{{"type": "function", "name": "f", "parameters": {{"type": "object", "default": {0}}}}}]'


class Run(Protocol):
    def __call__(self, *args: str, api_key: str | None = TEST_KEY, stdin: str | None = None) -> Ran: ...


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """`realtime-gui ARGS` through main() in this process, set up as `process` sets up a child."""

    def start(*args: str, api_key: str | None = TEST_KEY, stdin: str | None = None) -> Ran:
        return run_main(*args, capsys=capsys, monkeypatch=monkeypatch, key=api_key, stdin=stdin)

    return start


@pytest.fixture
def process(tmp_path: Path) -> Run:
    """`realtime-gui ARGS` in a new process, with the test's config folder and a keyring file of its own."""

    def start(*args: str, api_key: str | None = TEST_KEY, stdin: str | None = None) -> Ran:
        return run_cli(*args, env=cli_env(key=api_key, keyring_file=tmp_path / "keyring.json"), stdin=stdin)

    return start


def assert_refused(result: Ran, fragment: str, server: FakeOpenAI) -> None:
    assert result.code == 2, result.err
    assert len(result.lines) == 1, result.err
    assert result.lines[0].startswith("realtime-gui: ")
    assert fragment in result.err
    assert result.out == ""
    assert server.requests == []


# -- arguments ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "fragment"),
    [
        ("\r\nX-Injected: 1", "the control character '\\r' at position"),
        ("\n", None),  # a trailing line break from a paste is trimmed, as spaces are: not refused
        ("/\x1b[2J", "the control character '\\x1b' at position"),
        ("/\x07", "the control character '\\x07' at position"),
        ("/\u202eevil", "the control character '\\u202e' at position"),
    ],
)
def test_a_base_url_with_control_characters_is_refused(
    run: Run,
    server: FakeOpenAI,
    tail: str,
    fragment: str | None,
) -> None:
    result = run("mint", "--base-url", server.base_url + tail)
    if fragment is None:
        assert result.code == 0, result.err
        return
    assert_refused(result, fragment, server)
    assert "printable characters only" in result.err


@pytest.mark.parametrize("host", ["api.open ai.com", "a..b", "x" * 64 + ".com", "xn--zz.com", "-a.com", "exa<mple.com"])
def test_a_base_url_with_a_malformed_host_is_refused(run: Run, server: FakeOpenAI, host: str) -> None:
    # Before, some of these ended in a bare UnicodeError from the socket layer: exit 1, "unexpected error".
    result = run("mint", "--base-url", f"https://{host}/v1")
    assert_refused(result, f"The base URL's host '{host}' is not a valid host name", server)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # Each said "not a valid URL" without why, echoed 'http:', asked for https:// only, or used the default.
        ("http://127.0.0.1:99999/v1", "The base URL's port 99999 is out of range; a port is a number from 1 to 65535."),
        ("http://127.0.0.1:8o/v1", "The base URL's port '8o' is not a number; a port is a number from 1 to 65535."),
        ("http://", "The base URL 'http://' names no host; give one such as https://api.openai.com/v1."),
        (
            "127.0.0.1:18080/v1",
            "The base URL '127.0.0.1:18080/v1' has no scheme; add https:// in front, or http:// for this machine only",
        ),
        ("", "The base URL is empty; give one such as https://api.openai.com/v1, or leave it out for that default."),
        (" ", "The base URL is empty"),
    ],
)
def test_a_base_url_that_cannot_work_says_why(run, server: FakeOpenAI, url: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert_refused(run("mint", "--base-url", url), message, server)


def test_a_404_from_a_base_url_without_v1_says_to_add_it(run, server: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    base = server.base_url.removesuffix("/v1")
    result = run("mint", "--base-url", base)
    assert result.code == 3
    assert (
        "realtime-gui: The API refused the request (HTTP 404): Invalid URL (POST /realtime/client_secrets). "
        f"The base URL {base} does not end in /v1: the API lives under /v1 (Azure OpenAI: /openai/v1); "
        f"try {base}/v1.\n"
    ) in result.err


def test_the_missing_version_hint_is_only_for_a_path_without_it() -> None:
    from realtime_gui.config.connection import missing_version_hint

    assert missing_version_hint("https://api.openai.com/v1/") is None
    assert missing_version_hint("https://r.openai.azure.com/openai/v1") is None
    assert missing_version_hint("https://gateway.example/api") is not None


@pytest.mark.parametrize("text", ["inf", "1e400", "1e10", "nan", "0", "-1", "601", "0.01", "abc", "", "3\x1b[2J0"])
def test_a_timeout_outside_the_finite_range_is_refused(run: Run, server: FakeOpenAI, text: str) -> None:
    result = run("mint", "--base-url", server.base_url, "--timeout", text)
    assert_refused(result, "--timeout must be a number of seconds from 0.1 to 600, not ", server)


@pytest.mark.parametrize("text", ["0.1", "600"])
def test_the_ends_of_the_timeout_range_are_accepted(run: Run, server: FakeOpenAI, text: str) -> None:
    result = run("mint", "--base-url", server.base_url, "--timeout", text)
    assert result.code == 0, result.err
    assert result.out.startswith("ek_")


@pytest.mark.parametrize(
    ("assignment", "fragment"),
    [
        ("session.tools=" + TOOL_WITH.format("NaN"), "session.tools: contains NaN, which JSON does not allow"),
        ("session.tools=" + TOOL_WITH.format("-Infinity"), "session.tools: contains -Infinity"),
        ("session.tools=" + TOOL_WITH.format("1e400"), "session.tools: contains the number 1e400, which is too large"),
        ("session.tools=" + DEEP, "session.tools: is nested too deeply (more than 64 levels)"),
        ("session.audio.output.speed=NaN", 'session.audio.output.speed: "NaN" is not allowed; expected a number'),
        ("session.audio.output.speed=Infinity", 'session.audio.output.speed: "Infinity" is not allowed'),
        ("expires_after.seconds=1e400", 'expires_after.seconds: "1e400" is not allowed; expected a whole number'),
        ("expires_after.seconds=" + "9" * 400, "expires_after.seconds: " + "9" * 57 + "… is out of range; expected"),
        ("session.audio.output.speed=" + "9" * 400, "session.audio.output.speed: " + "9" * 57 + "… is out of range"),
    ],
)
def test_json_that_is_not_strict_is_refused_in_set(
    run: Run, server: FakeOpenAI, assignment: str, fragment: str
) -> None:
    assert_not_strict(run("mint", "--base-url", server.base_url, "--set", assignment), fragment, server)


def assert_not_strict(result: Ran, fragment: str, server: FakeOpenAI) -> None:
    assert result.code == 2, result.err
    assert result.lines[0] == "realtime-gui: The request is not valid; nothing was sent."
    assert len(result.lines) == 2, result.err
    assert result.lines[1].startswith(f"  {fragment}")
    assert server.requests == []


# -- profiles ---------------------------------------------------------------------------------------------------


def save(*profiles: Profile) -> Path:
    path = config_folder() / FILE_NAME
    save_profiles(path, list(profiles))
    return path


def test_an_unknown_profile_is_refused_even_with_a_key_in_the_environment(run: Run, server: FakeOpenAI) -> None:
    save(Profile("work", Connection(base_url=server.base_url)))
    result = run("mint", "--base-url", server.base_url, "--profile", "lcoal")
    assert_refused(result, "No profile 'lcoal' (saved: default, work); check the name", server)
    assert "realtime-gui key set --profile lcoal" in result.err


def test_key_status_of_an_unknown_profile_is_refused(run: Run, server: FakeOpenAI) -> None:
    result = run("key", "status", "--profile", "lcoal", api_key=None)
    assert_refused(result, "No profile 'lcoal' (saved: default)", server)


def test_default_saved_and_key_only_profiles_stay_usable(run: Run, server: FakeOpenAI) -> None:
    save(Profile("work", Connection(base_url=server.base_url)))
    assert run("mint", "--base-url", server.base_url).code == 0
    assert run("mint", "--profile", "work").code == 0
    # `key set` creates a profile that is only a stored key, and mint then accepts its name.
    assert run("key", "set", "--profile", "ci", api_key=None, stdin=TEST_KEY + "\n").code == 0
    result = run("mint", "--base-url", server.base_url, "--profile", "ci", api_key=None)
    assert result.code == 0, result.err
    assert server.requests[-1].headers["authorization"] == f"Bearer {TEST_KEY}"
    assert run("key", "status", "--profile", "ci", api_key=None).code == 0


BROKEN_PROFILES = [
    ('{"profiles": 5}', '"profiles" is a number, not an array'),
    ("null", "it holds null where an object with an array of profiles belongs"),
    ('[1, "junk", null]', "it holds an array where an object"),
    ('{"profiles": [1, "junk"]}', "profile 1 is a number, not an object"),
    (DEEP, "it is nested too deeply"),
    ('{"profiles": [{"name": "x", "timeout": 1' + "0" * 400 + "}]}", "profile 'x': timeout must be a number of"),
    ('{"profiles": [{"name": "x", "timeout": Infinity}]}', "it contains Infinity"),
    ('{"profiles": [{"name": "x", "timeout": "30"}]}', "profile 'x': timeout must be a number, not a string"),
    ('{"profiles": [{"name": "x", "base_url": ["a"]}]}', "profile 'x': base_url is an array, not a string"),
    ('{"profiles": [{"name": "x", "auth": "basic"}]}', "profile 'x': auth must be bearer or api-key"),
    ('{"profiles": [{"name": "a\\u001b[2Jb"}]}', "profile 1 has a name that is not allowed"),
    ('{"profiles": [{"name": "x"}', "it is not valid JSON (Expecting"),
    ("\xff\xfe", "it is not UTF-8 text"),
    # Keyed by name, as one might write it by hand: it was read as "no profiles" without a word.
    (
        '{"work": {"base_url": "https://example.com/v1"}}',
        'it has "work" where only "profiles" belongs; '
        'the file holds {"profiles": [{"name": "work", "base_url": …}, …]}',
    ),
]


@pytest.mark.parametrize(("content", "why"), BROKEN_PROFILES)
def test_a_broken_profiles_file_is_said_once_and_never_fatal(
    run: Run, server: FakeOpenAI, content: str, why: str
) -> None:
    assert_broken_file_ignored(run, server, content, why)


def assert_broken_file_ignored(run: Run, server: FakeOpenAI, content: str, why: str) -> None:
    path = config_folder() / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("latin-1") if content == "\xff\xfe" else content.encode())
    before = path.read_bytes()
    result = run("mint", "--base-url", server.base_url)
    assert result.code == 0, result.err
    assert result.out.startswith("ek_")
    assert len(result.lines) == 1, result.err
    assert result.lines[0].startswith(f"realtime-gui: Ignored the settings file {path}: ")
    assert why in result.lines[0]
    assert "using defaults until a profile is saved" in result.lines[0]
    assert path.read_bytes() == before, "a command never rewrites the file"
    assert not path.with_name(FILE_NAME + ".bak").exists()


def test_a_profile_in_a_broken_file_is_not_guessed(run: Run, server: FakeOpenAI) -> None:
    path = save(Profile("x", Connection(base_url=server.base_url)))
    path.write_text(path.read_text().replace('"timeout": 30.0', '"timeout": 1e400'))
    result = run("mint", "--profile", "x")
    assert result.code == 2
    assert [line.split(":")[0] for line in result.lines] == ["realtime-gui"] * 2
    assert "contains the number 1e400, which is too large" in result.lines[0]
    assert "No profile 'x' (saved: default)" in result.lines[1]
    assert server.requests == []


def test_saving_over_a_broken_file_keeps_it_as_bak(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text('{"profiles": 5}')
    assert read_profiles(path).problem is not None
    save_profiles(path, [Profile("work")])
    assert path.with_name(FILE_NAME + ".bak").read_text() == '{"profiles": 5}'
    saved = read_profiles(path)
    assert saved.problem is None
    assert saved.names == ["default", "work"]
    save_profiles(path, [Profile("home")])  # a good file is simply replaced
    assert path.with_name(FILE_NAME + ".bak").read_text() == '{"profiles": 5}'
    assert read_profiles(path).names == ["default", "home"]


def test_a_saved_timeout_follows_the_same_range_as_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    for timeout, fine in ((0.1, True), (600, True), (0.05, False), (601, False), (True, False)):
        path.write_text(json.dumps({"profiles": [{"name": "x", "timeout": timeout}]}))
        assert (read_profiles(path).problem is None) is fine, timeout


# -- the same through a separate process --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--base-url", "http://127.0.0.1:99999/v1"], "The base URL's port 99999 is out of range"),  # mint's checks
        (["--timeout", "inf"], "--timeout must be a number of seconds from 0.1 to 600, not "),  # argparse's exit
        (["--base-url", "http://127.0.0.1/\u202eevil"], "the control character '\\u202e' at position"),
    ],
)
def test_a_separate_process_refuses_with_the_same_sentence_and_exit_code(
    process: Run, server: FakeOpenAI, args: list[str], fragment: str
) -> None:
    assert_refused(process("mint", *args), fragment, server)


def test_a_separate_process_lists_what_is_not_strict_json(process: Run, server: FakeOpenAI) -> None:
    result = process("mint", "--base-url", server.base_url, "--set", "session.tools=" + TOOL_WITH.format("NaN"))
    assert_not_strict(result, "session.tools: contains NaN, which JSON does not allow", server)


def test_a_separate_process_ignores_a_broken_profiles_file_in_one_line(process: Run, server: FakeOpenAI) -> None:
    assert_broken_file_ignored(process, server, *BROKEN_PROFILES[0])


def test_a_separate_process_exits_3_with_the_missing_version_hint(process: Run, server: FakeOpenAI) -> None:
    base = server.base_url.removesuffix("/v1")
    result = process("mint", "--base-url", base)
    assert result.code == 3
    assert f"try {base}/v1.\n" in result.err
