"""Create and Cancel: the form is checked here (in the GUI thread, in well under a millisecond) and nothing is sent
while it has a problem; the controller mints in a worker thread, and its answer goes to the token panel (a token)
or the banner and the field at fault (a failure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from realtime_gui.errors import ApiError, ConfigError, RealtimeGuiError, RetiredEndpointError
from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.geometry import scroll_to_after_layout

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QAbstractButton, QScrollArea, QStatusBar, QWidget

    from realtime_gui.config.profiles import Profile
    from realtime_gui.net.minted import MintedToken
    from realtime_gui.qt.settings import Settings
    from realtime_gui.qt.ui.token_side.token_panel import TokenPanel
    from realtime_gui.qt.ui.window.banner import Banner
    from realtime_gui.qt.ui.window.current_profile import CurrentProfile
    from realtime_gui.qt.ui.window.empty_state import EmptyState
    from realtime_gui.qt.ui.window.endpoint_forms import EndpointForms
    from realtime_gui.qt.workers.controller import Controller


class MintFlow(QObject):
    """Drives the Create (`mint_button`) and Cancel buttons and the `busy` bar, and listens to the controller's mint
    signals: the form and endpoint come from `endpoints`, the profile from `current`."""

    def __init__(
        self,
        *,
        controller: Controller,
        endpoints: EndpointForms,
        current: CurrentProfile,
        settings: Settings,
        token_panel: TokenPanel,
        empty_state: EmptyState,
        banner: Banner,
        status_bar: QStatusBar,
        scroll: QScrollArea,
        token_scroll: QScrollArea,
        mint_button: QAbstractButton,
        cancel_button: QAbstractButton,
        busy: QWidget,
        unexpected: Callable[[object], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._endpoints = endpoints
        self._current = current
        self._settings = settings
        self._token_panel = token_panel
        self._empty_state = empty_state
        self._banner = banner
        self._status_bar = status_bar
        self._scroll = scroll
        self._token_scroll = token_scroll
        self._mint_button = mint_button
        self._cancel_button = cancel_button
        self._busy = busy
        self._unexpected = unexpected
        controller.minted.connect(self._on_controller_minted)
        controller.failed.connect(self._on_controller_failed)
        controller.busy_changed.connect(self._on_controller_busy_changed)
        controller.verifier.busy_changed.connect(self._on_verifier_busy_changed)
        self._last_profile: Profile | None = None  # the profile of the latest attempt: its token is tested there
        self._last_endpoint = ""  # the endpoint of the latest attempt: its answer is about that form

    def mint(self) -> None:
        controller, endpoints = self._controller, self._endpoints
        if controller.busy:
            return
        # Here, not at start-up (~0.5 ms with failure.py; request.py ~1 ms more once no widget imports it either);
        # the warm-up after the first paint loads them.
        from realtime_gui.api.request import InvalidRequest
        from realtime_gui.config.sendable import sendable_request
        from realtime_gui.qt.ui.window.problems import show_problems

        form = endpoints.form
        form.clear_problems()
        problems = form.text_problems()
        profile = self._current.profile
        try:
            request = sendable_request(
                endpoints.endpoint_id, form.values(), connection=profile.connection, problems=problems
            )
        except InvalidRequest as err:
            show_problems(list(err.problems), form=form, banner=self._banner, scroll=self._scroll)
            return
        except ConfigError as err:
            self._banner.show_message(str(err), cause=cause.MINT)
            return
        self._banner.clear()
        self._settings.set_form_values(endpoints.endpoint_id, form.all_values())
        self._last_profile = profile
        self._last_endpoint = endpoints.endpoint_id
        self._token_panel.begin_attempt(request, profile.connection)
        controller.mint(request, profile)
        self._status_bar.showMessage(self.tr("Minting…"))

    def cancel(self) -> None:
        controller = self._controller
        controller.verifier.cancel()  # a token check in progress stops too; its panel says so
        if not controller.busy:
            return
        controller.cancel()
        self._token_panel.show_cancelled()
        self._status_bar.showMessage(self.tr("Cancelled: the connection to the server was closed."), 5000)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        self._mint_button.setEnabled(not busy)
        self._cancel_button.setEnabled(busy or self._controller.verifier.busy)
        self._busy.setVisible(busy)

    def _on_verifier_busy_changed(self, busy: bool) -> None:
        self._cancel_button.setEnabled(busy or self._controller.busy)

    def _on_controller_minted(self, token: MintedToken) -> None:
        assert self._last_profile is not None
        panel = self._token_panel
        panel.show_token(token)
        panel.verify.set_token(token, self._last_profile.connection)  # Test goes where it came from
        # On a small screen the token side scrolls (the serving panel sits above the token): bring the token in.
        scroll_to_after_layout(self._token_scroll, lambda: [panel.reveal, panel.token, panel.title])
        self._empty_state.hide()
        self._banner.clear()
        self._status_bar.showMessage(
            self.tr("Token minted on {0}; request id {1}.").format(token.endpoint, token.request_id or "–"), 8000
        )

    def _on_controller_failed(self, error: object) -> None:
        if not isinstance(error, RealtimeGuiError):
            self._unexpected(error)
            return
        from realtime_gui.qt.ui.window.failure import describe_failure

        self._status_bar.showMessage(self.tr("The token could not be minted."), 5000)
        text, why = describe_failure(error)
        self._token_panel.show_failure(text)
        if isinstance(error, RetiredEndpointError):
            self._endpoints.offer_ga(error)
            return
        # The field at fault is marked only on the form it belongs to: the list may have moved on meanwhile.
        if isinstance(error, ApiError) and error.param and self._endpoints.endpoint_id == self._last_endpoint:
            widget = self._endpoints.form.mark_param(error.param, str(error))
            if widget is not None:
                scroll_to_after_layout(self._scroll, lambda: [widget])
                if why == cause.MINT:
                    why = cause.FIELD  # about that field: it ends when the field is changed
        self._banner.show_message(text, cause=why)
