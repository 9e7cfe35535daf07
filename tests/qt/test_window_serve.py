"""The window's "Serve to local apps": real widgets, real HTTP over loopback to the endpoint it runs, the fake
OpenAI server behind it."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow, free_port
from driving import WAIT_MS, child
from memory_keyring import MemoryKeyring
from misbehaving import FakeOpenAI, Fault, FaultKind

PAGE = "http://localhost:5173"


@pytest.fixture
def port(settings_file: Path) -> int:
    """A port free now, saved as the window's serving port (so tests never fight over 8787)."""
    port = free_port()
    settings = Settings(str(settings_file))
    settings.serve_port = port
    settings.sync()
    return port


def get(port: int, *, origin: str | None = PAGE, method: str = "GET", timeout: float = 10) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, "/token", headers={"Origin": origin} if origin else {})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def refused(port: int) -> bool:
    """True when nothing listens on `port` any more."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def can_listen(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as any server would
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
    return True


def toggle_on(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Shift+L, as a person would (the action sits in the File menu)."""
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.serve.server.running, timeout=WAIT_MS)


@pytest.fixture
def serving(qtbot: QtBot, open_window: OpenWindow, port: int) -> MainWindow:
    window = open_window()
    toggle_on(qtbot, window)
    return window


def test_the_toggle_shows_the_url_and_serves_tokens_to_local_pages(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI
) -> None:
    window = serving
    action = window.serve.action
    assert action.isChecked()
    assert action.shortcut().toString() == "Ctrl+Shift+L"
    assert "&v" in action.text().lower(), "an access key in the File menu"
    panel = window.serve.panel
    assert panel.isVisible()
    url = f"http://127.0.0.1:{port}/token"
    assert panel.url.text() == url
    assert panel.counts.text() == "No requests yet."
    assert "realtime token with the form as it is now" in panel.note.text()
    qtbot.mouseClick(panel.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == url

    status, answer = get(port, origin=PAGE)
    assert status == 200
    assert answer["value"].startswith("ek_")
    qtbot.waitUntil(lambda: "1 token served" in panel.counts.text(), timeout=WAIT_MS)
    assert "0 refused" in panel.counts.text()
    assert f"last to {PAGE}" in panel.counts.text()
    assert len(server.requests) == 1
    assert server.requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"

    status, _ = get(port, origin=None)  # curl, or a server-side fetch on this machine
    assert status == 200
    qtbot.waitUntil(lambda: "2 tokens served" in panel.counts.text(), timeout=WAIT_MS)
    assert "last to a client without an Origin (curl)" in panel.counts.text()


def test_a_foreign_origin_is_refused_and_counted(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI
) -> None:
    panel = serving.serve.panel
    status, answer = get(port, origin="https://evil.example")
    assert status == 403
    assert answer["error"]["code"] == "origin_not_allowed"
    qtbot.waitUntil(lambda: "1 refused" in panel.counts.text(), timeout=WAIT_MS)
    assert "0 tokens served" in panel.counts.text()
    assert "1 refused (the last: HTTP 403, origin not allowed, asked by https://evil.example)" in panel.counts.text()
    assert server.requests == [], "nothing was minted"
    # A page cannot write markup or control codes into the window through its Origin header.
    status, _ = get(port, origin="<b>big</b>\x1b[2J")
    assert status == 403
    qtbot.waitUntil(lambda: "2 refused" in panel.counts.text(), timeout=WAIT_MS)
    assert "asked by <b>big</b>\\x1b[2J)" in panel.counts.text()
    assert panel.counts.textFormat() == Qt.TextFormat.PlainText
    assert get(port)[0] == 200
    qtbot.waitUntil(lambda: "1 token served" in panel.counts.text(), timeout=WAIT_MS)
    assert "2 refused (the last: HTTP 403, origin not allowed" in panel.counts.text(), "the reason stays in view"
    # Nor widen it: a made-up Origin is one long run that word wrap cannot break.
    narrowest = serving.minimumSizeHint().width()
    assert get(port, origin="http://" + "w" * 4000)[0] == 403
    qtbot.waitUntil(lambda: "3 refused" in panel.counts.text(), timeout=WAIT_MS)
    assert "more characters" in panel.counts.text()
    assert serving.minimumSizeHint().width() <= narrowest


def test_an_img_from_another_site_is_refused_in_the_window_s_serve_too(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI
) -> None:
    """The window serves with the same rules as `realtime-gui serve`: what Chromium sends for an <img> on a foreign
    page (no Origin, Sec-Fetch-Mode no-cors) mints nothing, and the panel says why."""
    panel = serving.serve.panel
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        img = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
        connection.request("GET", "/token", headers=img)
        response = connection.getresponse()
        status, answer = response.status, json.loads(response.read())
    finally:
        connection.close()
    assert (status, answer["error"]["code"]) == (403, "not_cors")
    qtbot.waitUntil(lambda: "1 refused" in panel.counts.text(), timeout=WAIT_MS)
    assert "(the last: HTTP 403, not a CORS request, asked by a client without an Origin)" in panel.counts.text()
    assert server.requests == [], "nothing was minted"


def test_form_edits_apply_to_the_next_request(qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI) -> None:
    window = serving
    instructions = child(window.form, QPlainTextEdit, "session.instructions")
    qtbot.keyClicks(instructions, "Speak like a pirate.")
    assert get(port)[0] == 200
    assert server.requests[-1].json()["session"]["instructions"] == "Speak like a pirate."

    instructions.clear()
    assert get(port)[0] == 200
    assert "instructions" not in server.requests[-1].json()["session"], "a value taken back is not sent"

    window.endpoint_combo.setCurrentIndex(window.endpoint_combo.findData("transcription"))
    assert get(port)[0] == 200
    assert server.requests[-1].path == "/v1/realtime/client_secrets"
    assert server.requests[-1].json()["session"]["type"] == "transcription"
    assert "a transcription token" in window.serve.panel.note.text()


def test_a_profile_change_applies_to_the_next_request_with_that_profiles_key(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI, memory_keyring: MemoryKeyring
) -> None:
    from realtime_gui.config.connection import Connection
    from realtime_gui.config.profiles import Profile

    window = serving
    other_key = "sk-other-profile-key-0123456789abcdef"
    with FakeOpenAI(api_key=other_key) as other:
        memory_keyring.set_password("realtime-gui", "other", other_key)
        window.profiles["other"] = Profile("other", Connection(base_url=other.base_url, timeout=5))
        window.select_profile("other")  # as the Key menu does after New profile…
        qtbot.waitUntil(lambda: "on profile “other”" in window.serve.panel.note.text(), timeout=WAIT_MS)
        assert get(port)[0] == 200
        assert len(other.requests) == 1
        assert other.requests[0].headers["authorization"] == f"Bearer {other_key}"
        assert server.requests == []


def test_an_edited_profile_applies_to_the_very_next_request(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI
) -> None:
    """Edit profile (the Key menu) re-selects the profile with its signals blocked: the server takes the new settings
    then, not only once the key's status has been read again in the background."""
    from realtime_gui.config.connection import Connection
    from realtime_gui.config.profiles import Profile

    window = serving
    with FakeOpenAI(api_key=TEST_KEY) as moved:
        window.profiles["test"] = Profile("test", Connection(base_url=moved.base_url, timeout=5))
        window.select_profile("test")  # as the Key menu does after Edit profile…
        # Asked before the window's event loop runs again: no background news can have updated the server yet.
        assert get(port)[0] == 200
        assert len(moved.requests) == 1, "the edited profile's base URL is used"
        assert server.requests == [], "the old base URL got the key"


def test_a_form_that_does_not_validate_is_answered_400_and_sends_nothing(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI
) -> None:
    window = serving
    note = window.serve.panel.note
    speed = child(window.form, QAbstractSpinBox, "session.audio.output.speed")
    window.form_scroll.ensureWidgetVisible(speed)
    qtbot.mouseClick(speed.lineEdit(), Qt.MouseButton.LeftButton)
    speed.lineEdit().selectAll()
    qtbot.keyClicks(speed.lineEdit(), "9")
    qtbot.keyClick(speed.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "session.audio.output.speed" in note.text(), timeout=WAIT_MS)
    assert "9 is out of range" in note.text()
    assert "pages get an HTTP error" in note.text()

    status, answer = get(port)
    assert status == 400
    assert answer["error"]["param"] == "session.audio.output.speed"
    assert "9 is out of range; expected a number from 0.25 to 1.5" in answer["error"]["message"]
    assert server.requests == [], "the last valid form is not used instead"

    speed.lineEdit().selectAll()
    qtbot.keyClicks(speed.lineEdit(), "1.2")
    qtbot.keyClick(speed.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "as it is now" in note.text(), timeout=WAIT_MS)
    assert get(port)[0] == 200
    assert server.requests[-1].json()["session"]["audio"]["output"]["speed"] == 1.2


def test_stopping_and_closing_free_the_port(qtbot: QtBot, serving: MainWindow, port: int) -> None:
    window = serving
    assert get(port)[0] == 200
    qtbot.mouseClick(window.serve.panel.stop, Qt.MouseButton.LeftButton)
    assert not window.serve.server.running
    assert not window.serve.action.isChecked()
    assert window.serve.panel.isHidden()
    assert refused(port)
    assert can_listen(port)

    toggle_on(qtbot, window)  # the same port again
    assert window.serve.panel.url.text() == f"http://127.0.0.1:{port}/token"
    assert get(port)[0] == 200
    window.close()
    assert refused(port)
    assert can_listen(port)


def test_a_taken_port_is_said_and_another_offered(qtbot: QtBot, open_window: OpenWindow, port: int) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        window = open_window()
        window.serve.action.trigger()
        panel = window.serve.panel
        assert not window.serve.server.running
        assert not window.serve.action.isChecked()
        assert panel.isVisible()
        assert f"Port {port} is already in use" in panel.problem.text()
        offered = panel.port.value()
        assert offered != port
        qtbot.mouseClick(panel.start, Qt.MouseButton.LeftButton)
        assert window.serve.server.running
        assert window.serve.action.isChecked()
        assert panel.url.text() == f"http://127.0.0.1:{offered}/token"
        assert get(offered)[0] == 200
    window.close()
    assert Settings(str(window.settings.file_name)).serve_port == offered, "the page's port is kept"


def test_the_window_stays_responsive_while_a_mint_through_the_endpoint_hangs(
    qtbot: QtBot, serving: MainWindow, port: int, server: FakeOpenAI
) -> None:
    window = serving
    server.inject(Fault(FaultKind.HANG, seconds=30))
    outcome: list[object] = []

    def page() -> None:
        try:
            outcome.append(get(port, timeout=30))
        except (OSError, http.client.HTTPException) as err:
            outcome.append(err)

    hanging = threading.Thread(target=page, daemon=True)
    hanging.start()
    qtbot.waitUntil(lambda: len(server.requests) == 1, timeout=WAIT_MS)  # the mint is now stuck upstream
    # The GUI thread goes on: typing reaches the form, and the server takes the new template at once.
    instructions = child(window.form, QPlainTextEdit, "session.instructions")
    qtbot.keyClicks(instructions, "Hi")
    assert instructions.toPlainText() == "Hi"
    template = window.serve.server.template
    assert template is not None
    assert template.values["session.instructions"] == "Hi"
    started = time.monotonic()
    window.serve.action.trigger()  # stop while the mint hangs
    # Not a figure: whether stopping waited for the mint, which hangs for 30 s.
    assert time.monotonic() - started < 30 / 4, "stopping waited for a hanging mint"
    assert refused(port)
    hanging.join(timeout=10)
    assert not hanging.is_alive(), "the page's connection was cut when serving stopped"
    assert len(outcome) == 1
    assert not isinstance(outcome[0], tuple), "the hanging page got no token"


class _SlowKeyring(MemoryKeyring):
    """Blocks each read until released (a keyring that prompts), and notes which thread asked."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.readers: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.readers.append(threading.current_thread().name)
        self.release.wait(20)
        return super().get_password(service, username)


def test_the_key_is_read_in_the_server_thread_and_never_shown_or_logged(
    qtbot: QtBot,
    serving: MainWindow,
    port: int,
    server: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import keyring

    slow = _SlowKeyring()
    slow.set_password("realtime-gui", "test", TEST_KEY)
    keyring.set_keyring(slow)  # the memory_keyring fixture puts the previous one back
    caplog.set_level(logging.DEBUG)
    window = serving
    answers: list[tuple[int, Any]] = []
    page = threading.Thread(target=lambda: answers.append(get(port)), daemon=True)
    page.start()
    qtbot.waitUntil(lambda: bool(slow.readers), timeout=WAIT_MS)
    qtbot.keyClicks(child(window.form, QPlainTextEdit, "session.instructions"), "ok")  # not blocked meanwhile
    slow.release.set()
    page.join(timeout=10)
    assert len(answers) == 1
    assert answers[0][0] == 200
    assert threading.main_thread().name not in slow.readers, "the keyring is never read in the GUI thread"
    qtbot.waitUntil(lambda: "1 token served" in window.serve.panel.counts.text(), timeout=WAIT_MS)
    shown = "\n".join(w.text() for w in window.findChildren(type(window.serve.panel.url)))
    shown += window.serve.panel.counts.text() + window.serve.panel.note.text()
    assert TEST_KEY not in shown
    assert TEST_KEY not in json.dumps(answers[0][1])
    assert TEST_KEY not in caplog.text
    assert TEST_KEY not in Path(window.settings.file_name).read_text()


def test_the_served_key_comes_in_the_same_order_as_the_windows_own(
    qtbot: QtBot,
    open_window: OpenWindow,
    port: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # OPENAI_API_KEY wins over the keyring, as it does for Create.
    memory_keyring.set_password("realtime-gui", "test", "sk-wrong-key-for-the-fake-server-000000")
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    window = open_window()
    toggle_on(qtbot, window)
    assert get(port)[0] == 200
    # A key given for this run (the demo's, or one typed while no keyring works) wins over the environment.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-for-the-fake-server-111111")
    status, answer = get(port)
    assert status == 401
    assert "sk-wrong-key-for-the-fake-server-111111" not in json.dumps(answer)
    with qtbot.waitSignal(window.controller.key_status_changed, timeout=WAIT_MS):
        window.controller.use_key_in_memory("test", TEST_KEY)
    assert get(port)[0] == 200


def test_without_a_key_the_page_is_told_and_the_panel_says_so(
    qtbot: QtBot, open_window: OpenWindow, port: int, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.delete_password("realtime-gui", "test")
    window = open_window()
    qtbot.waitUntil(lambda: "No API key" in window.key_label.text(), timeout=WAIT_MS)
    toggle_on(qtbot, window)
    assert "has no API key" in window.serve.panel.note.text()
    status, answer = get(port)
    assert status == 500
    assert "No API key for profile 'test'" in answer["error"]["message"]


def tab_cycle(qtbot: QtBot, window: MainWindow) -> list[QWidget]:
    """What Tab reaches from the endpoint box until it comes back to it (the chain wraps around)."""
    window.endpoint_combo.setFocus()
    qtbot.waitUntil(window.endpoint_combo.hasFocus)
    seen: list[QWidget] = []
    for _ in range(200):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None, "Tab left the window"
        if focused is window.endpoint_combo:
            return seen
        seen.append(focused)
    raise AssertionError("Tab never came back to the endpoint box")


def named(widget: QWidget) -> str:
    """The object name of the control `widget` is part of (the port box for its line edit)."""
    probe: QWidget | None = widget
    while probe is not None and (not probe.objectName() or probe.objectName().startswith("qt_")):
        probe = probe.parentWidget()
    return probe.objectName() if probe is not None else ""


def assert_panel_opens_the_token_side(qtbot: QtBot, window: MainWindow, panel_stops: list[str]) -> None:
    cycle = tab_cycle(qtbot, window)
    names = [named(w) for w in cycle]
    first = names.index(panel_stops[0])
    after = first + len(panel_stops)
    assert names[first:after] == panel_stops, "the panel's controls, in reading order"
    assert cycle[first - 1] is window.mint_button, f"{names[first - 1]} comes before the panel, not Create"
    assert names[after] == "token", "the token panel follows the serving panel"
    cycle[first].setFocus()
    qtbot.waitUntil(cycle[first].hasFocus)
    qtbot.keyClick(cycle[first], Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is cycle[first - 1], "Shift+Tab goes back the same way"


def test_the_serving_panel_opens_the_token_side_in_tab_order(qtbot: QtBot, serving: MainWindow, port: int) -> None:
    stops = ["serveUrl", "copyServeUrl", "stopServing"]
    assert_panel_opens_the_token_side(qtbot, serving, stops)
    # The order is made again for each new form: the panel keeps its place.
    serving.endpoint_combo.setCurrentIndex(serving.endpoint_combo.findData("transcription"))
    assert_panel_opens_the_token_side(qtbot, serving, stops)


def test_the_port_offer_is_in_tab_order_too(qtbot: QtBot, open_window: OpenWindow, port: int) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        window = open_window()
        window.serve.action.trigger()
        assert not window.serve.server.running
        assert_panel_opens_the_token_side(qtbot, window, ["servePort", "startServing", "dismissServeProblem"])


def test_on_a_small_screen_a_new_token_is_scrolled_into_view_below_the_serving_panel(
    qtbot: QtBot, serving: MainWindow
) -> None:
    window = serving
    window.resize(667, 300)  # about 1366 x 768 at 2x, less the frame, with the 1x fonts of the offscreen tests
    bar = window.token_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)
    bar.setValue(0)
    token = window.token_panel.token
    qtbot.waitUntil(lambda: token.visibleRegion().boundingRect().height() < token.height(), timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    show = window.token_panel.reveal
    qtbot.waitUntil(lambda: token.visibleRegion().boundingRect().height() == token.height(), timeout=WAIT_MS)
    assert show.visibleRegion().boundingRect().height() == show.height(), "and the buttons that act on it"
