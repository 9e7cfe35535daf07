"""File > Open preset and Save preset: the same `PATH -> VALUE` files as `realtime-gui mint --preset`, read and
checked by the same code (presets.py), so a preset the window saves is one `mint` takes, and the other way round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realtime_gui.api.presets import PresetError, check_preset, read_preset, write_preset
from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.problems import show_problems
from realtime_gui.shown import as_sentence

if TYPE_CHECKING:
    from realtime_gui.qt.ui.window.main_window import MainWindow


def open_preset(window: MainWindow, path: str | None = None) -> None:
    """Load a preset (asking for the file without `path`): one with a bad value loads nothing, and says why."""
    if path is None:
        from PySide6.QtWidgets import QFileDialog  # not needed for the window to appear

        path, _ = QFileDialog.getOpenFileName(window, window.tr("Open preset"), "", window.tr("Presets (*.json)"))
        if not path:
            return
    try:
        values = read_preset(path, window.endpoint_id)
    except PresetError as err:
        window.show_error(as_sentence(str(err)) + "".join(f"\n• {p}" for p in err.problems), cause=cause.PRESET)
        return
    window.endpoints.remember(window.tr("Open preset"))
    window.form.set_values(values)
    window.error_banner.end(cause.PRESET, cause.FORM, cause.FIELD)
    window.statusBar().showMessage(window.tr("Preset loaded. Edit > Undo (Ctrl+Z) puts the form back."), 5000)


def save_preset(window: MainWindow, path: str | None = None) -> None:
    """Save what Create would send, once every value in it is one a preset may hold."""
    form, endpoint_id = window.form, window.endpoint_id
    values = form.values()
    form.clear_problems()
    problems = form.text_problems() or check_preset(endpoint_id, values)[1]
    if problems:
        show_problems(window, problems, lead=window.tr("The preset was not saved"))
        return
    if path is None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(
            window, window.tr("Save preset"), f"{endpoint_id}.json", window.tr("Presets (*.json)")
        )
        if not path:
            return
    try:
        write_preset(path, values)
    except OSError as err:
        window.show_error(window.tr("Could not save the preset: {0}").format(err.strerror or err), cause=cause.PRESET)
        return
    window.statusBar().showMessage(
        window.tr("Saved; use it with: realtime-gui mint --endpoint {0} --preset {1}").format(endpoint_id, path),
        8000,
    )
