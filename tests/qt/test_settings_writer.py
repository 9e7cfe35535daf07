"""The settings file's writer thread (qt/settings.py): a change made is in the file however the process ends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_gui.qt.settings import Settings

# A change, and the end of the process without the window closing (nothing calls sync()). tempfile's
# TemporaryDirectory uses weakref.finalize before PySide6 is imported, as any library loaded first may.
ENDS_AFTER_A_CHANGE = """
import sys, tempfile
tempfile.TemporaryDirectory()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from realtime_gui.qt.settings import Settings
settings = Settings(sys.argv[1])
settings.serve_port = 4321
"""


# Without any QApplication (a script, or a test, writing the file before a window opens): many changes, then sync().
# The changes keep the process busy long enough for a writer thread, were one started, to reach its event loop.
CHANGES_WITHOUT_AN_APP = """
import sys
from realtime_gui.qt.settings import Settings
settings = Settings(sys.argv[1])
for port in range(1024, 4322):
    settings.serve_port = port
settings.sync()
"""


@pytest.mark.parametrize("script", [ENDS_AFTER_A_CHANGE, CHANGES_WITHOUT_AN_APP], ids=["app, no sync", "no app"])
def test_a_change_is_written_and_the_process_ends_cleanly(tmp_path: Path, script: str) -> None:
    settings_file = tmp_path / "settings.ini"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(settings_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Destroyed while thread" not in done.stderr
    assert "QEventLoop" not in done.stderr, "no writer thread where there is no event loop to write in"
    assert done.returncode == 0, done.stderr
    assert Settings(str(settings_file)).serve_port == 4321
