"""A long session in the real window, run by tests/qt/test_qt_stability.py in a child pytest: a PySide6 that loses
references to None kills the process ("Fatal Python error: none_dealloc"), and only a child can report that.

Not named test_*.py, so the main run does not collect it: `pytest tests/long_session.py` runs it on its own.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from realtime_gui.demo import FakeOpenAI
from realtime_gui.qt.none_refcount import TOLERANCE

from conftest import OpenWindow
from driving import child

ROUNDS = 150  # one mint each
KEYS_PER_ROUND = 20  # 3,000 keystrokes in all
TICKS_PER_ROUND = 40  # 6,000 countdown ticks, 16 s of token life each: every 600 s token runs out
TICK_SECONDS = 16.0
PHRASE = "Talk like a pirate. "  # KEYS_PER_ROUND characters


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_typing_minting_and_counting_down_for_a_long_session(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    panel = window.token_panel
    clock = FakeClock()
    panel.clock = clock
    instructions = child(window.form, QPlainTextEdit, "session.instructions")
    assert len(PHRASE) == KEYS_PER_ROUND
    none_before = sys.getrefcount(None)
    expiries = 0
    for done in range(ROUNDS):
        if done % 10 == 0:
            instructions.clear()  # keep the text, and so each request, a realistic size
        qtbot.keyClicks(instructions, PHRASE)
        clock.now = time.time()
        with qtbot.waitSignal(window.controller.minted, timeout=8000):
            qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.controller.busy, timeout=8000)
        assert panel.expires_in.text() in ("10:01", "10:00", "9:59")  # the server's clock, to the second
        for _ in range(TICKS_PER_ROUND):
            clock.now += TICK_SECONDS
            panel.tick()
        assert panel.expires_in.text() == "expired"
        expiries += 1
    assert len(server.requests) == ROUNDS
    assert expiries == ROUNDS
    sent = server.requests[-1].json()["session"]["instructions"]
    assert sent == PHRASE * 10, "the last request carries what was typed since the last clear"
    none_after = sys.getrefcount(None)
    print(f"None refcount {none_before} -> {none_after} over the session")
    # The session's own objects add references (they hold None in fields); a PySide6 that drops one per void
    # call loses thousands here (every tick sets a label), and would end in none_dealloc on a longer run.
    assert none_after >= none_before - TOLERANCE, f"PySide6 lost {none_before - none_after} references to None"
