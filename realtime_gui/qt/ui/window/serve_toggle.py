"""The window's "Serve to local apps" toggle: runs the local token endpoint with the current form as its template.

Decisions: every change of the form, the endpoint, the profile or its key applies to the next request. A form that
does not validate is not replaced by the last one that did: pages get an HTTP 400 naming the problem and nothing is
sent (an older form would mint with values the user has since changed), and the panel says so. The port is 8787
unless another was chosen (remembered); when it is taken, the panel says so and offers a free one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from realtime_gui.qt.workers.serving import LocalServer, PortUnavailable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from realtime_gui.qt.settings import Settings
    from realtime_gui.qt.ui.form.form import ParameterForm
    from realtime_gui.qt.ui.window.current_profile import CurrentProfile
    from realtime_gui.qt.ui.window.endpoint_forms import EndpointForms
    from realtime_gui.qt.ui.window.serve_panel import ServePanel
    from realtime_gui.qt.workers.controller import Controller, KeyStatus
    from realtime_gui.serve.server import ServedRequest, ServeStats, Template


class ServeToggle(QObject):
    """Drives the menu's `action` (made checkable here) and the panel, built ahead (`build_panel`) or on first use
    and handed to `place_panel` (the window's layout). The form and endpoint come from `endpoints`, the profile from
    `current`; `form_switched` and `current.shown` say when either changes. The window calls `stop()` when it
    closes."""

    panel_built = Signal()  # the panel is in the window now: its controls join the window's Tab order

    def __init__(
        self,
        *,
        action: QAction,
        place_panel: Callable[[QWidget], object],
        controller: Controller,
        endpoints: EndpointForms,
        current: CurrentProfile,
        form_switched: SignalInstance,
        settings: Settings,
        status_bar: QStatusBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._place_panel = place_panel
        self._controller = controller
        self._endpoints = endpoints
        self._current = current
        self._form_switched = form_switched
        self._settings = settings
        self._status_bar = status_bar
        self._panel: ServePanel | None = None
        self.server = LocalServer(self)
        self.server.served.connect(self._on_server_served)
        self.action = action
        self.action.setCheckable(True)
        self.action.setToolTip(self.tr("Answer GET /token on this computer with a token minted from the form"))
        self.action.toggled.connect(self._on_action_toggled)
        self._forms: list[ParameterForm] = []
        self._wired = False
        self._key_status: KeyStatus | None = None  # the last one heard of, to say when there is no key
        controller.key_status_changed.connect(self._on_controller_key_status_changed)

    @property
    def panel(self) -> ServePanel:
        if self._panel is None:
            self.build_panel()
        assert self._panel is not None
        return self._panel

    def build_panel(self) -> None:
        """Build the panel, hidden, if it is not yet (the window does in idle time after the first paint; turning
        serving on then only fills it in and shows it)."""
        if self._panel is not None:
            return
        from realtime_gui.qt.ui.window.serve_panel import ServePanel  # not needed for the window to appear

        self._panel = ServePanel()
        self._panel.start_requested.connect(self._on_panel_start_requested)
        self._panel.stop_requested.connect(self._on_panel_stop_requested)
        self._panel.url_copied.connect(self._on_panel_url_copied)
        self._place_panel(self._panel)
        self.panel_built.emit()

    @property
    def port(self) -> int:
        """The port to serve on: the one last used, else 8787."""
        from realtime_gui.serve.server import DEFAULT_PORT

        return self._settings.serve_port or DEFAULT_PORT

    def start(self, port: int | None = None) -> bool:
        """Serve on `port` (default: `self.port`); False, with the reason in the panel, if it cannot."""
        self._wire()
        port = self.port if port is None else port
        try:
            url = self.server.start(self._template(), port)
        except PortUnavailable as err:
            self._set_checked(False)
            self.panel.show_unavailable(str(err), suggestion=err.suggestion)
            self._status_bar.showMessage(self.tr("Not serving: {0}").format(err), 8000)
            return False
        if port != self.port:
            self._settings.serve_port = port
        self._set_checked(True)
        self._sync()  # its note first, while the panel is hidden: then it is laid out and painted once, not thrice
        self.panel.show_serving(url)
        self._status_bar.showMessage(self.tr("Serving tokens at {0}").format(url), 5000)
        return True

    def stop(self) -> None:
        """Stop serving (the port is free when this returns); also when the window closes."""
        was_running = self.server.running
        self.server.stop()
        self._set_checked(False)
        if self._panel is not None:
            self._panel.show_stopped()
        if was_running:
            self._status_bar.showMessage(self.tr("Stopped serving tokens."), 5000)

    # -- what the next request mints with --

    def _template(self) -> Template:
        from realtime_gui.serve.server import Template

        form = self._endpoints.form
        profile = self._current.profile
        return Template(
            endpoint_id=self._endpoints.endpoint_id,
            values=form.values(),
            connection=profile.connection,
            api_key=self._controller.key_reader(profile.name),  # read in the server's thread, per mint
            problems=tuple(form.text_problems()),
        )

    def _sync(self) -> None:
        """Hand the server the form as it is now, and say in the panel what that means for the next request."""
        if not self.server.running:
            return
        self._watch(self._endpoints.form)
        template = self._template()
        self.server.set_template(template)
        self.panel.show_form_note(
            self._problem(template), endpoint_id=template.endpoint_id, profile=self._current.profile.name
        )

    def _problem(self, template: Template) -> str | None:
        from realtime_gui.api.request import InvalidRequest
        from realtime_gui.config.sendable import sendable_request
        from realtime_gui.errors import ConfigError

        try:
            sendable_request(
                template.endpoint_id, template.values, connection=template.connection, problems=template.problems
            )
        except InvalidRequest as err:
            count = len(err.problems)
            first = err.problems[0]
            if count == 1:
                return self.tr("The form has a problem: {0}.").format(first)
            return self.tr("The form has {0} problems, the first: {1}.").format(count, first)
        except ConfigError as err:
            return self.tr("The profile cannot be used: {0}").format(err)
        status = self._key_status
        if status is not None and status.profile == self._current.profile.name and status.hint is None:
            return self.tr("The profile “{0}” has no API key (Key…).").format(status.profile)
        return None

    def _wire(self) -> None:
        # Connected on first use, after the window's own slots: they switch the form before this reads it.
        if self._wired:
            return
        self._wired = True
        self._form_switched.connect(self._on_window_changed)  # the endpoint, also when switched to GA
        # Not the profile list's own signal: after Edit profile, New profile or Delete profile the list is refilled
        # with its signals blocked, and the server would mint with the old settings until the key status came back.
        self._current.shown.connect(self._on_current_shown)

    def _watch(self, form: ParameterForm) -> None:
        if not any(seen is form for seen in self._forms):
            self._forms.append(form)
            form.changed.connect(self._on_form_changed)

    def _set_checked(self, checked: bool) -> None:
        self.action.blockSignals(True)
        self.action.setChecked(checked)
        self.action.blockSignals(False)

    # -- slots --

    @Slot(bool)
    def _on_action_toggled(self, checked: bool) -> None:
        if checked:
            self.start()
        else:
            self.stop()

    @Slot(int)
    def _on_panel_start_requested(self, port: int) -> None:
        self.start(port)

    @Slot()
    def _on_panel_stop_requested(self) -> None:
        self.stop()

    @Slot()
    def _on_panel_url_copied(self) -> None:
        self._status_bar.showMessage(self.tr("Copied the token endpoint's URL."), 3000)

    @Slot()
    def _on_form_changed(self) -> None:
        self._sync()

    @Slot(int)
    def _on_window_changed(self, _index: int) -> None:
        self._sync()

    @Slot()
    def _on_current_shown(self) -> None:
        self._sync()

    @Slot(object)
    def _on_controller_key_status_changed(self, status: KeyStatus) -> None:
        self._key_status = status
        self._sync()  # a key typed for this run only changes what the server's key reader returns

    @Slot(object, object)
    def _on_server_served(self, stats: ServeStats, last: ServedRequest) -> None:
        if self.server.running:
            self.panel.show_stats(stats, last)
