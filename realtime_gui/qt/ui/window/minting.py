"""Create and Cancel: the form is checked here (in the GUI thread, in well under a millisecond) and nothing is sent
while it has a problem; the controller mints in a worker thread, and its answer goes to the token panel (a token)
or the banner and the field at fault (a failure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from realtime_gui.api.request import InvalidRequest, build_request
from realtime_gui.errors import ApiError, ConfigError, MintError, RetiredEndpointError
from realtime_gui.keys.api_key import KeyringUnavailable
from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.failure import describe_failure
from realtime_gui.qt.ui.window.geometry import scroll_to_after_layout
from realtime_gui.qt.ui.window.problems import show_problems

if TYPE_CHECKING:
    from realtime_gui.config.profiles import Profile
    from realtime_gui.net.minted import MintedToken
    from realtime_gui.qt.ui.window.main_window import MainWindow


class MintFlow(QObject):
    """Drives the window's Create and Cancel buttons and listens to the controller's mint signals."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        controller = window.controller
        controller.minted.connect(self._on_controller_minted)
        controller.failed.connect(self._on_controller_failed)
        controller.busy_changed.connect(self._on_controller_busy_changed)
        controller.verifier.busy_changed.connect(self._on_verifier_busy_changed)
        self._last_profile: Profile | None = None  # the profile of the latest attempt: its token is tested there

    def mint(self) -> None:
        window = self._window
        if window.controller.busy:
            return
        form = window.form
        form.clear_problems()
        problems = form.text_problems()
        try:
            if problems:
                raise InvalidRequest(problems)
            request = build_request(window.endpoint_id, form.values())
        except InvalidRequest as err:
            show_problems(window, list(err.problems))
            return
        profile = window.profile
        try:
            profile.connection.url_for(request.endpoint)
        except ConfigError as err:
            window.show_error(str(err), cause=cause.MINT)
            return
        window.hide_error()
        window.settings.set_form_values(window.endpoint_id, form.all_values())
        self._last_profile = profile
        window.token_panel.begin_attempt(request, profile.connection)
        window.controller.mint(request, profile)
        window.statusBar().showMessage(self.tr("Minting…"))

    def cancel(self) -> None:
        window = self._window
        window.controller.verifier.cancel()  # a token check in progress stops too; its panel says so
        if not window.controller.busy:
            return
        window.controller.cancel()
        window.token_panel.show_cancelled()
        window.statusBar().showMessage(self.tr("Cancelled: the connection to the server was closed."), 5000)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        window = self._window
        window.mint_button.setEnabled(not busy)
        window.cancel_button.setEnabled(busy or window.controller.verifier.busy)
        window.busy.setVisible(busy)

    def _on_verifier_busy_changed(self, busy: bool) -> None:
        self._window.cancel_button.setEnabled(busy or self._window.controller.busy)

    def _on_controller_minted(self, token: MintedToken) -> None:
        window = self._window
        assert self._last_profile is not None
        window.token_panel.show_token(token)
        window.token_panel.verify.set_token(token, self._last_profile.connection)  # Test goes where it came from
        # On a small screen the token side scrolls (the serving panel sits above the token): bring the token in.
        panel = window.token_panel
        scroll_to_after_layout(window.token_scroll, lambda: [panel.reveal, panel.token, panel.title])
        window.empty_state.hide()
        window.hide_error()
        window.statusBar().showMessage(
            self.tr("Token minted on {0}; request id {1}.").format(token.endpoint, token.request_id or "–"), 8000
        )

    def _on_controller_failed(self, error: object) -> None:
        window = self._window
        if not isinstance(error, MintError | KeyringUnavailable):
            window.unexpected(error)
            return
        window.statusBar().showMessage(self.tr("The token could not be minted."), 5000)
        text, why = describe_failure(error)
        window.token_panel.show_failure(text)
        if isinstance(error, RetiredEndpointError):
            window.endpoints.offer_ga(error)
            return
        if isinstance(error, ApiError) and error.param:
            widget = window.form.mark_param(error.param, str(error))
            if widget is not None:
                scroll_to_after_layout(window.form_scroll, lambda: [widget])
                if why == cause.MINT:
                    why = cause.FIELD  # about that field: it ends when the field is changed
        window.show_error(text, cause=why)
