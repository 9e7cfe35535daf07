"""Shared fixtures: offscreen Qt, an in-memory keyring for every test, the fake OpenAI server on loopback."""

from __future__ import annotations

import os
import socket

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import keyring
import pytest
from pytestqt.qtbot import QtBot

from realtime_gui.cli import main
from realtime_gui.config.connection import Connection
from realtime_gui.net.client import TokenClient

from hostile_server import HostileServer
from memory_keyring import MemoryKeyring
from misbehaving import FakeOpenAI
from official_schema import check as official_check

if TYPE_CHECKING:
    from realtime_gui.qt.ui.window.main_window import MainWindow

TEST_KEY = "sk-test-realtime-gui-0123456789abcdefWXYZ"


@dataclass(frozen=True)
class Ran:
    """How a `realtime-gui` command ended."""

    code: int
    out: str
    err: str
    seconds: float = 0.0  # wall time, for a separate process

    @property
    def lines(self) -> list[str]:
        """stderr's lines: the messages."""
        return self.err.splitlines()


class Cli(Protocol):
    """The `cli` fixture: `realtime-gui ARGS` in-process."""

    def __call__(self, *args: str, base: bool = True) -> Ran: ...


class OpenWindow(Protocol):
    """The `open_window` fixture: opens a main window with these extra command-line arguments."""

    def __call__(self, *args: str) -> MainWindow: ...


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one worker more than this process may run on. Many tests spend part of their time waiting (a child
    process starting, a deadline passing), and the extra worker fills a core while one waits. On 2 cores, shared and
    loaded: 2 workers 141 s, 3 workers 119 s, 4 workers 137 s (and 18% more CPU, in the workers' waits). xdist's
    own PYTEST_XDIST_AUTO_NUM_WORKERS, when set, still decides."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `long` first, in their order, then the rest in theirs: xdist hands out the collection in
    this order, so the long ones start while every core is busy, and the short ones fill the cores up at the end."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


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
def retired() -> Iterator[FakeOpenAI]:
    """A fake server that answers the beta endpoints as OpenAI has since it retired them."""
    with FakeOpenAI(api_key=TEST_KEY, retire_beta=True) as fake:
        yield fake


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    """The hostile server: one mode per misbehaviour, chosen by `hostile.base_url(mode)`."""
    with HostileServer() as server:
        yield server


@pytest.fixture
def cli(server: FakeOpenAI, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Runs `realtime-gui ARGS` in-process with the test key in the environment; `mint` goes to the fake server
    unless `base=False`. No run may print the key or a traceback."""
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)

    def run(*args: str, base: bool = True) -> Ran:
        argv = list(args)
        if base and argv[:1] == ["mint"]:
            argv += ["--base-url", server.base_url]
        code = main(argv)
        captured = capsys.readouterr()
        assert TEST_KEY not in captured.out + captured.err, "the key must never be printed"
        assert "Traceback" not in captured.err
        return Ran(code, captured.out, captured.err)

    return run


@pytest.fixture
def connection(server: FakeOpenAI) -> Connection:
    return Connection(base_url=server.base_url, timeout=5.0)


@pytest.fixture
def token_client() -> Iterator[TokenClient]:
    with TokenClient() as client:
        yield client


def free_port() -> int:
    """A loopback port nothing listens on (the system's pick, let go at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_in_no_file(folder: Path, *secrets: str) -> None:
    """No file below `folder` holds any of `secrets` in plain text."""
    for file in folder.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"{file} holds a secret in plain text"


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
    from realtime_gui.config.connection import Connection
    from realtime_gui.config.profiles import Profile
    from realtime_gui.qt.settings import Settings

    settings = Settings(str(settings_file))
    settings.set_profiles([Profile(name, Connection(base_url=base_url, timeout=timeout))])
    settings.profile_name = name
    settings.sync()


@pytest.fixture
def open_window(
    qtbot: QtBot, settings_file: Path, server: FakeOpenAI, memory_keyring: MemoryKeyring
) -> Iterator[OpenWindow]:
    """Opens a main window on the `test` profile (pointing at the fake server, its key in the keyring)."""
    from realtime_gui.qt.app import create_window
    from realtime_gui.qt.ui.window.main_window import MainWindow

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
        # As a person finds it: the rows its first paint did not show are built just after it.
        qtbot.waitUntil(lambda: window.has_settled, timeout=5000)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.controller.shutdown()
