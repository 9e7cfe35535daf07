"""The main window: endpoint and profile at the top, the generated form on the left, the token on the right.

Data flows one way: form values -> request.build_request (validated here, in the GUI thread, in well under a
millisecond) -> Controller (worker thread: key, HTTP) -> minted / failed signals -> token panel or error banner.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from realtime_gui import __version__
from realtime_gui.api_key import InvalidKey, KeyringUnavailable
from realtime_gui.beta_to_ga import to_ga
from realtime_gui.catalog import ENDPOINTS, endpoint
from realtime_gui.checks import Problem
from realtime_gui.connection_options import ConnectionOptions
from realtime_gui.errors import ApiError, ConfigError, MintError, RetiredEndpointError
from realtime_gui.json_types import JsonValue
from realtime_gui.minted import MintedToken
from realtime_gui.presets import PresetError, check_preset, read_preset, write_preset
from realtime_gui.profiles import DEFAULT_PROFILE, Profile
from realtime_gui.qt.controller import Controller, KeySaved, KeyStatus
from realtime_gui.qt.demo import start_demo
from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui import banner as cause
from realtime_gui.qt.ui import profile_actions
from realtime_gui.qt.ui.banner import Banner
from realtime_gui.qt.ui.empty_state import EmptyState
from realtime_gui.qt.ui.failure import describe_failure
from realtime_gui.qt.ui.focus import chain, no_tab_stop, reading_order
from realtime_gui.qt.ui.form import ParameterForm
from realtime_gui.qt.ui.geometry import PageStack, clamp_to_screen, fit_first_size, scroll_to_after_layout, show_page
from realtime_gui.qt.ui.menus import Menus
from realtime_gui.qt.ui.serve_toggle import ServeToggle
from realtime_gui.qt.ui.token_panel import TokenPanel
from realtime_gui.qt.ui.wheel import ComboBox
from realtime_gui.request import InvalidRequest, MintRequest, build_request

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QShowEvent
    from PySide6.QtWidgets import QMessageBox

    from realtime_gui.fake_server import FakeOpenAI
    from realtime_gui.qt.ui.key_dialog import KeyDialog
    from realtime_gui.qt.ui.profile_dialog import ProfileDialog

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        *,
        settings: Settings,
        controller: Controller,
        profiles: list[Profile],
        profile_name: str,
        endpoint_id: str,
        options: ConnectionOptions | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.controller = controller
        self.profiles = {p.name: p for p in profiles}  # as saved
        # Connection options from the command line: for this run, on the profile shown first, never saved.
        self._options = options or ConnectionOptions()
        self._options_profile = profile_name if self._options.given else None
        self._forms: dict[str, ParameterForm] = {}
        self._key_status: KeyStatus | None = None
        self._last_request: MintRequest | None = None
        self._last_profile: Profile | None = None
        self._retired_values: tuple[str, dict[str, JsonValue]] | None = None
        self._warmed = False
        self.demo_server: FakeOpenAI | None = None  # set by create_window in demo mode
        self.setObjectName("mainWindow")
        self.set_title_note("")

        # -- top bar --
        self.endpoint_combo = ComboBox()  # the wheel switches it only while it has the focus
        self.endpoint_combo.setObjectName("endpoint")
        self.endpoint_combo.setAccessibleName(self.tr("Endpoint"))
        for ep in ENDPOINTS.values():
            self.endpoint_combo.addItem(ep.title, ep.id)
        self.profile_combo = ComboBox()
        self.profile_combo.setObjectName("profile")
        self.profile_combo.setAccessibleName(self.tr("Profile"))
        self.key_label = QLabel(self.tr("Checking the key…"))
        self.key_label.setObjectName("keyStatus")
        # Wraps rather than widening the window past a small screen (1366 x 768 at 2x scale is 683 wide).
        self.key_label.setWordWrap(True)
        self.key_button = QPushButton(self.tr("Key…"))
        self.key_button.setObjectName("setKey")
        self.key_button.setToolTip(self.tr("Store the API key for this profile in the OS keyring (Ctrl+K)"))
        self.key_button.clicked.connect(self.open_key_dialog)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Endpoint")))
        top.addWidget(self.endpoint_combo)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Profile")))
        top.addWidget(self.profile_combo)
        top.addWidget(self.key_label, 1)
        top.addWidget(self.key_button)

        # -- message banner --
        self.error_banner = Banner()
        self.error_text = self.error_banner.text

        # -- form side --
        self.stack = PageStack()
        self.form_scroll = _scroll_area("formScroll", self.tr("Parameters"), self.stack)
        self.reset_button = QPushButton(self.tr("Reset to defaults"))
        self.reset_button.setObjectName("reset")
        self.reset_button.clicked.connect(self.reset_form)
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip(self.tr("Stop waiting for the call in flight (Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        self.mint_button = QPushButton(self.tr("Create token"))
        self.mint_button.setObjectName("mint")
        self.mint_button.setDefault(True)
        self.mint_button.setToolTip(self.tr("Validate and mint a token (Ctrl+Enter)"))
        self.mint_button.clicked.connect(self.mint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.busy)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.mint_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.form_scroll, 1)
        left_layout.addLayout(buttons)

        self.token_panel = TokenPanel()
        self.token_panel.clear_clipboard_on_expiry = bool(settings.preference("clear_clipboard_on_expiry"))
        self.token_panel.copied.connect(self._on_token_panel_copied)
        self.token_panel.curl_copied.connect(self._on_token_panel_curl_copied)
        self.token_panel.expired.connect(self._on_token_panel_expired)
        self.token_panel.verify.attach(controller.verifier)
        controller.verifier.busy_changed.connect(self._on_verifier_busy_changed)
        # The token side scrolls too, so that a small screen (or 2x scale) never pushes part of it off-screen.
        self.right_side = QWidget()
        right_layout = QVBoxLayout(self.right_side)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_state = EmptyState()
        self.empty_state.add_key_clicked.connect(self.open_key_dialog)
        self.empty_state.demo_clicked.connect(lambda: start_demo(self))
        right_layout.addWidget(self.empty_state)
        right_layout.addWidget(self.token_panel, 1)
        self.token_scroll = _scroll_area("tokenScroll", self.tr("Token"), self.right_side)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.token_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(self.tr("Ready"))
        self._keyboard_ready = False
        self.menus = Menus(self)
        self.clipboard_action = self.menus.actions["clear_clipboard"]
        self.clipboard_action.setCheckable(True)
        self.clipboard_action.setChecked(self.token_panel.clear_clipboard_on_expiry)
        self.clipboard_action.toggled.connect(self._on_clipboard_action_toggled)
        self.serve = ServeToggle(self, action=self.menus.actions["serve"], place_panel=layout.addWidget)
        self.serve.panel_built.connect(self._update_tab_order)

        controller.minted.connect(self._on_controller_minted)
        controller.failed.connect(self._on_controller_failed)
        controller.busy_changed.connect(self._on_controller_busy_changed)
        controller.key_status_changed.connect(self._on_controller_key_status_changed)
        controller.key_saved.connect(self._on_controller_key_saved)
        controller.key_failed.connect(self._on_controller_key_failed)

        self._fill_profiles(profile_name)
        self.profile_combo.currentIndexChanged.connect(self._on_profile_combo_changed)
        if self._options_profile is not None:
            self.statusBar().showMessage(
                self.tr("Profile “{0}” uses {1} from the command line, for this run only.").format(
                    self._options_profile, ", ".join(self._options.given)
                )
            )
        index = self.endpoint_combo.findData(endpoint_id)
        self.endpoint_combo.setCurrentIndex(max(0, index))
        self._current_endpoint = self.endpoint_id
        self._show_form(self.endpoint_id)
        self.endpoint_combo.currentIndexChanged.connect(self._on_endpoint_combo_changed)
        settings.opened_with(endpoint_id=self.endpoint_id, profile=self.profile.name)
        geometry = settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            fit_first_size(self)
        else:
            clamp_to_screen(self)

    # -- keyboard --

    def _after_first_paint(self) -> None:
        self.menus.bind_shortcuts()
        no_tab_stop(self.form_scroll, self.token_scroll)
        self._keyboard_ready = True
        self._update_tab_order()

    def _update_tab_order(self) -> None:
        """Tab: the top bar, the banner's buttons, the form's fields in reading order, the buttons under the form,
        the token panel, the serving panel under them. Set after the first paint (it needs the slow `Qt`
        namespace), for each new form and when the serving panel is built."""
        if not self._keyboard_ready:
            return
        chain(
            [
                [self.endpoint_combo, self.profile_combo, self.key_button],
                [self.error_banner.action, self.error_banner.close_button],
                reading_order(self.stack),
                [self.reset_button, self.cancel_button, self.mint_button],
                reading_order(self.right_side),
                self.serve.tab_stops(),
            ]
        )

    # -- endpoint and form --

    @property
    def endpoint_id(self) -> str:
        return str(self.endpoint_combo.currentData())

    @property
    def form(self) -> ParameterForm:
        return self._forms[self.endpoint_id]

    def form_for(self, endpoint_id: str) -> ParameterForm:
        """The form of `endpoint_id`, built on first use (start-up builds only the shown one)."""
        form = self._forms.get(endpoint_id)
        if form is None:
            form = ParameterForm(endpoint(endpoint_id))
            form.set_values(self.settings.form_values(endpoint_id))
            self.settings.form_opened_with(endpoint_id, form.all_values())
            self._forms[endpoint_id] = form
            self.stack.addWidget(form)
            self._update_tab_order()
        return form

    def _show_form(self, endpoint_id: str) -> None:
        ep = endpoint(endpoint_id)
        self.endpoint_combo.setToolTip(f"POST {{base}}{ep.path}\n{ep.summary}")
        show_page(self.form_scroll, self.form_for(endpoint_id))
        self.form_scroll.verticalScrollBar().setValue(0)

    def _on_endpoint_combo_changed(self, _index: int) -> None:
        previous, now = self._current_endpoint, self.endpoint_id
        if previous == now:
            return
        carried = self._carry_values(previous, now)
        self._show_form(now)
        if carried:
            merged = {**self.form.all_values(), **carried}
            self.form.set_values(merged)
        self._current_endpoint = now
        self.error_banner.end(cause.MINT, cause.FORM, cause.RETIRED, cause.PRESET)
        self.statusBar().showMessage(endpoint(now).summary, 5000)

    def _carry_values(self, source: str, target: str) -> dict[str, JsonValue]:
        """Values of `source` that mean the same on `target`: same paths, or the beta -> GA mapping."""
        form = self._forms.get(source)
        if form is None:
            return {}
        values = form.all_values()
        if endpoint(source).ga_equivalent == target:
            return to_ga(source, values).values
        target_paths = endpoint(target).by_path
        return {path: value for path, value in values.items() if path in target_paths}

    def reset_form(self) -> None:
        self.form.reset()
        self.error_banner.end(cause.FORM, cause.PRESET)
        self.statusBar().showMessage(self.tr("Every parameter is back to “not sent”: the API's defaults apply."), 5000)

    # -- profiles and the key --

    @property
    def profile(self) -> Profile:
        """The current profile as used: its saved settings, with this run's command-line options over them."""
        saved = self.saved_profile
        if saved.name == self._options_profile:
            return Profile(saved.name, self._options.over(saved.connection))
        return saved

    @property
    def saved_profile(self) -> Profile:
        name = str(self.profile_combo.currentData() or DEFAULT_PROFILE)
        return self.profiles.get(name) or Profile(DEFAULT_PROFILE)

    def _fill_profiles(self, selected: str) -> None:
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for name in self.profiles:
            self.profile_combo.addItem(name, name)
        index = self.profile_combo.findData(selected)
        self.profile_combo.setCurrentIndex(max(0, index))
        self.profile_combo.blockSignals(False)
        tip = self.tr("Sends to {0}").format(self.profile.connection.base_url)
        if self.profile.name == self._options_profile:
            tip += "\n" + self.tr("From the command line, for this run: {0}").format(", ".join(self._options.given))
        self.profile_combo.setToolTip(tip)

    def _warm_up(self) -> None:
        self.controller.warm_up()
        self.token_panel.prime()

    def _refresh_key_status(self) -> None:
        self.controller.refresh_key_status(self.profile.name)

    def _on_profile_combo_changed(self, _index: int) -> None:
        self.key_label.setText(self.tr("Checking the key…"))
        self.error_banner.end(cause.AUTH, cause.MINT, cause.KEY, cause.PROFILE, cause.RETIRED, cause.UNEXPECTED)
        self.controller.refresh_key_status(self.profile.name)
        self.settings.profile_name = self.profile.name

    def open_key_dialog(self) -> KeyDialog:
        return profile_actions.open_key_dialog(self)

    def remove_key(self) -> QMessageBox:
        return profile_actions.remove_key(self)

    def edit_profile(self, *, new: bool) -> ProfileDialog:
        return profile_actions.edit_profile(self, new=new)

    def delete_profile(self) -> QMessageBox | None:
        return profile_actions.delete_profile(self)

    def set_title_note(self, note: str) -> None:
        # Ends with the application's name, which Qt would otherwise append a second time on Linux.
        self.setWindowTitle(f"{note} — Realtime GUI" if note else "Realtime GUI")

    def select_profile(self, name: str) -> None:
        """Show `name` (the profiles may have changed) and everything that follows from it."""
        self._fill_profiles(name)
        self._on_profile_combo_changed(0)

    @property
    def key_status(self) -> KeyStatus | None:
        """The current profile's key status, once the controller has told it."""
        return self._key_status

    def _on_controller_key_status_changed(self, status: KeyStatus) -> None:
        if status.profile != self.profile.name:
            return
        self._key_status = status
        text = status.describe
        if self.profile.is_demo and status.source == "memory":
            text = self.tr("Demo key for the fake server on this computer")
        elif status.keyring_problem and status.source is None:
            text = status.keyring_problem  # it says itself that there is no keyring, and what to do
        self.key_label.setText(text)
        self.key_label.setToolTip(status.keyring_problem or "")
        # First run: nothing to mint with yet. Offer the two ways on.
        self.empty_state.offer(keyring=status.keyring_problem is None)
        self.empty_state.setVisible(status.hint is None and self.token_panel.current is None)

    def _on_controller_key_saved(self, saved: KeySaved) -> None:
        if saved.in_memory_only:
            self.show_error(
                self.tr("{0}\nThe key is kept in memory for this run only and was not written anywhere.").format(
                    saved.status.keyring_problem
                ),
                cause=cause.KEY,
            )
        else:
            self.error_banner.end(cause.AUTH, cause.KEY)
            self.statusBar().showMessage(self.tr("Key stored in the OS keyring."), 5000)

    def _on_controller_key_failed(self, error: object) -> None:
        if isinstance(error, InvalidKey | KeyringUnavailable | ValueError):
            self.show_error(str(error), cause=cause.KEY)
        else:
            self._unexpected(error)

    # -- minting --

    def mint(self) -> None:
        if self.controller.busy:
            return
        form = self.form
        form.clear_problems()
        problems = form.text_problems()
        try:
            if problems:
                raise InvalidRequest(problems)
            request = build_request(self.endpoint_id, form.values())
        except InvalidRequest as err:
            self._show_problems(list(err.problems))
            return
        profile = self.profile
        try:
            profile.connection.url_for(request.endpoint)
        except ConfigError as err:
            self.show_error(str(err), cause=cause.MINT)
            return
        self.hide_error()
        self.settings.set_form_values(self.endpoint_id, form.all_values())
        self._last_request, self._last_profile = request, profile
        self.token_panel.begin_attempt(request, profile.connection)
        self.controller.mint(request, profile)
        self.statusBar().showMessage(self.tr("Minting…"))

    def cancel(self) -> None:
        self.controller.verifier.cancel()  # a token check in progress stops too; its panel says so
        if not self.controller.busy:
            return
        self.controller.cancel()
        self.token_panel.show_cancelled()
        self.statusBar().showMessage(self.tr("Cancelled: the connection to the server was closed."), 5000)

    def _show_problems(self, problems: list[Problem], *, lead: str = "") -> None:
        first = self.form.show_problems(problems)
        count = len(problems)
        lines = "\n".join(f"• {p.sentence()}" for p in problems[:6]) + ("\n…" if count > 6 else "")
        go = (
            None
            if first is None
            else ("goToProblem", self.tr("&Go to the problem"), lambda: self._go_to_problem(first))
        )
        self.show_error(
            self.tr("{0}: {1} to fix.\n{2}").format(
                lead or self.tr("Nothing was sent"),
                self.tr("1 value") if count == 1 else self.tr("{0} values").format(count),
                lines,
            ),
            cause=cause.FORM,
            action=go,
        )
        if first is not None:
            self._go_to_problem(first)

    def _go_to_problem(self, editor: QWidget) -> None:
        """Scroll to the field and its message, once the banner and the message have taken their place."""

        def targets() -> list[QWidget]:
            message = self.form.message_for(editor)
            return [editor] if message is None else [message, editor]

        scroll_to_after_layout(self.form_scroll, targets, then=editor.setFocus)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        self.mint_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy or self.controller.verifier.busy)
        self.busy.setVisible(busy)

    def _on_verifier_busy_changed(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy or self.controller.busy)

    def _on_controller_minted(self, token: MintedToken) -> None:
        assert self._last_request is not None
        assert self._last_profile is not None
        self.token_panel.show_token(token)
        self.token_panel.verify.set_token(token, self._last_profile.connection)  # Test goes where it came from
        self.empty_state.hide()
        self.hide_error()
        self.statusBar().showMessage(
            self.tr("Token minted on {0}; request id {1}.").format(token.endpoint, token.request_id or "–"), 8000
        )

    def _on_controller_failed(self, error: object) -> None:
        if not isinstance(error, MintError | KeyringUnavailable):
            self._unexpected(error)
            return
        self.statusBar().showMessage(self.tr("The token could not be minted."), 5000)
        text, why = describe_failure(error)
        self.token_panel.show_failure(text)
        if isinstance(error, RetiredEndpointError):
            self._offer_ga(error)
            return
        if isinstance(error, ApiError) and error.param:
            widget = self.form.mark_param(error.param, str(error))
            if widget is not None:
                scroll_to_after_layout(self.form_scroll, lambda: [widget])
        self.show_error(text, cause=why)

    def _offer_ga(self, error: RetiredEndpointError) -> None:
        source = self.endpoint_id
        mapping = to_ga(source, self.form.values())
        self._retired_values = (source, mapping.values)
        dropped = ", ".join(p.path for p in mapping.dropped)
        text = f"{error}\nServer: {error.server_message}"
        if dropped:
            text += "\n" + self.tr("Not carried over (no GA equivalent): {0}").format(dropped)
        switch = ("switchToGa", self.tr("Switch to {0}").format(error.ga_endpoint.id), self.switch_to_ga)
        self.show_error(text, cause=cause.RETIRED, action=switch)

    def switch_to_ga(self) -> None:
        if self._retired_values is None:
            return
        source, values = self._retired_values
        target = endpoint(source).ga_equivalent
        assert target is not None
        self._retired_values = None
        self.endpoint_combo.blockSignals(True)
        self.endpoint_combo.setCurrentIndex(self.endpoint_combo.findData(target))
        self.endpoint_combo.blockSignals(False)
        self._current_endpoint = target
        self._show_form(target)
        self.form.set_values(values)
        self.hide_error()
        self.statusBar().showMessage(
            self.tr("Switched to {0} with the same settings. Press Create to mint.").format(target), 8000
        )

    # -- banner --

    def show_error(self, text: str, *, cause: str, action: tuple[str, str, Callable[[], object]] | None = None) -> None:
        """Show `text` in the banner until its `cause` ends (banner.py lists the causes)."""
        self.error_banner.show_message(text, cause=cause, action=action)

    def hide_error(self) -> None:
        self.error_banner.clear()

    def _unexpected(self, error: object) -> None:
        log.error("unexpected error: %r", error, exc_info=error if isinstance(error, BaseException) else None)
        self.show_error(
            self.tr("Something unexpected went wrong ({0}). Details were written to the log.").format(
                type(error).__name__
            ),
            cause=cause.UNEXPECTED,
        )

    # -- presets --

    def open_preset(self, path: str | None = None) -> None:
        """Load a preset through the same checks as `mint --preset`: a preset with a bad value loads nothing."""
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open preset"), "", self.tr("Presets (*.json)"))
            if not path:
                return
        try:
            values = read_preset(path, self.endpoint_id)
        except PresetError as err:
            self.show_error(_sentence(str(err)) + "".join(f"\n• {p}" for p in err.problems), cause=cause.PRESET)
            return
        self.form.set_values(values)
        self.error_banner.end(cause.PRESET, cause.FORM)
        self.statusBar().showMessage(self.tr("Preset loaded."), 5000)

    def save_preset(self, path: str | None = None) -> None:
        """Save what Create would send, once every value in it is one a preset may hold."""
        values = self.form.values()
        self.form.clear_problems()
        problems = self.form.text_problems() or check_preset(self.endpoint_id, values)[1]
        if problems:
            self._show_problems(problems, lead=self.tr("The preset was not saved"))
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save preset"), f"{self.endpoint_id}.json", self.tr("Presets (*.json)")
            )
            if not path:
                return
        try:
            write_preset(path, values)
        except OSError as err:
            self.show_error(self.tr("Could not save the preset: {0}").format(err.strerror or err), cause=cause.PRESET)
            return
        self.statusBar().showMessage(
            self.tr("Saved; use it with: realtime-gui mint --endpoint {0} --preset {1}").format(self.endpoint_id, path),
            8000,
        )

    # -- small things --

    def _on_token_panel_copied(self) -> None:
        self.statusBar().showMessage(self.tr("Copied the token to the clipboard."), 2000)

    def _on_token_panel_curl_copied(self) -> None:
        self.statusBar().showMessage(
            self.tr("Copied the request as a curl command; it reads the key from $OPENAI_API_KEY."), 4000
        )

    def _on_token_panel_expired(self) -> None:
        self.statusBar().showMessage(self.tr("The token has expired; press Create for a new one."))

    def _on_clipboard_action_toggled(self, checked: bool) -> None:
        self.token_panel.clear_clipboard_on_expiry = checked
        self.settings.set_preference("clear_clipboard_on_expiry", checked)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            self.tr("About Realtime GUI"),
            self.tr("Realtime GUI {0}\nMints short-lived OpenAI Realtime API tokens.\nSettings: {1}").format(
                __version__, self.settings.file_name
            ),
        )

    def save_state(self) -> None:
        # While the settings file is broken, a value the window opened with is not written (settings.py).
        for endpoint_id, form in self._forms.items():
            self.settings.set_form_values(endpoint_id, form.all_values())
        self.settings.endpoint = self.endpoint_id
        self.settings.profile_name = self.profile.name
        if self.settings.ignored:
            return  # nothing really changed: the broken file stays as it is (the window's size is no setting)
        self.settings.set_geometry(QByteArray(self.saveGeometry()))
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            # After the first paint, in worker threads: read the key's status (imports keyring, may prompt),
            # then import httpx and build the TLS context so that the first Create is quick.
            # `self` as the timers' context: they die with the window instead of firing into a deleted one.
            QTimer.singleShot(20, self, self._after_first_paint)
            QTimer.singleShot(50, self, self._refresh_key_status)
            QTimer.singleShot(300, self, self._warm_up)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.serve.stop()
        self.token_panel.stop()
        self.controller.shutdown()
        super().closeEvent(event)


def _scroll_area(name: str, accessible_name: str, content: QWidget) -> QScrollArea:
    """A scroll area; once the window shows it stops being a Tab stop of its own (the widgets in it are, and it
    scrolls to follow the focus)."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setAccessibleName(accessible_name)
    area.setWidgetResizable(True)
    area.setWidget(content)
    return area


def _sentence(text: str) -> str:
    """A message shared with the CLI (which prints it after "realtime-gui: ") as a sentence of its own."""
    return text[:1].upper() + text[1:]
