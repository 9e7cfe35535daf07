"""The endpoint list and its forms: each endpoint's form is built on first use (start-up builds only the shown one),
a change of endpoint carries over the values that mean the same there, and a retired beta endpoint's refusal offers
the switch to its GA endpoint with the settings carried over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from realtime_gui.api.beta_to_ga import carry_over, to_ga
from realtime_gui.api.catalog import endpoint
from realtime_gui.jsontext import JsonValue
from realtime_gui.qt.ui.form.form import ParameterForm
from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.geometry import show_page

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtWidgets import QComboBox, QScrollArea, QStatusBar

    from realtime_gui.errors import RetiredEndpointError
    from realtime_gui.qt.settings import Settings
    from realtime_gui.qt.ui.window.banner import Banner
    from realtime_gui.qt.ui.window.geometry import PageStack


class EndpointForms(QObject):
    """Follows the endpoint list `combo` and fills the page `stack` (shown in `scroll`) with forms; says what a
    change means in the `banner` and the `status_bar`."""

    form_built = Signal()  # a new form joined the stack: the Tab order must take it in

    def __init__(
        self,
        *,
        combo: QComboBox,
        stack: PageStack,
        scroll: QScrollArea,
        settings: Settings,
        banner: Banner,
        status_bar: QStatusBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._combo = combo
        self._stack = stack
        self._scroll = scroll
        self._settings = settings
        self._banner = banner
        self._status_bar = status_bar
        self._forms: dict[str, ParameterForm] = {}
        self._current = ""
        self._retired_values: tuple[str, dict[str, JsonValue]] | None = None

    def start(self, endpoint_id: str) -> None:
        """Show `endpoint_id` (the first endpoint if it is unknown), then follow the list."""
        combo = self._combo
        combo.setCurrentIndex(max(0, combo.findData(endpoint_id)))
        self._show(self.endpoint_id)
        combo.currentIndexChanged.connect(self._on_endpoint_combo_changed)

    @property
    def endpoint_id(self) -> str:
        return str(self._combo.currentData())

    @property
    def form(self) -> ParameterForm:
        return self._forms[self.endpoint_id]

    def built(self) -> Iterator[tuple[str, ParameterForm]]:
        """(endpoint id, form) of each form built so far."""
        return iter(self._forms.items())

    def form_for(self, endpoint_id: str) -> ParameterForm:
        """The form of `endpoint_id`, built on first use with the values remembered for it."""
        form = self._forms.get(endpoint_id)
        if form is None:
            form = ParameterForm(endpoint(endpoint_id))
            form.set_values(self._settings.form_values(endpoint_id))
            self._settings.form_opened_with(endpoint_id, form.all_values())
            self._forms[endpoint_id] = form
            self._stack.addWidget(form)
            self.form_built.emit()
        return form

    def _show(self, endpoint_id: str) -> None:
        ep = endpoint(endpoint_id)
        self._combo.setToolTip(f"POST {{base}}{ep.path}\n{ep.summary}")
        show_page(self._scroll, self.form_for(endpoint_id))
        self._scroll.verticalScrollBar().setValue(0)
        self._current = endpoint_id

    def _on_endpoint_combo_changed(self, _index: int) -> None:
        previous, now = self._current, self.endpoint_id
        if previous == now:
            return
        shown = self._forms.get(previous)
        carried = carry_over(previous, now, shown.all_values()) if shown is not None else {}
        self._show(now)
        if carried:
            self.form.set_values({**self.form.all_values(), **carried})
        self._banner.end(cause.MINT, cause.FORM, cause.RETIRED, cause.PRESET)
        self._status_bar.showMessage(endpoint(now).summary, 5000)

    def reset(self) -> None:
        """Every parameter of the shown form back to "not sent"."""
        self.form.reset()
        self._banner.end(cause.FORM, cause.PRESET)
        self._status_bar.showMessage(self.tr("Every parameter is back to “not sent”: the API's defaults apply."), 5000)

    # -- a retired beta endpoint --

    def offer_ga(self, error: RetiredEndpointError) -> None:
        """Say that the beta endpoint is retired, what would not carry over, and offer the switch."""
        source = self.endpoint_id
        mapping = to_ga(source, self.form.values())
        self._retired_values = (source, mapping.values)
        dropped = ", ".join(p.path for p in mapping.dropped)
        text = f"{error}\nServer: {error.server_message}"
        if dropped:
            text += "\n" + self.tr("Not carried over (no GA equivalent): {0}").format(dropped)
        switch = ("switchToGa", self.tr("Switch to {0}").format(error.ga_endpoint_id), self.switch_to_ga)
        self._banner.show_message(text, cause=cause.RETIRED, action=switch)

    def switch_to_ga(self) -> None:
        if self._retired_values is None:
            return
        source, values = self._retired_values
        target = endpoint(source).ga_equivalent
        assert target is not None
        self._retired_values = None
        combo = self._combo
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(target))
        combo.blockSignals(False)
        self._show(target)
        self.form.set_values(values)
        self._banner.clear()
        self._status_bar.showMessage(
            self.tr("Switched to {0} with the same settings. Press Create to mint.").format(target), 8000
        )
