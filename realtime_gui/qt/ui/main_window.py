"""The main window: endpoint and profile at the top, the generated form on the left, the token on the right.

Data flows one way: form values -> request.build_request (validated here, in the GUI thread, in well under a
millisecond) -> Controller (worker thread: key, HTTP) -> minted / failed signals -> token panel or error banner.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from realtime_gui import __version__
from realtime_gui.catalog import ENDPOINTS, JsonValue, endpoint
from realtime_gui.checks import Problem
from realtime_gui.errors import ApiError, ConfigError, MintError, ResponseError, RetiredEndpointError
from realtime_gui.minted import MintedToken
from realtime_gui.presets import PresetError, check_preset, read_preset, write_preset
from realtime_gui.profiles import DEFAULT_PROFILE, Profile
from realtime_gui.qt.controller import Controller, KeySaved, KeyStatus
from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui.form import ParameterForm
from realtime_gui.qt.ui.key_dialog import KeyDialog
from realtime_gui.qt.ui.look import BANNER, make_selectable
from realtime_gui.qt.ui.profile_dialog import ProfileDialog
from realtime_gui.qt.ui.token_panel import TokenPanel
from realtime_gui.qt.ui.wheel import ComboBox
from realtime_gui.request import InvalidRequest, MintRequest, build_request, to_ga
from realtime_gui.secrets import InvalidKey, KeyringUnavailable
from realtime_gui.shown import DEFAULT_LIMIT, shown

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QShowEvent

    from realtime_gui.fake_server import FakeOpenAI

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
        demo_note: str = "",
    ) -> None:
        super().__init__()
        self.settings = settings
        self.controller = controller
        self.profiles = {p.name: p for p in profiles}
        self._forms: dict[str, ParameterForm] = {}
        self._key_status: KeyStatus | None = None
        self._last_request: MintRequest | None = None
        self._last_profile: Profile | None = None
        self._retired_values: tuple[str, dict[str, JsonValue]] | None = None
        self._warmed = False
        self._edited = False  # the user changed a value or the endpoint since the window opened
        self.demo_server: FakeOpenAI | None = None  # set by create_window in demo mode
        self.setObjectName("mainWindow")
        self.setWindowTitle("Realtime GUI" + (f" — {demo_note}" if demo_note else ""))

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

        # -- error banner --
        self.error_banner = QFrame()
        self.error_banner.setObjectName("error")
        self.error_banner.setStyleSheet(BANNER)
        self.error_text = QLabel()
        self.error_text.setObjectName("errorText")
        self.error_text.setWordWrap(True)
        # Word wrap cannot break a long run without spaces (an id, a URL, a server's garbage): without this, such
        # a run sets the window's minimum width and pushes it past the screen. Ignored: the banner takes the
        # width the window has, and clips the run instead.
        self.error_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.switch_button = QPushButton()
        self.switch_button.setObjectName("switchToGa")
        self.switch_button.clicked.connect(self.switch_to_ga)
        self.switch_button.hide()
        close_banner = QToolButton()
        close_banner.setText("✕")
        close_banner.setToolTip(self.tr("Dismiss"))
        close_banner.clicked.connect(self.hide_error)
        banner = QHBoxLayout(self.error_banner)
        banner.addWidget(self.error_text, 1)
        banner.addWidget(self.switch_button)
        banner.addWidget(close_banner)
        self.error_banner.hide()

        # -- form side --
        self.stack = QStackedWidget()
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("formScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setWidget(self.stack)
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
        self.token_panel.expired.connect(self._on_token_panel_expired)
        self.token_panel.verify.attach(controller.verifier)
        controller.verifier.busy_changed.connect(self._on_verifier_busy_changed)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.token_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(self.tr("Ready"))
        self._build_menus()

        controller.minted.connect(self._on_controller_minted)
        controller.failed.connect(self._on_controller_failed)
        controller.busy_changed.connect(self._on_controller_busy_changed)
        controller.key_status_changed.connect(self._on_controller_key_status_changed)
        controller.key_saved.connect(self._on_controller_key_saved)
        controller.key_failed.connect(self._on_controller_key_failed)

        self._fill_profiles(profile_name)
        self.profile_combo.currentIndexChanged.connect(self._on_profile_combo_changed)
        index = self.endpoint_combo.findData(endpoint_id)
        self.endpoint_combo.setCurrentIndex(max(0, index))
        self._current_endpoint = self.endpoint_id
        self._show_form(self.endpoint_id)
        self.endpoint_combo.currentIndexChanged.connect(self._on_endpoint_combo_changed)
        geometry = settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 780)

    # -- menus and shortcuts --

    def _build_menus(self) -> None:
        def action(menu_name: str, text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
            act = QAction(text, self)
            if shortcut:
                self._shortcuts.append((act, shortcut))
            act.triggered.connect(lambda _checked=False: slot())
            menus[menu_name].addAction(act)
            return act

        self._shortcuts: list[tuple[QAction, str]] = []
        bar = self.menuBar()
        menus = {
            name: bar.addMenu(label)
            for name, label in (
                ("file", self.tr("&File")),
                ("edit", self.tr("&Edit")),
                ("key", self.tr("&Key")),
                ("settings", self.tr("&Settings")),
                ("help", self.tr("&Help")),
            )
        }
        action("file", self.tr("Open preset…"), self.open_preset, "Ctrl+O")
        action("file", self.tr("Save preset…"), self.save_preset, "Ctrl+S")
        menus["file"].addSeparator()
        action("file", self.tr("Quit"), self.close, "Ctrl+Q")
        action("edit", self.tr("Create token"), self.mint, "Ctrl+Return")
        action("edit", self.tr("Cancel"), self.cancel)
        action("edit", self.tr("Copy token"), self.token_panel.copy_token, "Ctrl+Shift+C")
        action("edit", self.tr("Copy as curl"), self.token_panel.copy_as_curl)
        menus["edit"].addSeparator()
        action("edit", self.tr("Reset to defaults"), self.reset_form)
        action("key", self.tr("Set API key…"), self.open_key_dialog, "Ctrl+K")
        action("key", self.tr("Remove stored key"), self.remove_key)
        menus["key"].addSeparator()
        action("key", self.tr("New profile…"), lambda: self.edit_profile(new=True))
        action("key", self.tr("Edit profile…"), lambda: self.edit_profile(new=False))
        action("key", self.tr("Delete profile"), self.delete_profile)
        self.clipboard_action = QAction(self.tr("Clear the clipboard when the token expires"), self)
        self.clipboard_action.setCheckable(True)
        self.clipboard_action.setChecked(self.token_panel.clear_clipboard_on_expiry)
        self.clipboard_action.toggled.connect(self._on_clipboard_action_toggled)
        menus["settings"].addAction(self.clipboard_action)
        action("help", self.tr("About Realtime GUI"), self._about)
        # Enter on the numeric keypad, and Escape to cancel a call in flight.
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.mint)
        QShortcut(QKeySequence("Esc"), self, self.cancel)

    def _bind_shortcuts(self) -> None:
        # Bound just after the first paint: QAction.setShortcut makes PySide6 build its whole `Qt` namespace
        # (~12 ms), which the window does not need to appear.
        for act, keys in self._shortcuts:
            act.setShortcut(QKeySequence(keys))
        self._shortcuts.clear()

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
            form.changed.connect(self._on_form_changed)
            self._forms[endpoint_id] = form
            self.stack.addWidget(form)
        return form

    def _show_form(self, endpoint_id: str) -> None:
        ep = endpoint(endpoint_id)
        self.endpoint_combo.setToolTip(f"POST {{base}}{ep.path}\n{ep.summary}")
        self.stack.setCurrentWidget(self.form_for(endpoint_id))
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
        self._edited = True
        self.hide_error()
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
        self.hide_error()
        self.statusBar().showMessage(self.tr("Every parameter is back to “not sent”: the API's defaults apply."), 5000)

    # -- profiles and the key --

    @property
    def profile(self) -> Profile:
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
        self.profile_combo.setToolTip(self.tr("Sends to {0}").format(self.profile.connection.base_url))

    def _warm_up(self) -> None:
        self.controller.warm_up()
        self.token_panel.prime()

    def _refresh_key_status(self) -> None:
        self.controller.refresh_key_status(self.profile.name)

    def _on_profile_combo_changed(self, _index: int) -> None:
        self.key_label.setText(self.tr("Checking the key…"))
        self.controller.refresh_key_status(self.profile.name)
        self.settings.profile_name = self.profile.name

    def open_key_dialog(self) -> KeyDialog:
        status = self._key_status.describe if self._key_status else ""
        problem = self._key_status.keyring_problem if self._key_status else None
        dialog = KeyDialog(self.profile.name, status=status, keyring_problem=problem, parent=self)
        dialog.accepted.connect(lambda: self.controller.store_key(self.profile.name, dialog.take_key()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def remove_key(self) -> None:
        self.controller.delete_key(self.profile.name)
        self.statusBar().showMessage(self.tr("Removing the stored key…"), 3000)

    def edit_profile(self, *, new: bool) -> ProfileDialog:
        dialog = ProfileDialog(None if new else self.profile, taken=set(self.profiles), parent=self)

        def accepted() -> None:
            profile = dialog.profile()
            self.profiles[profile.name] = profile
            self.settings.set_profiles(list(self.profiles.values()))
            self._fill_profiles(profile.name)
            self._on_profile_combo_changed(0)

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def delete_profile(self) -> None:
        """Forget the current profile's settings (not the default one). Its stored key is left in the keyring."""
        name = self.profile.name
        if name == DEFAULT_PROFILE or self.profile.is_demo:
            self.show_error(self.tr("The “{0}” profile cannot be deleted.").format(name))
            return
        del self.profiles[name]
        self.settings.set_profiles(list(self.profiles.values()))
        self._fill_profiles(DEFAULT_PROFILE)
        self._on_profile_combo_changed(0)
        self.statusBar().showMessage(
            self.tr(
                "Deleted the profile “{0}”. Its key, if any, is still in the keyring: Key > Remove stored key."
            ).format(name),
            8000,
        )

    def _on_controller_key_status_changed(self, status: KeyStatus) -> None:
        if status.profile != self.profile.name:
            return
        self._key_status = status
        text = status.describe
        if self.profile.is_demo and status.source == "memory":
            text = self.tr("Demo key for the fake server on this computer")
        elif status.keyring_problem and status.source is None:
            text = self.tr("No OS keyring: {0}").format(status.keyring_problem)
        self.key_label.setText(text)
        self.key_label.setToolTip(status.keyring_problem or "")

    def _on_controller_key_saved(self, saved: KeySaved) -> None:
        if saved.in_memory_only:
            self.show_error(
                self.tr("{0}\nThe key is kept in memory for this run only and was not written anywhere.").format(
                    saved.status.keyring_problem
                )
            )
        else:
            self.statusBar().showMessage(self.tr("Key stored in the OS keyring."), 5000)

    def _on_controller_key_failed(self, error: object) -> None:
        if isinstance(error, InvalidKey | KeyringUnavailable | ValueError):
            self.show_error(str(error))
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
            self.show_error(str(err))
            return
        self.hide_error()
        self.settings.set_form_values(self.endpoint_id, form.all_values())
        self._last_request, self._last_profile = request, profile
        self.token_panel.show_request(request, profile.connection)
        self.controller.mint(request, profile)
        self.statusBar().showMessage(self.tr("Minting…"))

    def cancel(self) -> None:
        self.controller.verifier.cancel()  # a token check in progress stops too; its panel says so
        if not self.controller.busy:
            return
        self.controller.cancel()
        self.statusBar().showMessage(self.tr("Cancelled: the connection to the server was closed."), 5000)

    def _show_problems(self, problems: list[Problem], *, lead: str = "") -> None:
        first = self.form.show_problems(problems)
        count = len(problems)
        lines = "\n".join(f"• {p}" for p in problems[:6]) + ("\n…" if count > 6 else "")
        self.show_error(
            self.tr("{0}: {1} to fix.\n{2}").format(
                lead or self.tr("Nothing was sent"),
                self.tr("1 value") if count == 1 else self.tr("{0} values").format(count),
                lines,
            )
        )
        if first is not None:
            self.form_scroll.ensureWidgetVisible(first, 50, 80)
            first.setFocus()

    def _on_controller_busy_changed(self, busy: bool) -> None:
        self.mint_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy or self.controller.verifier.busy)
        self.busy.setVisible(busy)

    def _on_verifier_busy_changed(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy or self.controller.busy)

    def _on_controller_minted(self, token: MintedToken) -> None:
        assert self._last_request is not None
        assert self._last_profile is not None
        self.token_panel.show_token(token, self._last_request, self._last_profile.connection)
        self.token_panel.verify.set_token(token, self._last_profile.connection)  # Test goes where it came from
        self.hide_error()
        self.statusBar().showMessage(
            self.tr("Token minted on {0}; request id {1}.").format(token.endpoint, token.request_id or "–"), 8000
        )

    def _on_controller_failed(self, error: object) -> None:
        if not isinstance(error, MintError | KeyringUnavailable):
            self._unexpected(error)
            return
        self.statusBar().showMessage(self.tr("The token could not be minted."), 5000)
        text = str(error)
        if isinstance(error, ApiError):
            d = error.details
            facts = [
                f"HTTP {d.status}",
                f"type {d.type}" if d.type else "",
                f"code {d.code}" if d.code else "",
                f"param {d.param}" if d.param else "",
                f"request id {d.request_id}" if d.request_id else "",
                f"retry after {d.retry_after:g} s" if d.retry_after is not None else "",
            ]
            text = f"{error}\n" + " · ".join(f for f in facts if f)
            if isinstance(error, RetiredEndpointError):
                self._offer_ga(error)
                return
            if d.param:
                widget = self.form.mark_param(d.param)
                if widget is not None:
                    self.form_scroll.ensureWidgetVisible(widget, 50, 80)
        elif isinstance(error, ResponseError) and error.request_id:
            text += f"\nrequest id {error.request_id}"
        elif isinstance(error, KeyringUnavailable):
            text += "\n" + self.tr("Choose Key… to use a key for this run only.")
        self.show_error(text)

    def _offer_ga(self, error: RetiredEndpointError) -> None:
        source = self.endpoint_id
        mapping = to_ga(source, self.form.values())
        self._retired_values = (source, mapping.values)
        dropped = ", ".join(p.path for p in mapping.dropped)
        text = f"{error}\nServer: {error.server_message}"
        if dropped:
            text += "\n" + self.tr("Not carried over (no GA equivalent): {0}").format(dropped)
        self.switch_button.setText(self.tr("Switch to {0}").format(error.ga_endpoint.id))
        self.switch_button.show()
        self.show_error(text, keep_switch=True)

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

    def show_error(self, text: str, *, keep_switch: bool = False) -> None:
        if not keep_switch:
            self.switch_button.hide()
        make_selectable(self.error_text)
        # Errors were cleaned (and capped) when made; this catches text from anywhere else (a preset's path, a
        # keyring message). Looser cap: the banner adds its own lines (type, code, request id) to a capped message.
        self.error_text.setText(shown(text, multiline=True, limit=3 * DEFAULT_LIMIT))
        self.error_banner.show()

    def hide_error(self) -> None:
        self.error_banner.hide()
        self.error_text.clear()
        self.switch_button.hide()

    def _unexpected(self, error: object) -> None:
        log.error("unexpected error: %r", error, exc_info=error if isinstance(error, BaseException) else None)
        self.show_error(
            self.tr("Something unexpected went wrong ({0}). Details were written to the log.").format(
                type(error).__name__
            )
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
            self.show_error(_sentence(str(err)) + "".join(f"\n• {p}" for p in err.problems))
            return
        self.form.set_values(values)
        self.hide_error()
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
            self.show_error(self.tr("Could not save the preset: {0}").format(err.strerror or err))
            return
        self.statusBar().showMessage(
            self.tr("Saved; use it with: realtime-gui mint --endpoint {0} --preset {1}").format(self.endpoint_id, path),
            8000,
        )

    # -- small things --

    def _on_token_panel_copied(self) -> None:
        self.statusBar().showMessage(self.tr("Copied the token to the clipboard."), 2000)

    def _on_token_panel_expired(self) -> None:
        self.statusBar().showMessage(self.tr("The token has expired; press Create for a new one."))

    def _on_clipboard_action_toggled(self, checked: bool) -> None:
        self.token_panel.clear_clipboard_on_expiry = checked
        self.settings.set_preference("clear_clipboard_on_expiry", checked)

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            self.tr("About Realtime GUI"),
            self.tr("Realtime GUI {0}\nMints short-lived OpenAI Realtime API tokens.\nSettings: {1}").format(
                __version__, self.settings.file_name
            ),
        )

    def _on_form_changed(self) -> None:
        self._edited = True

    def save_state(self) -> None:
        if self.settings.ignored and not self._edited:
            return  # a broken settings file stays as it is until the user changes something
        for endpoint_id, form in self._forms.items():
            self.settings.set_form_values(endpoint_id, form.all_values())
        self.settings.endpoint = self.endpoint_id
        self.settings.profile_name = self.profile.name
        self.settings.set_geometry(QByteArray(self.saveGeometry()))
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            # After the first paint, in worker threads: read the key's status (imports keyring, may prompt),
            # then import httpx and build the TLS context so that the first Create is quick.
            # `self` as the timers' context: they die with the window instead of firing into a deleted one.
            QTimer.singleShot(20, self, self._bind_shortcuts)
            QTimer.singleShot(50, self, self._refresh_key_status)
            QTimer.singleShot(300, self, self._warm_up)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.token_panel.stop()
        self.controller.shutdown()
        super().closeEvent(event)


def _sentence(text: str) -> str:
    """A message shared with the CLI (which prints it after "realtime-gui: ") as a sentence of its own."""
    return text[:1].upper() + text[1:]
