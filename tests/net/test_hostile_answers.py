"""Answers that cannot be used, or try to put the key or terminal control codes on the user's screen, against the
hostile server: through `realtime-gui mint` as a separate process, and through the window.

Every case checks what a person would see: the exit code and its sentence, no traceback, never the key (a bearer
`sk-…` key and a 32-hex Azure key, in any case), and never a raw control character in anything printed or shown.
"""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path
from typing import Protocol

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui import redaction
from realtime_gui.config.connection import AuthStyle, Connection
from realtime_gui.config.profiles import Profile
from realtime_gui.logs import DEBUG_ENV, RedactingFilter
from realtime_gui.qt.ui.window.main_window import MainWindow
from realtime_gui.shown import json_text, shown

from conftest import OpenWindow, Ran
from driving import WAIT_MS
from hostile_server import ESCAPES, SSH_BANNER, HostileServer
from memory_keyring import MemoryKeyring
from processes import cli_env, run_cli, run_main

BEARER_KEY = "sk-proj-hostileAnswers0123456789abcdefWXYZ"
AZURE_KEY = "0123456789abcdef0123456789abcdef"  # an Azure OpenAI key: 32 hex digits, no recognisable shape
KEYS: dict[AuthStyle, str] = {"bearer": BEARER_KEY, "api-key": AZURE_KEY}

# mode, extra arguments, exit code, what the message must say
FAILURES = [
    ("deep-json", [], 4, "is nested too deeply"),
    ("token-surrogate", [], 4, "value holds the character U+D800"),
    ("token-control", [], 4, "value holds the character U+001B"),
    ("token-huge", [], 4, "value is 100,003 characters long"),
    ("token-number", [], 4, "value is a number, not a string"),
    ("expiry-huge", [], 4, "expires_at 999999999999… (4,000 digits) is no plausible expiry time"),
    ("expiry-milliseconds", [], 4, "is no plausible expiry time (expected Unix seconds from a day ago"),
    ("expiry-string", [], 4, "expires_at is a string, not whole Unix seconds"),
    ("not-an-object", [], 4, "JSON that is an array, not an object"),
    ("secret-not-an-object", ["--endpoint", "beta-sessions"], 4, "client_secret is a string, not an object"),
    ("control-error", [], 3, "Denied\\x1b[2J\\x1b]0;owned\\x07\\r\\x08\\x9b31m\\u202egnp.exe"),
    ("echo-error", [], 3, "Incorrect API key provided: "),
    ("echo-html", [], 4, 'with a web page ("Denied '),
    ("ssh-banner", [], 4, f'is not valid HTTP (it began "{SSH_BANNER}"). The base URL may point at a server'),
    ("not-http", [], 4, 'is not valid HTTP (it began "\\x1b[2J\\x1b]0;owned\\x07\\r\\x08\\x9b31m'),
    ("bad-header-name", [], 4, "is not valid HTTP (illegal header line: bytearray(b'Bad Header: x'))"),
    ("echo-bad-header", [], 4, "is not valid HTTP (illegal header line: bytearray(b'X-Echo "),
    ("cut-off", [], 4, "closed the connection before the answer was complete"),
]
ECHOES = ("echo-error", "echo-html", "echo-token", "control-error", "echo-bad-header")
MATRIX = [(*case, "bearer") for case in FAILURES] + [(*case, "api-key") for case in FAILURES if case[0] in ECHOES]
CASE_IDS = [f"{case[0]}-{case[-1]}" for case in MATRIX]
# Also run in a process of its own: what reaches a real terminal (a lone surrogate or a control code would fail or act).
IN_A_PROCESS = [
    pytest.param(*case, id=f"{case[0]}-{case[-1]}")
    for case in MATRIX
    if case[0] in ("token-surrogate", "control-error", "not-http")
]


def assert_clean(text: str, key: str) -> None:
    """Nothing a person sees may hold the key, a traceback, or a character a terminal would act on."""
    assert key.lower() not in text.lower(), "the key was printed or shown"
    assert "Traceback" not in text
    raw = sorted({c for c in text if not (c.isprintable() or c == "\n")})
    assert not raw, f"raw control characters reached the screen: {raw!r}"


