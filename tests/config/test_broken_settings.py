"""A broken settings file (the window's INI or profiles.json) never stops the window: it opens with defaults, says
which file was ignored and why, and leaves the file alone until the user changes something, keeping it as .bak."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from realtime_gui.api.catalog import DEFAULT_ENDPOINT, endpoint
from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import FILE_NAME, Profile
from realtime_gui.demo import FakeOpenAI
from realtime_gui.qt.app import create_window
from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui.form.form import ParameterForm
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow, write_profile
from driving import field, press
from memory_keyring import MemoryKeyring

DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture
def open_plain(qtbot: QtBot, settings_file: Path) -> Iterator[Callable[[], MainWindow]]:
    """Opens the window on whatever `settings_file` holds (conftest's `open_window` writes a good one first)."""
    opened: list[MainWindow] = []

    def make() -> MainWindow:
        window = create_window(["--settings", str(settings_file)])
        assert isinstance(window, MainWindow)
        qtbot.addWidget(window)
        window.show()
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.controller.shutdown()


def write_values(settings_file: Path, **values: object) -> bytes:
    """An INI holding `values` (keys with `__` for `/`), written by QSettings itself; returns its bytes."""
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    qs = QSettings(str(settings_file), QSettings.Format.IniFormat)
    for key, value in values.items():
        qs.setValue(key.replace("__", "/"), value)
    qs.sync()
    return settings_file.read_bytes()


def default_values() -> dict[str, Any]:
    form = ParameterForm(endpoint(DEFAULT_ENDPOINT))
    form.set_values({})
    values = form.all_values()
    form.deleteLater()
    return values


BROKEN_INI: list[tuple[dict[str, object], str]] = [
    ({"form__realtime": '{"session.audio.output.speed": Infinity}'}, "form/realtime contains Infinity"),
    ({"form__realtime": '{"expires_after.seconds": 1e400}'}, "form/realtime contains the number 1e400"),
    ({"form__realtime": DEEP}, "form/realtime is nested too deeply"),
    ({"form__realtime": "5"}, "form/realtime is not a JSON object"),
    ({"form__realtime": '{"session.instructions": '}, "form/realtime is not valid JSON"),
    ({"session__endpoint": ["transcription", "translation"]}, "session/endpoint is not text"),
    ({"session__profile": "a b"}, "session/profile is not a profile name"),
    ({"preferences__clear_clipboard_on_expiry": "maybe"}, "is not true or false"),
    ({"serve__port": "80"}, "serve/port is not a port from 1024 to 65535"),
    ({"serve__port": "\uff18\uff17\uff18\uff17"}, "serve/port is not a port from 1024 to 65535"),  # not ASCII
    ({"window__geometry": "hello"}, "window/geometry is not a saved window geometry"),
    ({"window__geometry": b"garbage"}, "window/geometry is not a saved window geometry"),
]


@pytest.mark.parametrize(("values", "why"), BROKEN_INI)
def test_a_broken_ini_opens_the_window_with_defaults_and_says_why(
    open_plain: Callable[[], MainWindow], settings_file: Path, values: dict[str, object], why: str
) -> None:
    before = write_values(settings_file, **{"session__endpoint": "transcription", **values})
    window = open_plain()
    assert window.error_banner.isVisible()
    text = window.error_text.text()
    assert text.startswith(f"Ignored the settings file {settings_file}: ")
    assert why in text
    assert "using defaults until you change a setting" in text
    assert f"{settings_file.name}.bak" in text
    assert window.endpoint_id == DEFAULT_ENDPOINT, "nothing of the broken file is used"
    assert window.form.all_values() == default_values()
    window.close()
    assert settings_file.read_bytes() == before, "closing without a change leaves the file as it was"
    assert not Path(f"{settings_file}.bak").exists()


def test_an_unreadable_ini_opens_the_window(open_plain: Callable[[], MainWindow], settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("[form\nrealtime=1\n")
    window = open_plain()
    assert "it is not a readable INI file" in window.error_text.text()


def test_a_changed_setting_replaces_the_broken_ini_and_keeps_it_as_bak(
    qtbot: QtBot, open_plain: Callable[[], MainWindow], settings_file: Path
) -> None:
    before = write_values(settings_file, form__realtime=DEEP, preferences__clear_clipboard_on_expiry="maybe")
    window = open_plain()
    editor = field(window, "session.instructions").editor
    assert isinstance(editor, QPlainTextEdit)
    qtbot.keyClicks(editor, "Be brief.")
    assert settings_file.read_bytes() == before, "typing saves nothing yet"
    window.close()
    assert Path(f"{settings_file}.bak").read_bytes() == before
    reread = Settings(str(settings_file))
    assert reread.ignored is None
    assert reread.form_values("realtime")["session.instructions"] == "Be brief."
    assert reread.preference("clear_clipboard_on_expiry") is True, "nothing of the broken file is kept"


def test_a_changed_preference_is_saved_at_once_over_a_broken_ini(
    open_plain: Callable[[], MainWindow], settings_file: Path
) -> None:
    before = write_values(
        settings_file, window__geometry="hello", form__transcription=DEEP, session__endpoint=["a", "b"]
    )
    window = open_plain()
    window.clipboard_action.setChecked(False)
    assert window.settings.endpoint == DEFAULT_ENDPOINT, "nothing of the broken file is read back after a change"
    assert window.settings.geometry() is None
    # The form of another endpoint, built after the change, starts from defaults too.
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    assert window.endpoint_id == "transcription"
    window.settings.sync()
    assert Path(f"{settings_file}.bak").read_bytes() == before
    reread = Settings(str(settings_file))
    assert reread.ignored is None
    assert reread.preference("clear_clipboard_on_expiry") is False
    assert reread.geometry() is None
    assert reread.form_values("transcription") == {}


PROFILES = '{"profiles": [{"name": "work", "timeout": 1' + "0" * 400 + "}]}"


def test_a_broken_profiles_file_opens_the_window_and_is_kept_until_a_profile_is_saved(
    open_plain: Callable[[], MainWindow], settings_file: Path
) -> None:
    profiles = settings_file.parent / FILE_NAME
    profiles.parent.mkdir(parents=True)
    profiles.write_text(PROFILES)
    window = open_plain()
    assert window.error_banner.isVisible()
    text = window.error_text.text()
    assert text.startswith(f"Ignored the settings file {profiles}: profile 'work': timeout must be a number of")
    assert "using defaults until a profile is saved" in text
    assert [window.profile_combo.itemText(i) for i in range(window.profile_combo.count())] == ["default"]
    window.close()
    assert profiles.read_text() == PROFILES

    again = open_plain()
    dialog = again.edit_profile(new=True)
    dialog.name.setText("home")
    dialog.base_url.setText("https://example.com/v1")
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert again.profile.name == "home"
    assert (settings_file.parent / f"{FILE_NAME}.bak").read_text() == PROFILES
    saved = again.settings.read_profiles()
    assert saved.problem is None
    assert saved.names == ["default", "home"]


def test_both_broken_files_are_named(open_plain: Callable[[], MainWindow], settings_file: Path) -> None:
    write_values(settings_file, form__realtime="[")
    (settings_file.parent / FILE_NAME).write_text("null")
    lines = open_plain().error_text.text().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"Ignored the settings file {settings_file}: form/realtime is not valid JSON")
    assert lines[1].startswith(f"Ignored the settings file {settings_file.parent / FILE_NAME}: it holds null")


@pytest.mark.parametrize(
    ("default", "why"),
    [("NaN", "contains NaN, which JSON does not allow"), ("1e400", "contains the number 1e400, which is too large")],
)
def test_the_window_refuses_json_that_is_not_strict(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, default: str, why: str
) -> None:
    window = open_window()
    tools = field(window, "session.tools")
    assert tools is not None
    editor = tools.editor
    assert isinstance(editor, QPlainTextEdit)
    tool = '[{"type": "function", "name": "f", "parameters": {"type": "object", "default": VALUE}}]'
    editor.setPlainText(tool.replace("VALUE", default))
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    assert window.error_banner.isVisible()
    assert "Nothing was sent" in window.error_text.text()
    assert why in window.error_text.text()
    assert server.requests == []


def test_the_profile_dialog_refuses_control_characters_and_keeps_the_timeout_range(
    open_plain: Callable[[], MainWindow],
) -> None:
    dialog = open_plain().edit_profile(new=True)
    dialog.name.setText("odd")
    dialog.base_url.setText("https://example.com/v1\x1b[2J")
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    assert "the control character '\\x1b' at position 23" in dialog.error.text()
    assert "\x1b" not in dialog.error.text()
    dialog.base_url.setText("https://example.com/v1")
    dialog.timeout.set_text("600.5")
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    assert dialog.error.text() == "Timeout must be a number of seconds from 0.1 to 600, not 600.5."


@pytest.fixture
def open_broken(
    qtbot: QtBot, settings_file: Path, server: FakeOpenAI, memory_keyring: MemoryKeyring
) -> Iterator[Callable[[], MainWindow]]:
    """Opens the window on a broken INI, with two good saved profiles on the fake server (their keys stored),
    on the `test` profile (--profile: the broken INI's own choice is ignored)."""
    write_profile(settings_file, "test", server.base_url)
    settings = Settings(str(settings_file))
    settings.set_profiles(
        [*settings.read_profiles().profiles[1:], Profile("other", Connection(base_url=server.base_url))]
    )
    for name in ("test", "other"):
        memory_keyring.set_password("realtime-gui", name, TEST_KEY)
    write_values(settings_file, form__realtime=DEEP, session__profile="test")
    opened: list[MainWindow] = []

    def make() -> MainWindow:
        window = create_window(["--settings", str(settings_file), "--profile", "test"])
        assert isinstance(window, MainWindow)
        qtbot.addWidget(window)
        window.show()
        assert window.settings.ignored is not None
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.controller.shutdown()


def create(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.minted, timeout=8000):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)


