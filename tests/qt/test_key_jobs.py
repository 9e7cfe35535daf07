"""Keyring calls in the window's controller: a keyring that blocks holds at most one thread per kind of call
(reading the key status, writing a key), however often the profile changes or a key is saved, and once it
answers the latest request wins."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from pytestqt.qtbot import QtBot

from realtime_gui.qt.workers.controller import SHUTDOWN_WAIT_MS, Controller, KeySaved, KeyStatus

from memory_keyring import MemoryKeyring

SERVICE = "realtime-gui"
PROFILES = [f"p{i}" for i in range(12)]
WAIT_MS = 5000


class BlockingKeyring(MemoryKeyring):
    """Every call waits until `release` is set, like an OS keyring whose unlock prompt nobody answers."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0
        self._lock = threading.Lock()

    def _block(self) -> None:
        with self._lock:
            self.calls += 1
        assert self.release.wait(30), "the test never released the keyring"

    def get_password(self, service: str, username: str) -> str | None:
        self._block()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._block()
        super().set_password(service, username, password)


@pytest.fixture
def blocking(monkeypatch: pytest.MonkeyPatch) -> Any:
    backend = BlockingKeyring()
    for name in PROFILES:
        backend.entries[(SERVICE, name)] = f"sk-{name}-0123456789abcdefghij"
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()


@pytest.fixture
def controller(qtbot: QtBot, blocking: BlockingKeyring) -> Iterator[Controller]:
    made = Controller()
    yield made
    made.shutdown()
    blocking.release.set()
    assert made.wait_for_threads(5000), "every thread ends once the keyring answers (Qt aborts on a running QThread)"


def test_switching_profiles_with_a_blocked_keyring_holds_one_thread_and_shows_the_last(
    qtbot: QtBot, controller: Controller, blocking: BlockingKeyring
) -> None:
    shown: list[KeyStatus] = []
    controller.key_status_changed.connect(shown.append)
    for name in PROFILES:  # one status request per profile switch
        controller.refresh_key_status(name)
        if name == PROFILES[0]:  # the first read is in the keyring, waiting, while the user switches on
            qtbot.waitUntil(lambda: blocking.calls == 1, timeout=WAIT_MS)
    assert controller.running_jobs("key-read") == 1
    assert blocking.calls == 1, "one read waits on the keyring, the others were not started"

    blocking.release.set()
    with qtbot.waitSignal(controller.key_status_changed, timeout=WAIT_MS, check_params_cb=lambda s: s.profile == "p11"):
        pass
    qtbot.waitUntil(lambda: controller.running_jobs("key-read") == 0, timeout=WAIT_MS)
    assert [s.profile for s in shown] == ["p11"], "the stale answer for p0 is not shown"
    assert shown[0].hint == "sk-…ghij"
    assert blocking.calls == 2, "the first read, then only the latest one"


def test_saving_keys_with_a_blocked_keyring_holds_one_thread_and_keeps_the_latest_key(
    qtbot: QtBot, controller: Controller, blocking: BlockingKeyring
) -> None:
    saved: list[KeySaved] = []
    controller.key_saved.connect(saved.append)
    keys = [f"sk-new-{i}-0123456789abcdefghij" for i in range(5)]
    for key in keys:
        controller.store_key("p0", key)
    controller.store_key("p1", "sk-other-0123456789abcdefghij")
    qtbot.waitUntil(lambda: blocking.calls == 1, timeout=WAIT_MS)  # the first write waits in the keyring
    assert controller.running_jobs("key-write") == 1

    blocking.release.set()
    qtbot.waitUntil(lambda: len(saved) == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: controller.running_jobs("key-write") == 0, timeout=WAIT_MS)
    # The first write was under way; of those that waited, the latest for each profile, in the order asked.
    assert [s.status.profile for s in saved] == ["p0", "p0", "p1"]
    assert blocking.entries[(SERVICE, "p0")] == keys[-1]
    assert blocking.entries[(SERVICE, "p1")] == "sk-other-0123456789abcdefghij"
    assert blocking.calls == 3


def test_a_delete_waits_for_the_write_before_it(
    qtbot: QtBot, controller: Controller, blocking: BlockingKeyring
) -> None:
    # Run in the order asked, so the key the user deleted last does not come back when the earlier save ends.
    controller.store_key("p0", "sk-replaced-0123456789abcdefghij")
    controller.delete_key("p0")
    qtbot.waitUntil(lambda: blocking.calls == 1, timeout=WAIT_MS)  # the write waits in the keyring
    assert controller.running_jobs("key-write") == 1
    with qtbot.waitSignal(
        controller.key_status_changed, timeout=WAIT_MS, check_params_cb=lambda s: s.hint is None
    ) as deleted:
        blocking.release.set()
    assert deleted.args[0].profile == "p0"
    assert (SERVICE, "p0") not in blocking.entries


def test_closing_waits_once_for_a_blocked_thread(
    qtbot: QtBot, controller: Controller, blocking: BlockingKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window's close shuts the controller down, then the app asks again before it exits: a thread that was
    # still blocked the first time is not waited for a second time (that doubled the time to exit).
    controller.refresh_key_status("p0")
    qtbot.waitUntil(lambda: blocking.calls == 1, timeout=WAIT_MS)
    waits: list[int] = []
    wait_for_threads = controller.wait_for_threads

    def counted_wait_for_threads(wait_ms: int) -> bool:
        waits.append(wait_ms)
        return wait_for_threads(wait_ms)

    monkeypatch.setattr(controller, "wait_for_threads", counted_wait_for_threads)
    assert controller.shutdown() is False, "the window closing: the read is still blocked"
    assert controller.shutdown() is False, "the app, once the event loop ended"
    assert waits == [SHUTDOWN_WAIT_MS]