# -- the command line ------------------------------------------------------------------------------------------


class Mint(Protocol):
    def __call__(self, mode: str, *args: str, auth: AuthStyle = "bearer", debug: bool = False) -> tuple[int, str]: ...


def _seen(ran: Ran, auth: AuthStyle) -> tuple[int, str]:
    """The exit code, and what the user reads: stdout, with stderr too when the run failed."""
    assert_clean(ran.out + ran.err, KEYS[auth])
    return ran.code, ran.out + ran.err if ran.code else ran.out


@pytest.fixture
def mint_in_cli(hostile: HostileServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Mint:
    """`realtime-gui mint` against one hostile mode, through main() in this process."""

    def mint(mode: str, *args: str, auth: AuthStyle = "bearer", debug: bool = False) -> tuple[int, str]:
        url = hostile.base_url(mode)
        extra = {DEBUG_ENV: "1"} if debug else {}
        ran = run_main(
            "mint", "--base-url", url, "--auth", auth, *args,
            capsys=capsys, monkeypatch=monkeypatch, key=KEYS[auth], printed_key=KEYS[auth], **extra,
        )  # fmt: skip
        return _seen(ran, auth)

    return mint


@pytest.fixture
def mint_in_a_process(hostile: HostileServer, tmp_path: Path) -> Mint:
    """`realtime-gui mint` against one hostile mode, in a process of its own."""

    def mint(mode: str, *args: str, auth: AuthStyle = "bearer", debug: bool = False) -> tuple[int, str]:
        env = cli_env(config=tmp_path, key=KEYS[auth])
        if debug:
            env[DEBUG_ENV] = "1"
        ran = run_cli("mint", "--base-url", hostile.base_url(mode), "--auth", auth, *args, env=env, key=KEYS[auth])
        return _seen(ran, auth)

    return mint


@pytest.mark.parametrize(
    ("mode", "args", "code", "says", "auth"),
    MATRIX,
    ids=CASE_IDS,
)
def test_cli_unusable_answers_end_with_a_sentence(
    mint_in_cli: Mint, mode: str, args: list[str], code: int, says: str, auth: AuthStyle
) -> None:
    exit_code, text = mint_in_cli(mode, *args, "--timeout", "10", auth=auth)
    assert exit_code == code, text
    assert says in text
    assert text.startswith("realtime-gui: ")


@pytest.mark.parametrize(
    ("mode", "args", "code", "says", "auth"),
    IN_A_PROCESS,
)
def test_cli_in_a_process_of_its_own_ends_with_the_same_sentence(
    mint_in_a_process: Mint, mode: str, args: list[str], code: int, says: str, auth: AuthStyle
) -> None:
    exit_code, text = mint_in_a_process(mode, *args, "--timeout", "10", auth=auth)
    assert exit_code == code, text
    assert says in text
    assert text.startswith("realtime-gui: ")


@pytest.mark.parametrize("auth", list(KEYS))
def test_cli_debug_log_never_holds_the_key(mint_in_a_process: Mint, auth: AuthStyle) -> None:
    # httpx2 logs the status line and httpcore2 the raw headers: both echo the key here. In a process of its own, as
    # logging is set up once there.
    code, text = mint_in_a_process("echo-html", debug=True, auth=auth)
    assert code == 4
    assert "HTTP Request: POST" in text, "debug mode logs the HTTP traffic"


def test_cli_caps_a_huge_error_message(mint_in_cli: Mint) -> None:
    _, text = mint_in_cli("control-error")
    assert len(text) < 3000, "a megabyte of message must not fill the terminal"
    assert "more characters)" in text


@pytest.mark.parametrize("auth", list(KEYS))
@pytest.mark.parametrize("output", ["token", "json", "env"])
def test_cli_a_token_whose_answer_echoes_the_key_is_printed_without_it(
    mint_in_cli: Mint, output: str, auth: AuthStyle
) -> None:
    code, out = mint_in_cli("echo-token", "--output", output, auth=auth)
    assert code == 0
    assert "ek_echo_0123456789abcdef" in out
    if output == "json":
        printed = json.loads(out)
        assert printed["response"]["session"]["instructions"].startswith("key=")
        assert printed["session_id"] == printed["response"]["session"]["id"]


@pytest.mark.parametrize("output", ["token", "json", "env"])
def test_cli_control_codes_in_a_good_answer_are_escaped(mint_in_cli: Mint, output: str) -> None:
    code, out = mint_in_cli("control-token", "--output", output)
    assert code == 0
    if output == "token":
        assert out == "ek_control_0123456789abcdef\n"
    elif output == "json":
        printed = json.loads(out)  # still valid JSON, every code point intact behind its escape
        assert printed["response"]["session"]["instructions"] == ESCAPES
        assert out.isascii()
    else:
        assert "\\x1b[2J" in out


def test_cli_env_output_stays_safe_to_eval(mint_in_cli: Mint) -> None:
    _, out = mint_in_cli("control-token", "--output", "env")
    script = f'{out}\nprintf "%s|%s|%s" "$REALTIME_TOKEN" "$REALTIME_SESSION_ID" "$REALTIME_REQUEST_ID"'
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    token, session_id, request_id = done.stdout.split("|")
    assert token == "ek_control_0123456789abcdef"
    assert session_id == "sess_\\x1b[2J\\x1b]0;owned\\x07\\r\\x08\\x9b31m\\u202egnp.exe\\u2066\\x7f"
    assert request_id == "req_\\x9b31m_c1"


def test_cli_a_retry_after_of_infinity_is_not_repeated(mint_in_cli: Mint) -> None:
    code, text = mint_in_cli("retry-forever")
    assert code == 3
    assert "Rate limit reached." in text
    assert "retry after" not in text, "no one can wait 1e400 seconds; the header is ignored"


def test_cli_a_date_no_calendar_holds_does_not_stop_the_mint(mint_in_cli: Mint) -> None:
    code, out = mint_in_cli("date-overflow")
    assert code == 0
    assert out.startswith("ek_hostile_")


# -- the window ----------------------------------------------------------------------------------------------


def texts_shown(window: MainWindow) -> str:
    """Every text the window shows, including tooltips, the status bar and the title."""
    parts = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        parts.append(widget.toolTip())
        if isinstance(widget, QLineEdit | QLabel | QAbstractButton):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
    return "\n".join(parts)


class WindowOn(Protocol):
    def __call__(self, mode: str, *, auth: AuthStyle = "bearer", endpoint: str = "realtime") -> MainWindow: ...


@pytest.fixture
def window_on(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, memory_keyring: MemoryKeyring, hostile: HostileServer
) -> WindowOn:
    """Opens the window on a profile pointing at one hostile mode, minted once; returns the window."""
    from realtime_gui.qt.settings import Settings

    def make(mode: str, *, auth: AuthStyle = "bearer", endpoint: str = "realtime") -> MainWindow:
        settings = Settings(str(settings_file))
        connection = Connection(base_url=hostile.base_url(mode), auth=auth, timeout=10)
        settings.set_profiles([Profile("hostile", connection)])
        settings.profile_name = "hostile"
        settings.sync()
        memory_keyring.set_password("realtime-gui", "hostile", KEYS[auth])
        window: MainWindow = open_window("--endpoint", endpoint)
        width = window.width()
        with qtbot.waitSignals([window.controller.busy_changed] * 2, timeout=WAIT_MS):
            qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
        QApplication.processEvents()  # the banner's layout requests, posted as it was shown
        assert window.width() == width, "a long word in the answer must not widen the window past the screen"
        assert window.minimumSizeHint().width() < 1000
        if window.token_panel.current is not None:
            for _ in range(2):  # two countdown ticks: a token that was let through must survive them
                window.token_panel.tick()
        assert_clean(texts_shown(window), KEYS[auth])
        return window

    return make


@pytest.mark.parametrize(
    ("mode", "args", "code", "says", "auth"),
    MATRIX,
    ids=CASE_IDS,
)
def test_window_shows_unusable_answers_in_the_banner(
    window_on: WindowOn, mode: str, args: list[str], code: int, says: str, auth: AuthStyle
) -> None:
    endpoint = args[1] if args[:1] == ["--endpoint"] else "realtime"
    window = window_on(mode, auth=auth, endpoint=endpoint)
    assert window.error_banner.isVisible()
    assert says in window.error_text.text()
    assert window.error_text.textFormat() == Qt.TextFormat.PlainText, "server text must never render as HTML"
    if mode in ("control-error", "echo-error"):
        assert "HTTP 400" in window.error_text.text() or "HTTP 401" in window.error_text.text(), "the facts line"
    assert window.token_panel.token.text() == "", "no token from an unusable answer"
    assert window.token_panel.current is None
    assert window.mint_button.isEnabled()


@pytest.mark.parametrize("auth", list(KEYS))
def test_window_never_shows_a_key_the_answer_echoes(qtbot: QtBot, window_on: WindowOn, auth: AuthStyle) -> None:
    window = window_on("echo-token", auth=auth)
    panel = window.token_panel
    assert panel.token.text() == "ek_echo_0123456789abcdef"
    assert panel.details["session"].text().endswith(KEYS[auth][-4:]), "the hint, not the key"
    qtbot.mouseClick(panel.reveal, Qt.MouseButton.LeftButton)  # the unmasked answer holds no key either
    assert "ek_echo_0123456789abcdef" in panel.response_view.toPlainText()
    assert_clean(texts_shown(window), KEYS[auth])


def test_window_escapes_control_codes_in_a_good_answer(window_on: WindowOn) -> None:
    window = window_on("control-token")
    panel = window.token_panel
    assert panel.token.text() == "ek_control_0123456789abcdef"
    assert panel.details["session"].text().startswith("sess_\\x1b[2J")
    assert panel.details["model"].textFormat() == Qt.TextFormat.PlainText
    response = panel.response_view.toPlainText()
    assert "\\u001b[2J" in response
    assert json.loads(response.replace('"ek_…(hidden)"', '"x"'))["session"]["instructions"] == ESCAPES
    assert window.error_banner.isHidden()


def test_window_counts_down_despite_a_date_no_calendar_holds(window_on: WindowOn) -> None:
    window = window_on("date-overflow")
    assert window.error_banner.isHidden(), window.error_text.text()
    assert window.token_panel.expires_in.text() in ("10:00", "9:59", "9:58")


# -- the one cleaning function, and the log ---------------------------------------------------------------------


def test_shown_redacts_a_key_of_any_shape_once_it_was_used(caplog: pytest.LogCaptureFixture) -> None:
    key = "fedcba9876543210fedcba9876543210"
    redaction.remember(key)
    assert shown(f"echo {key.upper()} and {key}") == "echo …3210 and …3210"
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "server said %s\x1b[2J", (key,), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "server said …3210\\x1b[2J"


def test_shown_escapes_control_characters_visibly_and_is_idempotent() -> None:
    text = f"a{ESCAPES}\ud800\U000e0001b\n" + "x" * 5000
    once = shown(text)
    assert once.startswith(
        "a\\x1b[2J\\x1b]0;owned\\x07\\r\\x08\\x9b31m\\u202egnp.exe\\u2066\\x7f\\ud800\\U000e0001b\\n"
    )
    assert once.endswith("more characters)")
    assert shown(once) == once
    assert shown("line one\nline two", multiline=True) == "line one\nline two"
    assert shown("héllo wörld ✓ 日本\u3000語") == "héllo wörld ✓ 日本\u3000語", (
        "printable text and spaces are left alone"
    )


@pytest.mark.parametrize("ascii_only", [True, False])
def test_json_text_has_no_unsafe_character_and_stays_valid_json(ascii_only: bool) -> None:
    value = {"instructions": f"日本語 {ESCAPES} \ud800 \U000e0001 😀", "n": [1, None]}
    text = json_text(value, ascii_only=ascii_only)
    assert json.loads(text) == value
    assert all(c.isprintable() or c in "\n\u3000" for c in text)
    assert ("日本語" in text) is not ascii_only
