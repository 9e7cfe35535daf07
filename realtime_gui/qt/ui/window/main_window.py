"""The main window: its widgets (layout.py: endpoint and profile at the top, the form on the left, the token on the
right), and here the wiring of its parts. Each job has a module of its own: minting.py (Create, Cancel, the answer),
endpoint_forms.py, current_profile.py (the profile and its key), preset_actions.py, profile_actions.py, menus.py,
serve_toggle.py. Each part is given what it uses (widgets, the controller, the banner, the status bar) and never
the window.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer, Signal

from realtime_gui import __version__
from realtime_gui.config.connection_options import ConnectionOptions
from realtime_gui.config.profiles import DEFAULT_PROFILE, Profile
from realtime_gui.qt.demo import TITLE as DEMO_TITLE
from realtime_gui.qt.demo import DemoMode
from realtime_gui.qt.settings import Settings
from realtime_gui.qt.ui.form.form import ParameterForm
from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.current_profile import CurrentProfile
from realtime_gui.qt.ui.window.endpoint_forms import EndpointForms
from realtime_gui.qt.ui.window.focus import chain, reading_order
from realtime_gui.qt.ui.window.geometry import clamp_to_screen, fit_first_size
from realtime_gui.qt.ui.window.layout import WindowLayout
from realtime_gui.qt.ui.window.menus import Menus
from realtime_gui.qt.ui.window.minting import MintFlow
from realtime_gui.qt.ui.window.preset_actions import PresetActions
from realtime_gui.qt.ui.window.profile_actions import ProfileActions
from realtime_gui.qt.ui.window.serve_toggle import ServeToggle
from realtime_gui.qt.workers.controller import Controller

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QShowEvent
    from PySide6.QtWidgets import QMessageBox

    from realtime_gui.demo import FakeOpenAI
    from realtime_gui.qt.ui.dialogs.key_dialog import KeyDialog
    from realtime_gui.qt.ui.dialogs.profile_dialog import ProfileDialog
    from realtime_gui.qt.workers.controller import KeyStatus

log = logging.getLogger(__name__)

NEXT_TURN_MS = 1  # between two steps of start-up's work in the background (`_in_steps`)


class MainWindow(WindowLayout):
    # Start-up is over: the first paint, the rows after it, the warm-up's imports (the serving panel and the other
    # endpoints' forms follow, a step at a time).
    started_up = Signal()

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
        self._shown = False
        self._settled = False
        self._tab_order_set = False
        self._fully_built = False
        self.set_title_note("")

        # -- what the widgets do --
        self.key_button.clicked.connect(self.open_key_dialog)
        self.reset_button.clicked.connect(self.reset_form)
        self.cancel_button.clicked.connect(self.cancel)
        self.mint_button.clicked.connect(self.mint)
        self.token_panel.clear_clipboard_on_expiry = bool(settings.preference("clear_clipboard_on_expiry"))
        self.token_panel.copied.connect(self._on_token_panel_copied)
        self.token_panel.curl_copied.connect(self._on_token_panel_curl_copied)
        self.token_panel.expired.connect(self._on_token_panel_expired)
        self.token_panel.verify.attach(controller.verifier)
        self.empty_state.add_key_clicked.connect(self.open_key_dialog)

        status_bar = self.statusBar()
        status_bar.showMessage(self.tr("Ready"))
        self.menus = Menus(
            self.menuBar(),
            parent=self,
            do={
                "open_preset": self.open_preset,
                "save_preset": self.save_preset,
                "quit": self.close,
                "mint": self.mint,
                "cancel": self.cancel,
                "copy_token": self.token_panel.copy_token,
                "copy_curl": self.token_panel.copy_as_curl,
                "reset": self.reset_form,
                "undo": self.undo,
                "set_key": self.open_key_dialog,
                "remove_key": self.remove_key,
                "new_profile": lambda: self.edit_profile(new=True),
                "edit_profile": lambda: self.edit_profile(new=False),
                "delete_profile": self.delete_profile,
                "about": self.about,
            },
        )
        self.clipboard_action = self.menus.actions["clear_clipboard"]
        self.clipboard_action.setCheckable(True)
        self.clipboard_action.setChecked(self.token_panel.clear_clipboard_on_expiry)
        self.clipboard_action.toggled.connect(self._on_clipboard_action_toggled)

        # -- the parts, each given what it uses --
        self.current_profile = CurrentProfile(
            profiles=profiles,
            options=options or ConnectionOptions(),
            combo=self.profile_combo,
            key_label=self.key_label,
            empty_state=self.empty_state,
            token_panel=self.token_panel,
            controller=controller,
            settings=settings,
            banner=self.error_banner,
            status_bar=status_bar,
            unexpected=self.unexpected,
            parent=self,
        )
        self.endpoints = EndpointForms(
            combo=self.endpoint_combo,
            stack=self.stack,
            scroll=self.form_scroll,
            settings=settings,
            banner=self.error_banner,
            status_bar=status_bar,
            parent=self,
        )
        self.serve = ServeToggle(
            action=self.menus.actions["serve"],
            # On the token side, which scrolls: serving takes none of the form's height on a small screen.
            place_panel=lambda panel: self.right_layout.insertWidget(0, panel),
            controller=controller,
            endpoints=self.endpoints,
            current=self.current_profile,
            form_switched=self.stack.currentChanged,
            settings=settings,
            status_bar=status_bar,
            parent=self,
        )
        self.serve.panel_built.connect(self._on_serve_panel_built)
        self.minting = MintFlow(
            controller=controller,
            endpoints=self.endpoints,
            current=self.current_profile,
            settings=settings,
            token_panel=self.token_panel,
            empty_state=self.empty_state,
            banner=self.error_banner,
            status_bar=status_bar,
            scroll=self.form_scroll,
            token_scroll=self.token_scroll,
            mint_button=self.mint_button,
            cancel_button=self.cancel_button,
            busy=self.busy,
            unexpected=self.unexpected,
            parent=self,
        )
        self.presets = PresetActions(
            endpoints=self.endpoints,
            banner=self.error_banner,
            status_bar=status_bar,
            scroll=self.form_scroll,
            parent=self,
        )
        self.profile_actions = ProfileActions(
            current=self.current_profile,
            controller=controller,
            settings=settings,
            banner=self.error_banner,
            status_bar=status_bar,
            parent=self,
        )
        self.demo = DemoMode(
            profiles=self.current_profile.profiles,
            select=self.current_profile.select,
            controller=controller,
            parent=self,
        )
        self.demo.started.connect(self._on_demo_started)
        self.empty_state.demo_clicked.connect(self.demo.start)

        self.current_profile.shown.connect(self._on_current_profile_shown)
        self.current_profile.start(profile_name)
        self.endpoints.form_built.connect(self._on_endpoints_form_built)
        self.endpoints.undo_changed.connect(self._on_endpoints_undo_changed)
        self.endpoints.ga_switched.connect(self.mint_button.setFocus)  # Create is next
        geometry = settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            fit_first_size(self)
        else:
            clamp_to_screen(self)
        # The first paint comes ~15 ms (6%) sooner for building only the rows a window this tall can show; the
        # rest are built just after it.
        self.endpoints.start(endpoint_id, height_now=self.height())
        settings.opened_with(endpoint_id=self.endpoint_id, profile=self.profile.name)

    # -- just after the first paint: the rest of the shown form, the key status, the warm-up, the other forms --

    def _in_steps(self, step: Callable[[], bool], then: Callable[[], None]) -> None:
        """`step` once a turn of the event loop while it says there is more to do, then `then`. The steps are
        NEXT_TURN_MS apart, not 0: Qt runs zero-delay steps back to back, with no timer or input between two of
        them, so their stalls add up (two 8 ms steps: a 16 ms stall; 1 ms apart: 9 ms)."""
        if step():
            QTimer.singleShot(NEXT_TURN_MS, self, partial(self._in_steps, step, then))
        else:
            then()

    def _after_first_paint(self) -> None:
        self._settled = True
        # In worker threads, so that start-up never waits for a keyring (which may prompt) or for httpx2.
        self.current_profile.refresh_key_status()
        # The first Create then takes ~20 ms instead of ~220 ms: httpx2 and its TLS context are loaded.
        warm_up = self.controller.warm_up()
        # After the warm-up's imports, which share the GIL: each step then stalls the event loop for its own build
        # only.
        if warm_up is not None:
            warm_up.finished.connect(self._after_warm_up)
        else:  # the window is closing already
            self.started_up.emit()

    def _after_warm_up(self) -> None:
        """One step a turn of the event loop: what waits for the start-up to end (app.py: the system's colour
        scheme, the cycle collector), the serving panel, then the other endpoints' forms."""
        self.started_up.emit()
        QTimer.singleShot(NEXT_TURN_MS, self, self._build_serve_panel)

    def _build_serve_panel(self) -> None:
        # Hidden: turning serving on then only shows it (~4 ms of building and ~7 ms of Tab order less).
        self.serve.build_panel()
        QTimer.singleShot(
            NEXT_TURN_MS, self, partial(self._in_steps, self.endpoints.build_other_rows, self._finish_building)
        )

    def _finish_building(self) -> None:
        """The last step: the Tab order (~5-10 ms; the first reading of a focus policy builds PySide6's `Qt`
        namespace, focus.py), unless a Tab set it sooner."""
        self._set_tab_order()
        self._fully_built = True

    # -- the Tab order: the last step of start-up, or the first Tab if it comes sooner --

    def focusNextPrevChild(self, next: bool) -> bool:
        """Every widget's Tab and Shift+Tab end here (QWidget passes them up to its window), and so does Qt's move
        of the focus off a widget being disabled: the first of them sets the order if start-up has not yet. (Set in
        the first step after the first paint, the walk and the `Qt` namespace it builds stalled 45-58 ms, 2 runs.)"""
        self._set_tab_order()
        return super().focusNextPrevChild(next)

    def _set_tab_order(self) -> None:
        if not self._tab_order_set:
            self.endpoints.form.build_waiting_rows()  # a Tab before they were built: they read in place too
            self._tab_order_set = True
            self._update_tab_order()

    def _update_tab_order(self) -> None:
        """Tab: the top bar, the banner's buttons, the forms' fields in reading order (Tab passes over the hidden
        forms'), the buttons under the form, the token side (the serving panel at its top, then the token panel).
        A form or the serving panel built later joins it by itself."""
        chain(
            [
                [self.endpoint_combo, self.profile_combo, self.key_button],
                [self.error_banner.action, self.error_banner.close_button],
                reading_order(self.stack),
                [self.reset_button, self.cancel_button, self.mint_button],
                reading_order(self.right_side),
            ]
        )

    def _on_serve_panel_built(self) -> None:
        # Its controls come between the buttons under the form and the token panel: put there alone, not by
        # walking the whole window again (~7 ms).
        if self._tab_order_set:
            chain([[self.mint_button], reading_order(self.serve.panel)])

    def _on_endpoints_form_built(self, form: ParameterForm) -> None:
        """A form whose rows were all built after the Tab order was set goes in just before the buttons under the
        forms; the chain through the others stays as it is (walking every form again for each new one was 10% of
        test_form_input.py's time)."""
        if not self._tab_order_set:
            return  # the walk that sets it will take this form in
        before = self.reset_button.previousInFocusChain()
        if before is not None:
            chain([[before], reading_order(form), [self.reset_button]])

    # -- what the parts share --

    @property
    def demo_server(self) -> FakeOpenAI | None:
        """The fake server demo mode started, if it did."""
        return self.demo.server

    @property
    def has_settled(self) -> bool:
        """Whether the work just after the first paint is done: every row of the shown form built (the key status,
        the warm-up and the other forms follow in the background)."""
        return self._settled

    @property
    def is_fully_built(self) -> bool:
        """Whether start-up's work in the background is done too: every endpoint's form, the serving panel, the Tab
        order."""
        return self._fully_built

    @property
    def endpoint_id(self) -> str:
        return self.endpoints.endpoint_id

    @property
    def form(self) -> ParameterForm:
        """The form shown."""
        return self.endpoints.form

    @property
    def profiles(self) -> dict[str, Profile]:
        """The profiles as saved, by name."""
        return self.current_profile.profiles

    @property
    def profile(self) -> Profile:
        """The current profile as used: its saved settings, with this run's command-line options over them."""
        return self.current_profile.profile

    @property
    def key_status(self) -> KeyStatus | None:
        """The current profile's key status, once the controller has told it."""
        return self.current_profile.key_status

    def select_profile(self, name: str) -> None:
        """Show `name` (the profiles may have changed) and everything that follows from it."""
        self.current_profile.select(name)

    def set_title_note(self, note: str) -> None:
        # Ends with the application's name, which Qt would otherwise append a second time on Linux.
        self.setWindowTitle(f"{note} — Realtime GUI" if note else "Realtime GUI")

    def show_error(self, text: str, *, cause: str, action: tuple[str, str, Callable[[], object]] | None = None) -> None:
        """Show `text` in the banner until its `cause` ends (banner.py lists the causes)."""
        self.error_banner.show_message(text, cause=cause, action=action)

    def hide_error(self) -> None:
        self.error_banner.clear()

    def unexpected(self, error: object) -> None:
        """Log an error nobody foresaw, with its traceback, and say so in the banner without its details."""
        log.error("unexpected error: %r", error, exc_info=error if isinstance(error, BaseException) else None)
        self.show_error(
            self.tr("Something unexpected went wrong ({0}). Details were written to the log.").format(
                type(error).__name__
            ),
            cause=cause.UNEXPECTED,
        )

    # -- what the menus and buttons do --

    def mint(self) -> None:
        self.minting.mint()

    def cancel(self) -> None:
        self.minting.cancel()

    def reset_form(self) -> None:
        self.endpoints.reset()

    def undo(self) -> None:
        self.endpoints.undo()

    def open_preset(self, path: str | None = None) -> None:
        self.presets.open_preset(path)

    def save_preset(self, path: str | None = None) -> None:
        self.presets.save_preset(path)

    def open_key_dialog(self) -> KeyDialog:
        return self.profile_actions.open_key_dialog()

    def remove_key(self) -> QMessageBox:
        return self.profile_actions.remove_key()

    def edit_profile(self, *, new: bool) -> ProfileDialog:
        return self.profile_actions.edit_profile(new=new)

    def delete_profile(self) -> QMessageBox | None:
        return self.profile_actions.delete_profile()

    def about(self) -> QMessageBox:
        from html import escape

        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QMessageBox

        path = self.settings.file_name
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(self.tr("About Realtime GUI"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            self.tr(
                "<p>Realtime GUI {0}<br>Mints short-lived OpenAI Realtime API tokens.</p><p>Settings:<br>{1}</p>"
            ).format(escape(__version__), escape(path))
        )
        # The path on a line of its own, and the box wide enough for it (up to most of the screen): a narrower box
        # would break it at a hyphen, mid-word ("realtime-" / "gui.ini").
        label = box.findChild(QLabel, "qt_msgbox_label")
        if label is not None:
            metrics = label.fontMetrics()
            lines = (f"Realtime GUI {__version__}", self.tr("Mints short-lived OpenAI Realtime API tokens."), path)
            wanted = max(metrics.horizontalAdvance(line) for line in lines) + 2 * metrics.averageCharWidth()
            label.setMinimumWidth(min(wanted, self.screen().availableGeometry().width() * 3 // 4))
        box.open()
        return box

    # -- small things --

    def _on_demo_started(self) -> None:
        self.set_title_note(DEMO_TITLE)

    def _on_current_profile_shown(self) -> None:
        """The title names the profile in use: none for the default one, the demo's own words for the demo."""
        profile = self.profile
        if profile.is_demo:
            self.set_title_note(DEMO_TITLE)
        else:
            self.set_title_note("" if profile.name == DEFAULT_PROFILE else profile.name)

    def _on_token_panel_copied(self) -> None:
        self.statusBar().showMessage(self.tr("Copied the token to the clipboard."), 2000)

    def _on_token_panel_curl_copied(self) -> None:
        self.statusBar().showMessage(
            self.tr("Copied the request as a curl command; it reads the key from $OPENAI_API_KEY."), 4000
        )

    def _on_token_panel_expired(self) -> None:
        self.statusBar().showMessage(self.tr("The token has expired; press Create for a new one."))

    def _on_endpoints_undo_changed(self, what: str) -> None:
        action = self.menus.actions["undo"]
        action.setEnabled(bool(what))
        action.setText(self.tr("&Undo {0}").format(what) if what else self.tr("&Undo"))

    def _on_clipboard_action_toggled(self, checked: bool) -> None:
        self.token_panel.clear_clipboard_on_expiry = checked
        self.settings.set_preference("clear_clipboard_on_expiry", checked)

    def save_state(self) -> None:
        # While the settings file is broken, a value the window opened with is not written (settings.py).
        for endpoint_id, form in self.endpoints.shown_forms():
            self.settings.set_form_values(endpoint_id, form.all_values())
        self.settings.endpoint = self.endpoint_id
        self.settings.profile_name = self.profile.name
        if self.settings.ignored:
            return  # nothing really changed: the broken file stays as it is (the window's size is no setting)
        self.settings.set_geometry(QByteArray(self.saveGeometry()))
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            # After the first paint, which the window's first frame waits for alone. `self` as the timer's context:
            # it dies with the window.
            QTimer.singleShot(
                20, self, partial(self._in_steps, self.endpoints.build_shown_rows, self._after_first_paint)
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.serve.stop()
        self.token_panel.stop()
        self.controller.shutdown()
        super().closeEvent(event)
