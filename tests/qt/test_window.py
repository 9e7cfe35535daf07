"""The window, driven as a person drives it (pytest-qt, offscreen), against the fake server over loopback."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QLockFile, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from realtime_gui.api.catalog import ENDPOINTS
from realtime_gui.api.request import build_request
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow, assert_in_no_file, write_profile
from driving import (
    WAIT_MS,
    child,
    choose_endpoint,
    field,
    line_edit,
    mint,
    named,
    press,
    texts_on_screen,
    threads_ended,
)
from memory_keyring import MemoryKeyring
from misbehaving import FakeOpenAI, Fault, FaultKind
from official_schema import schema_errors, unknown_parameters
from processes import modules_loaded
from samples import rich_values

# -- names other tools rely on -------------------------------------------------------------------------------


def test_the_window_exposes_the_agreed_names(open_window: OpenWindow) -> None:
    window = open_window()
    combo = named(window, "endpoint")
    assert isinstance(combo, QComboBox)
    assert [combo.itemData(i) for i in range(combo.count())] == list(ENDPOINTS)
    for name in ("mint", "cancel", "token", "copyToken", "expiresIn", "error"):
        named(window, name)
    assert isinstance(named(window, "token"), QLineEdit)
    for endpoint_id, ep in ENDPOINTS.items():
        choose_endpoint(window, endpoint_id)
        for row in ep.parameters:
            if not row.fixed:
                assert window.form.findChild(QWidget, row.path) is not None, row.path
                assert row.path in child(window.form, QWidget, row.path).toolTip()
    choose_endpoint(window, "beta-sessions")
    assert window.form.findChild(QWidget, "turn_detection.threshold") is not None
    assert window.form.findChild(QWidget, "client_secret.expires_after.seconds") is not None


# -- every endpoint's form makes a valid request -------------------------------------------------------------


@pytest.mark.parametrize("endpoint_id", list(ENDPOINTS))
def test_each_endpoint_form_sends_a_body_the_official_schema_accepts(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, endpoint_id: str
) -> None:
    window = open_window()
    choose_endpoint(window, endpoint_id)
    values = rich_values(ENDPOINTS[endpoint_id])
    assert window.form.set_values(values) == []
    assert window.form.values() == dict(values.items())
    mint(qtbot, window)
    assert window.error_banner.isHidden(), window.error_text.text()
    sent = server.requests[-1].json()
    assert sent == build_request(endpoint_id, values).body
    assert unknown_parameters(endpoint_id, sent) == []
    assert schema_errors(endpoint_id, sent) == []
    assert window.token_panel.token.text().startswith("ek_")


def test_typing_into_the_form(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    form = window.form
    instructions = child(form, QPlainTextEdit, "session.instructions")
    qtbot.keyClicks(instructions, "Speak like a pirate.")
    voice = child(form, QComboBox, "session.audio.output.voice")
    voice_text = line_edit(voice)
    voice_text.clear()
    qtbot.keyClicks(voice_text, "voice_custom42")
    speed = child(form, QWidget, "session.audio.output.speed")
    speed.setFocus()
    for _ in range(5):  # from empty to the default 1.0, then 1.05, … 1.2
        qtbot.keyClick(speed, Qt.Key.Key_Up)
    mint(qtbot, window)
    session = server.requests[-1].json()["session"]
    assert session["instructions"] == "Speak like a pirate."
    assert session["audio"]["output"] == {"voice": {"id": "voice_custom42"}, "speed": 1.2}


def test_variant_fields_show_only_when_they_apply(open_window: OpenWindow) -> None:
    window = open_window()
    form = window.form
    td = "session.audio.input.turn_detection"
    assert not form.is_shown(f"{td}.threshold")
    field(window, td).set_value({})
    assert form.is_shown(f"{td}.type")
    assert form.is_shown(f"{td}.threshold")
    assert not form.is_shown(f"{td}.eagerness")
    field(window, f"{td}.type").set_value("semantic_vad")
    assert form.is_shown(f"{td}.eagerness")
    assert not form.is_shown(f"{td}.threshold")
    field(window, td).set_value(None)
    assert not form.is_shown(f"{td}.eagerness")
    assert form.values() == {td: None}


# -- the token -----------------------------------------------------------------------------------------------


def test_mint_shows_the_masked_token_and_copy_puts_it_on_the_clipboard(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    mint(qtbot, window)
    token = window.token_panel.token
    value = token.text()
    assert value.startswith("ek_")
    assert token.echoMode() == QLineEdit.EchoMode.Password
    assert value not in window.token_panel.response_view.toPlainText()
    for name, start in (("sessionId", "sess_"), ("requestId", "req_")):
        label = child(window, QLabel, name)
        assert label.text().startswith(start)
        assert label.toolTip() == f"<p>{label.text()}</p>", "the whole id on hover, where the side clips it"
    qtbot.mouseClick(named(window, "copyToken"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == value
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == value
    qtbot.mouseClick(window.token_panel.reveal, Qt.MouseButton.LeftButton)
    assert token.echoMode() == QLineEdit.EchoMode.Normal
    assert value in window.token_panel.response_view.toPlainText()


def test_ctrl_enter_creates(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    with qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


class FakeClock:
    """The real time until `freeze()`, then only what the test adds: a mint under load can take a second, and a
    clock stopped before it would count that second too."""

    def __init__(self) -> None:
        self.now: float | None = None

    def __call__(self) -> float:
        return time.time() if self.now is None else self.now

    def freeze(self) -> None:
        self.now = time.time()

    def advance(self, seconds: float) -> None:
        assert self.now is not None, "freeze() first"
        self.now += seconds


def test_countdown_ticks_turns_urgent_and_expires(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    clock = FakeClock()
    window.token_panel.clock = clock
    field(window, "expires_after.seconds").set_value(30)
    mint(qtbot, window)
    clock.freeze()
    label = child(window, QLabel, "expiresIn")
    assert label.text() in ("0:30", "0:29")
    QGuiApplication.clipboard().setText(window.token_panel.token.text())
    clock.advance(12)
    window.token_panel.tick()
    assert label.text() in ("0:18", "0:17")
    assert label.property("urgency") == "none"
    clock.advance(10)
    qtbot.waitUntil(lambda: label.property("urgency") == "urgent", timeout=2000)  # the panel's own timer
    assert label.text() in ("0:08", "0:07")
    clock.advance(9)
    qtbot.waitUntil(lambda: label.text() == "expired", timeout=2000)
    assert label.property("urgency") == "expired"
    assert not named(window, "copyToken").isEnabled()
    assert QGuiApplication.clipboard().text() == "", "the expired token is cleared from the clipboard"


def test_clipboard_is_left_alone_when_the_setting_is_off(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.clipboard_action.setChecked(False)
    clock = FakeClock()
    window.token_panel.clock = clock
    mint(qtbot, window)
    clock.freeze()
    QGuiApplication.clipboard().setText(window.token_panel.token.text())
    clock.advance(601)
    window.token_panel.tick()
    assert child(window, QLabel, "expiresIn").text() == "expired"
    assert QGuiApplication.clipboard().text().startswith("ek_")


def test_a_skewed_server_clock_does_not_skew_the_countdown(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.SKEWED_DATE, seconds=3600))
    field(window, "expires_after.seconds").set_value(120)
    mint(qtbot, window)
    assert child(window, QLabel, "expiresIn").text() in ("2:00", "1:59")
    note = child(window, QLabel, "clockNote")
    assert note.isVisible()
    assert "+3600 s" in note.text() or "+3599 s" in note.text() or "+3601 s" in note.text()


def test_copy_as_curl_uses_the_environment_variable(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    field(window, "session.model").set_value("gpt-realtime-mini")
    mint(qtbot, window)
    qtbot.mouseClick(named(window, "copyCurl"), Qt.MouseButton.LeftButton)
    curl = QGuiApplication.clipboard().text()
    assert curl.startswith("curl -sS -X POST http://127.0.0.1:")
    assert '"Authorization: Bearer $OPENAI_API_KEY"' in curl
    assert '"model": "gpt-realtime-mini"' in curl
    assert TEST_KEY not in curl
    done = subprocess.run(["bash", "-n"], input=curl, text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


# -- busy, cancel, close -------------------------------------------------------------------------------------


def test_cancel_returns_to_idle_at_once_and_ignores_the_late_answer(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.SLOW, seconds=1.0))
    with qtbot.waitSignal(window.controller.busy_changed, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert window.busy.isVisible()
    assert named(window, "cancel").isEnabled()
    assert not window.mint_button.isEnabled()
    qtbot.mouseClick(named(window, "cancel"), Qt.MouseButton.LeftButton)
    assert window.mint_button.isEnabled()
    assert not window.busy.isVisible()
    # The late answer (or the failure of its closed connection) would be a queued signal: wait for the call's thread
    # to end and for what it queued, listening for both.
    with qtbot.assertNotEmitted(window.controller.failed), qtbot.assertNotEmitted(window.controller.minted):
        threads_ended(qtbot, window.controller.running_jobs)
    assert window.token_panel.token.text() == ""
    assert not window.error_banner.isVisible()
    qtbot.waitUntil(lambda: window.controller.running_jobs() == 0, timeout=WAIT_MS)


def test_the_window_answers_while_a_mint_waits(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.SLOW, seconds=1.0))
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    instructions = child(window.form, QPlainTextEdit, "session.instructions")
    qtbot.keyClicks(instructions, "still typing")
    assert instructions.toPlainText() == "still typing"
    assert window.controller.busy
    qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS).wait()


def test_closing_mid_call_is_clean(qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI) -> None:
    window = open_window()
    server.inject(Fault(FaultKind.SLOW, seconds=1.0))
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert window.controller.busy
    # Closing ends the call's thread at once; an answer or failure it queued before it ended must not come.
    with qtbot.assertNotEmitted(window.controller.failed), qtbot.assertNotEmitted(window.controller.minted):
        window.close()
        assert window.controller.running_jobs() == 0
        threads_ended(qtbot, window.controller.running_jobs)
    assert not window.isVisible()


# -- errors --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "fragments", "marked"),
    [
        (
            Fault(FaultKind.UNAUTHORIZED),
            ["Incorrect API key", "HTTP 401", "code invalid_api_key", "request id req_"],
            None,
        ),
        (
            Fault(FaultKind.BAD_PARAM, param="session.audio.output.voice"),
            ["HTTP 400", "param session.audio.output.voice", "type invalid_request_error"],
            "session.audio.output.voice",
        ),
        (Fault(FaultKind.RATE_LIMITED, seconds=9), ["HTTP 429", "retry after 9 s"], None),
        (Fault(FaultKind.SERVER_ERROR), ["HTTP 500", "type server_error"], None),
        (Fault(FaultKind.BAD_GATEWAY_HTML), ["502 Bad Gateway", "proxy"], None),
        (Fault(FaultKind.EMPTY_BODY), ["empty body"], None),
        (Fault(FaultKind.TRUNCATED), ["not valid JSON"], None),
        (Fault(FaultKind.NO_TOKEN), ["without a token"], None),
        (Fault(FaultKind.HANG, seconds=10), ["Timed out after 1 s"], None),
    ],
)
def test_server_faults_show_in_the_banner(
    qtbot: QtBot,
    open_window: OpenWindow,
    server: FakeOpenAI,
    settings_file: Path,
    fault: Fault,
    fragments: list[str],
    marked: str | None,
) -> None:
    write_profile(settings_file, "test", server.base_url, timeout=1)
    window = open_window()
    server.inject(fault)
    mint(qtbot, window)
    banner = named(window, "error")
    assert banner.isVisible()
    text = window.error_text.text()
    for fragment in fragments:
        assert fragment in text
    assert TEST_KEY not in text
    assert window.error_text.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    if marked is not None:
        widget = child(window.form, QComboBox, marked)
        assert widget.property("invalid") is True
        line_edit(widget).setText("marin")  # editing the field clears the mark
        assert not widget.property("invalid")


def test_invalid_values_are_shown_beside_their_fields_and_nothing_is_sent(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    tools = child(window.form, QPlainTextEdit, "session.tools")
    tools.setPlainText('[{"type": "function", "parameters": {"type": "string"}}]')
    status = child(window.form, QLabel, "session.tools#status")
    assert "session.tools[0].name is required" in status.text()
    field(window, "session.prompt").set_value({})
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert server.requests == []
    assert window.error_banner.isVisible()
    assert "Nothing was sent: 3 values to fix" in window.error_text.text()
    assert tools.property("invalid") is True
    # Shown once, in the field's own status line, each problem starting with its subject.
    assert window.form.findChild(QLabel, "session.tools#error") is None
    assert status.text().splitlines()[0].startswith("session.tools[0].name is required")
    assert "session.tools[0].parameters.type must be" in status.text()
    assert status.text().count("session.tools[0].name") == 1
    prompt_id = child(window.form, QLineEdit, "session.prompt.id")
    assert prompt_id.property("invalid") is True
    qtbot.waitUntil(lambda: prompt_id.hasFocus() or tools.hasFocus())  # focused once the layout has settled
    assert tools.toPlainText().startswith('[{"type": "function"'), "what the user typed is kept"
    qtbot.keyClicks(prompt_id, "pmpt_123")
    assert not prompt_id.property("invalid")


def test_json_syntax_errors_are_caught_before_sending(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    tools = child(window.form, QPlainTextEdit, "session.tools")
    qtbot.keyClicks(tools, '[{"type": "function",')
    assert "is not valid JSON" in child(window.form, QLabel, "session.tools#status").text()
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert server.requests == []
    assert "• session.tools is not valid JSON" in window.error_text.text()


def test_retired_beta_offers_the_ga_endpoint_with_the_same_settings(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path, retired: FakeOpenAI
) -> None:
    write_profile(settings_file, "test", retired.base_url)
    window = open_window()
    choose_endpoint(window, "beta-sessions")
    window.form.set_values({"voice": "ash", "temperature": 0.7, "input_audio_format": "g711_ulaw"})
    mint(qtbot, window)
    text = window.error_text.text()
    assert "retired the beta endpoint POST /v1/realtime/sessions" in text
    assert "Not carried over (no GA equivalent): temperature" in text
    switch = child(window, QPushButton, "switchToGa")
    assert switch.isVisible()
    assert switch.text() == "Switch to realtime"
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert window.endpoint_id == "realtime"
    assert window.form.values() == {
        "session.audio.output.voice": "ash",
        "session.audio.input.format.type": "audio/pcmu",
    }
    assert window.error_banner.isHidden()
    mint(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_")
    assert retired.requests[-1].path == "/v1/realtime/client_secrets"


# -- remembering ---------------------------------------------------------------------------------------------


def test_settings_are_restored_across_restarts(qtbot: QtBot, open_window: OpenWindow, settings_file: Path) -> None:
    first = open_window()
    choose_endpoint(first, "transcription")
    first.form.set_values({"session.audio.input.noise_reduction": None, "expires_after.seconds": 90})
    first.clipboard_action.setChecked(False)
    first.resize(700, 500)  # within the offscreen screen's 800 x 600
    first.close()
    second = open_window()
    assert second.endpoint_id == "transcription"
    assert second.form.values() == {"session.audio.input.noise_reduction": None, "expires_after.seconds": 90}
    assert not second.clipboard_action.isChecked()
    assert second.profile.name == "test"
    assert (second.width(), second.height()) == (700, 500)


def test_create_saves_the_form_at_once_and_the_window_never_waits_for_the_disk(
    qtbot: QtBot, open_window: OpenWindow, settings_file: Path
) -> None:
    window = open_window()
    # Holding the file's lock stands in for a disk that is slow to write: the window's write waits for it. Held for
    # WAIT_MS at most, so that a window that waits for it too fails below instead of hanging.
    lock = QLockFile(f"{settings_file}.lock")
    assert lock.tryLock(0)
    guard = threading.Timer(WAIT_MS / 1000, lock.unlock)
    guard.start()
    try:
        qtbot.keyClicks(child(window.form, QPlainTextEdit, "session.instructions"), "Be brief.")
        mint(qtbot, window)  # Create saves the form: the token comes while the write waits
        assert window.token_panel.current is not None
        assert "Be brief." not in settings_file.read_text(), "the write is waiting for the lock"
    finally:
        guard.cancel()
        lock.unlock()
    qtbot.waitUntil(lambda: "Be brief." in settings_file.read_text(), timeout=WAIT_MS)  # saved, the window open


def test_values_survive_switching_endpoints(open_window: OpenWindow) -> None:
    window = open_window()
    window.form.set_values({"expires_after.seconds": 77, "session.audio.input.noise_reduction": None})
    choose_endpoint(window, "transcription")
    assert window.form.values() == {"expires_after.seconds": 77, "session.audio.input.noise_reduction": None}
    choose_endpoint(window, "beta-sessions")
    window.form.set_values({"voice": "verse", "temperature": 1.0})
    choose_endpoint(window, "realtime")
    assert window.form.values()["session.audio.output.voice"] == "verse"


def test_reset_to_defaults(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.form.set_values({"session.model": "gpt-realtime-mini", "session.audio.input.turn_detection": None})
    qtbot.mouseClick(named(window, "reset"), Qt.MouseButton.LeftButton)
    assert window.form.values() == {}


def test_presets_round_trip_with_the_cli_format(open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window()
    window.form.set_values({"session.audio.output.voice": "marin", "expires_after.seconds": 45})
    preset = tmp_path / "p.json"
    window.save_preset(str(preset))
    assert json.loads(preset.read_text()) == {"session.audio.output.voice": "marin", "expires_after.seconds": 45}
    window.reset_form()
    window.open_preset(str(preset))
    assert window.form.values() == {"session.audio.output.voice": "marin", "expires_after.seconds": 45}
    (tmp_path / "bad.json").write_text("[1, 2")
    window.open_preset(str(tmp_path / "bad.json"))
    assert "bad.json' is not valid JSON (Expecting" in window.error_text.text()
    assert window.form.values() == {"session.audio.output.voice": "marin", "expires_after.seconds": 45}


# -- the key -------------------------------------------------------------------------------------------------


def test_a_stored_key_lives_in_no_widget(
    qtbot: QtBot,
    open_window: OpenWindow,
    memory_keyring: MemoryKeyring,
    settings_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    for name, folder in (("HOME", home), ("XDG_CONFIG_HOME", home / ".config"), ("XDG_DATA_HOME", home / ".local")):
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    memory_keyring.entries.clear()
    window = open_window()
    qtbot.waitUntil(lambda: "No API key" in window.key_label.text(), timeout=WAIT_MS)
    dialog = window.open_key_dialog()
    entry = child(dialog, QLineEdit, "keyEntry")
    assert entry.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(entry, TEST_KEY)
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.entries[("realtime-gui", "test")] == TEST_KEY
    qtbot.waitUntil(
        lambda: not any(isinstance(w, QLineEdit) and w.text() == TEST_KEY for w in QApplication.allWidgets())
    )
    qtbot.waitUntil(lambda: "sk-…WXYZ from the OS keyring" in window.key_label.text(), timeout=WAIT_MS)
    mint(qtbot, window)
    token = window.token_panel.token.text()
    assert token.startswith("ek_")
    assert TEST_KEY not in texts_on_screen(window)
    window.close()
    assert_in_no_file(tmp_path, TEST_KEY, token)


def test_the_environment_key_is_used_and_named(
    qtbot: QtBot, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    window = open_window()
    qtbot.waitUntil(lambda: "from OPENAI_API_KEY" in window.key_label.text(), timeout=WAIT_MS)
    assert "sk-…WXYZ" in window.key_label.text()
    mint(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_")
    assert TEST_KEY not in texts_on_screen(window)


def test_without_a_keyring_the_key_is_kept_in_memory_only(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    keyring.set_keyring(fail.Keyring())
    window = open_window()
    qtbot.waitUntil(lambda: "No OS keyring" in window.key_label.text(), timeout=WAIT_MS)
    dialog = window.open_key_dialog()
    assert "No OS keyring" in child(dialog, QLabel, "keyringProblem").text()
    intro = child(dialog, QLabel, "keyIntro").text()
    assert "kept in memory for this run only" in intro
    assert "stored in the operating system's keyring" not in intro, "the intro does not promise what cannot be"
    qtbot.keyClicks(child(dialog, QLineEdit, "keyEntry"), TEST_KEY)
    with qtbot.waitSignal(window.controller.key_saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "in memory for this run only" in window.key_label.text()
    mint(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_")
    window.close()
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert TEST_KEY.encode() not in file.read_bytes(), file


def test_profiles_can_be_added_edited_and_deleted(qtbot: QtBot, open_window: OpenWindow, settings_file: Path) -> None:
    window = open_window()
    dialog = window.edit_profile(new=True)
    dialog.name.setText("azure")
    dialog.base_url.setText("http://example.com/openai/v1")
    dialog.auth.setCurrentIndex(1)
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible(), "plain http to another host is refused"
    assert "unencrypted" in dialog.error.text()
    dialog.base_url.setText("https://res.openai.azure.com/openai/v1")
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert window.profile.name == "azure"
    assert window.profile.connection.auth == "api-key"
    box = window.delete_profile()
    assert box is not None
    child(box, QPushButton, "confirmYes").click()
    assert window.profile.name == "default"
    names = window.settings.read_profiles().names
    assert "azure" not in names
    assert "test" in names


def test_missing_key_is_explained(
    qtbot: QtBot, open_window: OpenWindow, memory_keyring: MemoryKeyring, server: FakeOpenAI
) -> None:
    memory_keyring.entries.clear()
    window = open_window()
    mint(qtbot, window)
    assert "No API key for profile 'test'" in window.error_text.text()
    assert server.requests == []


# -- demo and start-up ---------------------------------------------------------------------------------------


def test_demo_mode_mints_without_an_account(qtbot: QtBot, settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from realtime_gui.qt.app import create_window

    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)  # a real key in the environment must not go to the demo server
    window = create_window(["--demo", "--settings", str(settings_file)])
    qtbot.addWidget(window)
    window.show()
    assert isinstance(window, MainWindow)
    # Qt appends the application's display name on Linux unless the title ends with it: said once, at the end.
    assert window.windowTitle() == "Demo (fake server on this computer) — Realtime GUI"
    assert window.profile.name == "demo"
    mint(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_")
    assert window.demo_server is not None
    assert TEST_KEY not in str(window.demo_server.requests[-1].headers)
    window.close()
    assert "demo" not in Path(settings_file).read_text(), "the demo profile is not remembered"


def test_start_up_loads_neither_httpx_nor_keyring_nor_the_fake_server(tmp_path: Path) -> None:
    probe = modules_loaded(
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from realtime_gui.qt.app import create_window\n"
        f"w = create_window(['--settings', {str(tmp_path / 's.ini')!r}])\n",
        ["httpx2", "keyring", "realtime_gui.demo", "jsonschema"],
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.modules == []