def test_create_with_nothing_changed_leaves_the_broken_ini_alone(
    qtbot: QtBot, open_broken: Callable[[], MainWindow], settings_file: Path
) -> None:
    before = settings_file.read_bytes()
    window = open_broken()
    create(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_")
    window.select_profile("test")  # the profile box filled again with the profile shown
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("realtime"))  # and back
    create(qtbot, window)
    window.close()
    assert settings_file.read_bytes() == before, "nothing was changed, so nothing was written"
    assert not Path(f"{settings_file}.bak").exists()


def test_create_after_a_real_change_replaces_the_broken_ini_and_keeps_it_as_bak(
    qtbot: QtBot, open_broken: Callable[[], MainWindow], settings_file: Path
) -> None:
    before = settings_file.read_bytes()
    window = open_broken()
    editor = window.form.field("session.instructions").editor  # type: ignore[union-attr]
    assert isinstance(editor, QPlainTextEdit)
    qtbot.keyClicks(editor, "Be brief.")
    create(qtbot, window)
    assert Path(f"{settings_file}.bak").read_bytes() == before, "replaced at Create, not only at close"
    window.settings.sync()
    reread = Settings(str(settings_file))
    assert reread.ignored is None
    assert reread.form_values("realtime")["session.instructions"] == "Be brief."
    window.close()


def test_choosing_another_profile_replaces_the_broken_ini(
    qtbot: QtBot, open_broken: Callable[[], MainWindow], settings_file: Path
) -> None:
    before = settings_file.read_bytes()
    window = open_broken()
    window.profile_combo.setCurrentIndex(window.profile_combo.findData("other"))
    window.settings.sync()
    assert Path(f"{settings_file}.bak").read_bytes() == before
    assert Settings(str(settings_file)).profile_name == "other"
    window.close()
