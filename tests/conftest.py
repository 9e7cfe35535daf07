"""Shared fixtures: offscreen Qt, an in-memory keyring for every test, the fake OpenAI server on loopback."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from realtime_gui.client import TokenClient
from realtime_gui.connection import Connection
from realtime_gui.fake_server import FakeOpenAI

from hostile_server import HostileServer
from memory_keyring import MemoryKeyring
from official_schema import check as official_check

TEST_KEY = "sk-test-realtime-gui-0123456789abcdefWXYZ"


@pytest.fixture(autouse=True)
def memory_keyring(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MemoryKeyring]:
    """Every test starts with an empty keyring of its own, no key in the environment, and a config folder of its
    own (the CLI reads saved profiles from there)."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("APPDATA", str(config))
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    """The fake OpenAI server, judging bodies by the official schemas."""
    with FakeOpenAI(api_key=TEST_KEY, check=official_check) as fake:
        yield fake


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    """The hostile server: one mode per misbehaviour, chosen by `hostile.base_url(mode)`."""
    with HostileServer() as server:
        yield server


@pytest.fixture
def connection(server: FakeOpenAI) -> Connection:
    return Connection(base_url=server.base_url, timeout=5.0)


@pytest.fixture
def token_client() -> Iterator[TokenClient]:
    with TokenClient() as client:
        yield client


def require_programs(*names: str, packages: str = "gnome-keyring dbus libsecret-tools") -> None:
    """Skip when a system program is missing, except in CI (CI=true), where the test must run: .ci/run installs
    them (the Debian `packages`), and a silent skip would hide that it did not."""
    import shutil

    missing = [n for n in names if shutil.which(n) is None]
    if not missing:
        return
    reason = f"needs {', '.join(missing)} (apt-get install {packages})"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run this test but it {reason}")
    pytest.skip(reason)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "realtime-gui.ini"


def write_profile(settings_file: Path, name: str, base_url: str, *, timeout: float = 5.0) -> None:
    """A settings file with one profile, as the window itself would write it."""
    from realtime_gui.connection import Connection
    from realtime_gui.profiles import Profile
    from realtime_gui.qt.settings import Settings

    settings = Settings(str(settings_file))
    settings.set_profiles([Profile(name, Connection(base_url=base_url, timeout=timeout))])
    settings.profile_name = name
    settings.sync()


@pytest.fixture
def open_window(qtbot: Any, settings_file: Path, server: FakeOpenAI, memory_keyring: MemoryKeyring):  # type: ignore[no-untyped-def]
    """Opens a main window on the `test` profile (pointing at the fake server, its key in the keyring)."""
    from realtime_gui.qt.app import create_window
    from realtime_gui.qt.ui.main_window import MainWindow

    write_profile(settings_file, "test", server.base_url)
    memory_keyring.set_password("realtime-gui", "test", TEST_KEY)
    opened: list[MainWindow] = []

    def make(*args: str) -> MainWindow:
        window = create_window(["--settings", str(settings_file), *args])
        assert isinstance(window, MainWindow)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()  # shortcuts belong to the active window
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.controller.shutdown()
