"""File > Open preset and Save preset: the same `PATH -> VALUE` files as `realtime-gui mint --preset`, read and
checked by the same code (presets.py), so a preset the window saves is one `mint` takes, and the other way round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.shown import as_sentence

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea, QStatusBar, QWidget

    from realtime_gui.qt.ui.window.banner import Banner
    from realtime_gui.qt.ui.window.endpoint_forms import EndpointForms


class PresetActions(QObject):
    """Opens a preset into the form `endpoints` shows, and saves that form as one; file dialogs open over
    `parent`."""

    def __init__(
        self,
        *,
        endpoints: EndpointForms,
        banner: Banner,
        status_bar: QStatusBar,
        scroll: QScrollArea,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._endpoints = endpoints
        self._banner = banner
        self._status_bar = status_bar
        self._scroll = scroll
        self._parent = parent

    def open_preset(self, path: str | None = None) -> None:
        """Load a preset (asking for the file without `path`): one with a bad value loads nothing, and says why."""
        if path is None:
            from PySide6.QtWidgets import QFileDialog  # not needed for the window to appear

            path, _ = QFileDialog.getOpenFileName(self._parent, self.tr("Open preset"), "", self.tr("Presets (*.json)"))
            if not path:
                return
        from realtime_gui.api.presets import PresetError, read_preset  # here: ~0.3 ms less start-up, with problems.py

        try:
            values = read_preset(path, self._endpoints.endpoint_id)
        except PresetError as err:
            self._banner.show_message(
                as_sentence(str(err)) + "".join(f"\n• {p}" for p in err.problems), cause=cause.PRESET
            )
            return
        self._endpoints.remember(self.tr("Open preset"))
        self._endpoints.form.set_values(values)
        self._banner.end(cause.PRESET, cause.FORM, cause.FIELD)
        self._status_bar.showMessage(self.tr("Preset loaded. Edit > Undo (Ctrl+Z) puts the form back."), 5000)

    def save_preset(self, path: str | None = None) -> None:
        """Save what Create would send, once every value in it is one a preset may hold."""
        form, endpoint_id = self._endpoints.form, self._endpoints.endpoint_id
        from realtime_gui.api.presets import check_preset, write_preset
        from realtime_gui.qt.ui.window.problems import show_problems

        values = form.values()
        form.clear_problems()
        problems = form.text_problems() or check_preset(endpoint_id, values)[1]
        if problems:
            show_problems(
                problems,
                form=form,
                banner=self._banner,
                scroll=self._scroll,
                lead=self.tr("The preset was not saved"),
            )
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getSaveFileName(
                self._parent, self.tr("Save preset"), f"{endpoint_id}.json", self.tr("Presets (*.json)")
            )
            if not path:
                return
        try:
            write_preset(path, values)
        except OSError as err:
            self._banner.show_message(
                self.tr("Could not save the preset: {0}").format(err.strerror or err), cause=cause.PRESET
            )
            return
        self._status_bar.showMessage(
            self.tr("Saved; use it with: realtime-gui mint --endpoint {0} --preset {1}").format(endpoint_id, path),
            8000,
        )
