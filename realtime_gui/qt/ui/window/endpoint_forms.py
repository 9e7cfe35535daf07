"""The endpoint list and its forms: start-up builds only the shown form, the others are built a few rows a step
once the window has started up (or on first use, if that comes sooner). A change of endpoint carries over the values
that mean the same there and that the target accepts (the rest of the target's form stays as it was), and a retired
beta endpoint's refusal offers the switch to its GA endpoint with the settings carried over. Replacing many values at
once (Reset, Switch to GA, Open preset) can be undone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from realtime_gui.api.catalog import ENDPOINT_IDS, endpoint
from realtime_gui.jsontext import JsonValue
from realtime_gui.qt.ui.form.field_base import initial_value
from realtime_gui.qt.ui.form.form import ParameterForm
from realtime_gui.qt.ui.window import banner as cause
from realtime_gui.qt.ui.window.geometry import show_page

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtWidgets import QComboBox, QScrollArea, QStatusBar

    from realtime_gui.api.beta_to_ga import Carried
    from realtime_gui.errors import RetiredEndpointError
    from realtime_gui.qt.settings import Settings
    from realtime_gui.qt.ui.window.banner import Banner
    from realtime_gui.qt.ui.window.geometry import PageStack


UNDO_DEPTH = 20
ROWS_A_TURN = 6  # rows built a step when they wait (~4 ms): each step well under a frame


@dataclass(frozen=True)
class _Before:
    """The forms as they were before a change that replaced many values at once."""

    what: str  # the change, as Edit > Undo names it
    endpoint_id: str  # the endpoint shown
    values: dict[str, dict[str, JsonValue]]  # each changed form's values, by endpoint


class EndpointForms(QObject):
    """Follows the endpoint list `combo` and fills the page `stack` (shown in `scroll`) with forms; says what a
    change means in the `banner` and the `status_bar`."""

    form_built = Signal(object)  # a ParameterForm of the stack whose rows are all built: the Tab order takes it in
    undo_changed = Signal(str)  # what Edit > Undo would undo now ("" for nothing)
    ga_switched = Signal()  # the GA offer was taken: its form is shown with the beta form's settings

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
        self._shown: dict[str, None] = {}  # the endpoints whose form has been shown, in order
        self._current = ""
        self._retired_values: tuple[str, dict[str, JsonValue]] | None = None
        self._undo: list[_Before] = []

    def start(self, endpoint_id: str, *, height_now: int | None = None) -> None:
        """Show `endpoint_id` (the first endpoint if it is unknown), then follow the list. `height_now`: build only
        the first rows of its form that fill this many pixels (the rest wait for `build_waiting_rows`)."""
        combo = self._combo
        combo.setCurrentIndex(max(0, combo.findData(endpoint_id)))
        self._show(self.endpoint_id, height_now=height_now)
        combo.currentIndexChanged.connect(self._on_endpoint_combo_changed)

    @property
    def endpoint_id(self) -> str:
        return str(self._combo.currentData())

    @property
    def form(self) -> ParameterForm:
        return self._forms[self.endpoint_id]

    def shown_forms(self) -> Iterator[tuple[str, ParameterForm]]:
        """(endpoint id, form) of each form shown so far: what is remembered. A form built ahead and never shown
        holds only what it was opened with; saving it would pin today's defaults for an endpoint never used."""
        return ((endpoint_id, self._forms[endpoint_id]) for endpoint_id in self._shown)

    def form_for(self, endpoint_id: str, *, height_now: int | None = None) -> ParameterForm:
        """The form of `endpoint_id`, built on first use with the values remembered for it (`height_now`: see
        ParameterForm)."""
        form = self._forms.get(endpoint_id)
        if form is None:
            values = self._settings.form_values(endpoint_id)
            form = ParameterForm(endpoint(endpoint_id), values=values, height_now=height_now)
            self._forms[endpoint_id] = form
            self._stack.addWidget(form)
            if form.rows_waiting:
                form.rows_completed.connect(lambda: self._on_form_rows_completed(endpoint_id))
            else:
                self._on_form_rows_completed(endpoint_id)
            form.problems_fixed.connect(self._on_form_problems_fixed)
        return form

    def _on_form_rows_completed(self, endpoint_id: str) -> None:
        form = self._forms[endpoint_id]
        self._settings.form_opened_with(endpoint_id, form.opened_values)
        self.form_built.emit(form)

    # -- what start-up leaves for later, a step at a time (the window paces the steps) --

    def build_shown_rows(self) -> bool:
        """ROWS_A_TURN more rows of the form shown; False when none is waiting."""
        if not self.form.rows_waiting:
            return False
        self.form.build_waiting_rows(ROWS_A_TURN)
        return True

    def build_other_rows(self) -> bool:
        """ROWS_A_TURN more rows of another endpoint's form, one form after another (each made, its sections only,
        when its turn comes), so that switching endpoint shows a built form; False once every form is whole. A
        whole form a step stalled the first second after show for 12-29 ms a step (2 runs)."""
        building = next((form for form in self._forms.values() if form.rows_waiting), None)
        if building is not None:
            building.build_waiting_rows(ROWS_A_TURN)
            return True
        waiting = next((endpoint_id for endpoint_id in ENDPOINT_IDS if endpoint_id not in self._forms), None)
        if waiting is None:
            return False
        self.form_for(waiting, height_now=0)  # its sections only: its rows come in the next steps
        return True

    def _show(self, endpoint_id: str, *, height_now: int | None = None) -> None:
        ep = endpoint(endpoint_id)
        self._combo.setToolTip(f"POST {{base}}{ep.path}\n{ep.summary}")
        form = self.form_for(endpoint_id, height_now=height_now)
        if height_now is None:
            form.build_waiting_rows()  # a form still being built in the background: its rows all show at once
        show_page(self._scroll, form)
        self._scroll.verticalScrollBar().setValue(0)
        self._current = endpoint_id
        self._shown[endpoint_id] = None

    def _on_endpoint_combo_changed(self, _index: int) -> None:
        previous, now = self._current, self.endpoint_id
        if previous == now:
            return
        shown = self._forms.get(previous)
        self._show(now)
        said = self._carry(previous, now, _chosen(shown)) if shown is not None else ""
        self._banner.end(cause.MINT, cause.FIELD, cause.FORM, cause.RETIRED, cause.PRESET)
        self._status_bar.showMessage(f"{endpoint(now).summary} {said}".strip(), 10000 if said else 5000)

    def _carry(self, source: str, target: str, values: dict[str, JsonValue]) -> str:
        """Put the values of `source` that `target` accepts into its form, over what it held (the rest stays);
        returns what was carried and what was not, in words."""
        # Loaded at the first switch: its two value types cost start-up ~2 ms.
        from realtime_gui.api.beta_to_ga import Carried, carry

        carried = carry(source, target, values)
        form = self.form_for(target)
        before = form.all_values()
        if carried.values:
            form.set_values({**before, **carried.values})
        # Said: what changed here (a required row's default, the same on both, is no news).
        news = {p: v for p, v in carried.values.items() if p not in before or before[p] != v}
        return self._carried_words(target, Carried(values=news, refused=carried.refused))

    def _carried_words(self, target: str, carried: Carried) -> str:
        rows = endpoint(target).by_path
        said = []
        if carried.values:
            labels = dict.fromkeys(rows[p].label if p in rows else p for p in carried.values)
            said.append(self.tr("Carried over: {0}.").format(", ".join(labels)))
        if carried.refused:
            reasons = "; ".join(p.sentence(rows[p.path].label if p.path in rows else None) for p in carried.refused)
            said.append(self.tr("Not carried (its own value kept): {0}.").format(reasons))
        return " ".join(said)

    def _on_form_problems_fixed(self) -> None:
        # Only the shown form's fields are ever marked: the banner spoke of them.
        self._banner.end(cause.FORM, cause.FIELD)

    def reset(self) -> None:
        """Every parameter of the shown form back to "not sent"."""
        self.remember(self.tr("Reset to defaults"))
        self.form.reset()
        self._banner.end(cause.FORM, cause.FIELD, cause.PRESET)
        self._status_bar.showMessage(
            self.tr(
                "Every parameter is back to “not sent”: the API's defaults apply. Edit > Undo (Ctrl+Z) puts them back."
            ),
            8000,
        )

    # -- undo --

    def remember(self, what: str, *also: str) -> None:
        """Keep the shown form's values (and those of the endpoints `also`) for Edit > Undo, before `what`
        replaces many of them at once."""
        ids = dict.fromkeys((self.endpoint_id, *also))
        values = {eid: self.form_for(eid).all_values() for eid in ids}
        self._undo = [*self._undo[-(UNDO_DEPTH - 1) :], _Before(what, self.endpoint_id, values)]
        self.undo_changed.emit(what)

    def undo(self) -> bool:
        """Put back the forms as they were before the latest such change, and show the endpoint shown then."""
        if not self._undo:
            return False
        before = self._undo.pop()
        for endpoint_id, values in before.values.items():
            form = self.form_for(endpoint_id)
            form.set_values(values)
            form.clear_problems()
        self._show_quietly(before.endpoint_id)
        self._banner.end(cause.FORM, cause.FIELD, cause.PRESET, cause.RETIRED)
        self._status_bar.showMessage(self.tr("Undone: {0}.").format(before.what), 5000)
        self.undo_changed.emit(self._undo[-1].what if self._undo else "")
        return True

    def _show_quietly(self, endpoint_id: str) -> None:
        """Show `endpoint_id` without carrying values over (the values are already where they belong)."""
        if endpoint_id == self._current:
            return
        combo = self._combo
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(endpoint_id))
        combo.blockSignals(False)
        self._show(endpoint_id)

    # -- a retired beta endpoint --

    def offer_ga(self, error: RetiredEndpointError) -> None:
        """Say that the beta endpoint is retired, what would not carry over, and offer the switch. The endpoint is
        the one the refused request went to: the list may have moved on while it was under way."""
        source = error.retired_id
        form = self.form_for(source)
        from realtime_gui.api.beta_to_ga import to_ga

        mapping = to_ga(source, form.values())
        self._retired_values = (source, _chosen(form, form.values()))
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
        self.remember(self.tr("Switch to {0}").format(target), target)
        said = self._carry(source, target, values)
        self._show_quietly(target)
        self._banner.clear()
        self.ga_switched.emit()  # the banner's button is gone: the window moves the focus to Create
        self._status_bar.showMessage(
            self.tr("Switched to {0}. {1} Press Create to mint; Edit > Undo (Ctrl+Z) goes back.").format(target, said),
            15000,
        )


def _chosen(form: ParameterForm, values: dict[str, JsonValue] | None = None) -> dict[str, JsonValue]:
    """The form's values (or `values`) less those it starts with by itself (a required row's documented default):
    those the user did not choose are not carried, so that another endpoint never sends them."""
    rows = form.endpoint.by_path
    given = form.all_values() if values is None else values
    return {path: value for path, value in given.items() if path not in rows or value != initial_value(rows[path])}
