"""Starting the program: no display, an unknown command, the window's connection options."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from realtime_gui.display import NO_DISPLAY, missing_display


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "realtime_gui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def _without_display() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONFAULTHANDLER"] = "1"  # an abort would show as a Python traceback dump on stderr
    return env


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="macOS and Windows always have a display")
def test_no_display_is_a_sentence_and_exit_2_not_an_abort() -> None:
    done = _run([], _without_display())
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"realtime-gui: {NO_DISPLAY}."
    assert "Aborted" not in done.stderr
    assert "reinstall" not in done.stderr


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="macOS and Windows always have a display")
def test_no_display_with_xcb_named_explicitly() -> None:
    env = _without_display()
    env["QT_QPA_PLATFORM"] = "xcb"
    done = _run(["--demo"], env)
    assert done.returncode == 2
    assert "no display found" in done.stderr
    assert "realtime-gui mint" in done.stderr


@pytest.mark.parametrize(
    ("env", "args", "system", "missing"),
    [
        ({}, [], "linux", True),
        ({"DISPLAY": ":0"}, [], "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, [], "linux", False),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, [], "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":1"}, [], "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, [], "linux", False),
        ({}, ["-platform", "offscreen"], "linux", False),
        ({"DISPLAY": ":0"}, ["-platform", "wayland"], "linux", True),
        ({}, [], "freebsd14", True),
        ({}, [], "darwin", False),
        ({}, [], "win32", False),
    ],
)
def test_which_set_ups_have_a_display(env: dict[str, str], args: list[str], system: str, missing: bool) -> None:
    assert (missing_display(env, args, system=system) is not None) is missing


def test_an_unknown_command_lists_the_commands_and_exits_2() -> None:
    # Without the check this would open the window (offscreen here) and never return: the timeout would fail it.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = _run(["verfy"], env)
    assert done.returncode == 2
    assert "unknown command 'verfy'" in done.stderr
    assert "  mint " in done.stderr
    assert "  key " in done.stderr
    assert done.stdout == ""
