"""Starting the program: no display, an unknown command, the window's connection options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from realtime_gui.config.profiles import Profile
from realtime_gui.demo import FakeOpenAI
from realtime_gui.display import NO_DISPLAY, missing_display
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, write_profile
from memory_keyring import MemoryKeyring
from processes import child_env, modules_loaded


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "realtime_gui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def _run_code(code_and_args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`python -c CODE ARGS…` as an app child (offscreen, folders of its own); it must end well."""
    done = subprocess.run(
        [sys.executable, "-c", *code_and_args],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


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
    assert "realtime-gui: No display found: " in done.stderr
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
    assert "realtime-gui: Unknown command 'verfy'; did you mean verify?" in done.stderr
    assert "The commands are mint, key, verify, serve" in done.stderr
    assert done.stdout == ""


# -- what start-up loads ---------------------------------------------------------------------------------------

# The console script's path to the window: the command line's module first, then Qt, then the window.
_OPEN_WINDOW = (
    "import os\n"
    "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
    "from realtime_gui import cli\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication([])\n"
    "from realtime_gui.qt.app import create_window\n"
    "window = create_window(['--settings', SETTINGS])\n"
)


# Says, at each moment, whether PySide6 has built its `Qt` namespace yet (22-45 ms, qt_values.py): after the first
# paint and the rows after it, after a Create pressed at once has shown its token, after an error in the banner,
# after the serving panel is built. The question of the system's colour scheme, which builds it on purpose once
# the window has started up, is left out.
_QT_NAMESPACE_PROBE = (
    _OPEN_WINDOW.replace("['--settings', SETTINGS]", "['--demo', '--settings', SETTINGS, *SCHEME]").replace(
        "from realtime_gui.qt.app import create_window\n",
        "import realtime_gui.qt.app\n"
        "from realtime_gui.qt.app import create_window\n"
        "realtime_gui.qt.app.follow_system_scheme = lambda app: None\n",
    )
    + "import PySide6.QtCore as core\n"
    "from PySide6.QtCore import QEventLoop, QTimer\n"
    "def wait_for(done):\n"
    "    loop = QEventLoop()\n"
    "    poll = QTimer(interval=1)\n"
    "    poll.timeout.connect(lambda: done() and loop.quit())\n"
    "    poll.start()\n"
    "    QTimer.singleShot(20000, loop.quit)\n"
    "    loop.exec()\n"
    "    assert done()\n"
    "built = {}\n"
    "panel = []\n"
    "window.serve.panel_built.connect(lambda: panel.append(True))\n"
    "window.show()\n"
    "wait_for(lambda: window.has_settled)\n"
    "built['first paint'] = 'Qt' in vars(core)\n"
    "window.mint()\n"
    "wait_for(lambda: window.token_panel.current is not None)\n"
    "built['first token'] = 'Qt' in vars(core)\n"
    "window.show_error('Something went wrong.', cause='mint')\n"
    "built['an error'] = 'Qt' in vars(core)\n"
    "wait_for(lambda: bool(panel))\n"
    "built['serving panel'] = 'Qt' in vars(core)\n"
    "print(built, flush=True)\n"
    "window.close()\n"
    "window.controller.shutdown()\n"
)


@pytest.mark.parametrize("scheme", [[], ["--color-scheme", "dark"]])
def test_the_first_paint_a_first_token_an_error_and_the_serving_panel_never_build_pysides_qt_namespace(
    tmp_path: Path, scheme: list[str]
) -> None:
    given = f"SETTINGS = {str(tmp_path / 's.ini')!r}\nSCHEME = {scheme!r}\n"
    done = _run_code([given + _QT_NAMESPACE_PROBE], tmp_path)
    assert done.stdout.strip() == str(dict.fromkeys(["first paint", "first token", "an error", "serving panel"], False))


def test_start_up_leaves_what_the_first_paint_does_not_need_unloaded(tmp_path: Path) -> None:
    # Each is imported where it is first used, which says what leaving it out of start-up buys.
    code = f"SETTINGS = {str(tmp_path / 's.ini')!r}\n" + _OPEN_WINDOW
    watched = ["socket", "realtime_gui.qt.ui.dialogs", "realtime_gui.serve", "realtime_gui.verify"]
    watched += ["realtime_gui.keys", "realtime_gui.api.presets", "realtime_gui.config.sendable"]
    watched += ["realtime_gui.api.beta_to_ga", "realtime_gui.qt.ui.form.marked_items"]
    probe = modules_loaded(code, watched)
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.modules == []


def test_start_up_reads_no_source_file(tmp_path: Path) -> None:
    # PySide6's import hook reads the source of every module imported after it, and linecache keeps it (4 MiB at
    # start-up) unless told which modules use PySide6 (qt/__init__.py): this fails when PySide6 stops
    # listening, say after an upgrade renames what qt/__init__.py replaces.
    code = (
        f"SETTINGS = {str(tmp_path / 's.ini')!r}\n"
        + _OPEN_WINDOW
        + "import linecache\nprint(sorted(name for name in linecache.cache if 'realtime_gui' in name))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_module_that_selects_a_pyside_feature_leaves_the_window_as_it_is(tmp_path: Path) -> None:
    # qt/__init__.py answers PySide6's hook for the modules imported after it: ours must still switch back to no
    # feature when they run, or a library in the same process that says `from __feature__ import snake_case` would
    # take setWindowTitle and every other camelCase name away from the window.
    (tmp_path / "snake_module.py").write_text(
        "from __feature__ import snake_case\n"
        "from PySide6.QtWidgets import QLabel\n"
        "label = QLabel()\n"
        "label.set_text('snake')\n"
    )
    code = (
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nSETTINGS = {str(tmp_path / 's.ini')!r}\n"
        + _OPEN_WINDOW.replace("window = ", "import snake_module\nwindow = ")
        + "print(window.windowTitle())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Realtime" in done.stdout


# -- the window takes mint's connection options --------------------------------------------------------------


def _window(qtbot: QtBot, *args: str) -> MainWindow:
    from realtime_gui.qt.app import create_window

    window = create_window(list(args))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def _mint(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignals([window.controller.busy_changed, window.controller.busy_changed], timeout=8000):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)


def test_base_url_and_timeout_options_reach_the_window_for_this_run_only(
    qtbot: QtBot, server: FakeOpenAI, settings_file: Path, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password("realtime-gui", "default", TEST_KEY)
    window = _window(
        qtbot, "--settings", str(settings_file), "--base-url", server.base_url, "--timeout", "7", "--project", "proj_1"
    )
    assert window.profile.connection.base_url == server.base_url
    assert window.profile.connection.timeout == 7
    assert "--base-url" in window.statusBar().currentMessage()
    assert server.base_url in window.profile_combo.toolTip()
    _mint(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_"), window.error_text.text()
    assert server.requests[-1].headers.get("openai-project") == "proj_1"
    # Editing another profile saves every profile: the options must not be written with them.
    window.profiles["other"] = Profile("other")
    window.settings.set_profiles(list(window.profiles.values()))
    window.close()
    assert server.base_url not in (settings_file.parent / "profiles.json").read_text()


def test_the_default_profile_follows_openai_base_url(
    qtbot: QtBot,
    server: FakeOpenAI,
    settings_file: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    memory_keyring.set_password("realtime-gui", "default", TEST_KEY)
    window = _window(qtbot, "--settings", str(settings_file))
    assert window.profile.name == "default"
    assert window.profile.connection.base_url == server.base_url
    _mint(qtbot, window)
    assert window.token_panel.token.text().startswith("ek_"), window.error_text.text()
    assert server.requests[-1].path == "/v1/realtime/client_secrets"


def test_a_bad_timeout_option_is_refused_before_the_window_opens(
    settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from realtime_gui.qt.app import create_window

    with pytest.raises(SystemExit) as exited:
        create_window(["--settings", str(settings_file), "--timeout", "0"])
    assert exited.value.code == 2
    assert "--timeout must be a number of seconds from 0.1 to 600, not 0" in capsys.readouterr().err


def test_a_mistyped_profile_opens_the_default_one_and_says_so_as_the_cli_refuses_it(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    from realtime_gui.cli import main as cli_main
    from realtime_gui.config.profiles import config_folder

    settings_file = config_folder() / "realtime-gui.ini"  # beside the profiles.json the command line reads
    write_profile(settings_file, "work", "https://example.com/v1")
    window = _window(qtbot, "--settings", str(settings_file), "--profile", "lcoal")
    assert window.profile.name == "default"
    assert window.error_banner.isVisible()
    said = window.error_text.text()
    assert said == (
        "There is no saved profile 'lcoal' (saved: default, work), so the window opened on 'default'. "
        "Check the name, or save a profile of that name (Key > New profile…)."
    )
    assert cli_main(["mint", "--profile", "lcoal"]) == 2
    assert "No profile 'lcoal' (saved: default, work)" in capsys.readouterr().err, "the same names as the CLI"
    window.profile_combo.setCurrentIndex(window.profile_combo.findData("work"))
    assert window.error_banner.isHidden(), "choosing a profile ends the message"


def test_a_remembered_profile_deleted_since_opens_the_default_one_quietly(qtbot: QtBot, settings_file: Path) -> None:
    write_profile(settings_file, "gone", "https://example.com/v1")
    (settings_file.parent / "profiles.json").unlink()
    window = _window(qtbot, "--settings", str(settings_file))
    assert window.profile.name == "default"
    assert window.error_banner.isHidden()


def test_a_mistyped_profile_with_demo_names_the_demo_profile(qtbot: QtBot, settings_file: Path) -> None:
    window = _window(qtbot, "--settings", str(settings_file), "--profile", "lcoal", "--demo")
    try:
        assert window.profile.name == "demo"
        assert "There is no saved profile 'lcoal' (saved: default), so the window opened on 'demo'." in (
            window.error_text.text()
        )
    finally:
        window.close()


# The program's own window path (cli.main), watched from its first turn of the event loop until it has started up.
_WATCH_COLLECTOR = """
import gc, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from realtime_gui.cli import main
app = QApplication([])
def report(window, first):
    print("at the first turn", first, "once started up", gc.isenabled(), flush=True)
    window.close()
def look():
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "mainWindow")
    window.started_up.connect(lambda first=gc.isenabled(): report(window, first))
QTimer.singleShot(0, look)
sys.exit(main(["--settings", sys.argv[1]]))
"""


def test_the_cycle_collector_is_paused_while_the_window_starts_and_runs_once_it_has_started_up(
    tmp_path: Path,
) -> None:
    done = _run_code([_WATCH_COLLECTOR, str(tmp_path / "s.ini")], tmp_path)
    assert done.stdout.strip() == "at the first turn False once started up True"
