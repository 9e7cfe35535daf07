"""No value the user did not choose is sent: the wheel scrolls the form instead of changing fields, typed numbers are
kept as typed and refused with the CLI's sentence, presets go through the same checks as `mint --preset`, and
nothing is pre-filled but a required row's documented default. Real widgets (pytest-qt), real wheel events through
Qt's event routing, the fake server on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from realtime_gui.api.catalog import ENDPOINTS, Kind, Unset
from realtime_gui.api.presets import read_preset
from realtime_gui.api.request import build_request
from realtime_gui.cli import main as cli_main
from realtime_gui.demo import FakeOpenAI
from realtime_gui.jsontext import JsonValue
from realtime_gui.qt.ui.window.main_window import MainWindow

from conftest import TEST_KEY, OpenWindow
from driving import WAIT_MS, child, choose_endpoint, field, mint
from samples import rich_values

TD = "session.audio.input.turn_detection"


def editor(window: MainWindow, path: str) -> QWidget:
    return child(window.form, QWidget, path)


def spin_box(window: MainWindow, path: str) -> QAbstractSpinBox:
    return child(window.form, QAbstractSpinBox, path)


def wheel(window: MainWindow, widget: QWidget, *, notches: int) -> None:
    """Turn the wheel with the pointer over the middle of `widget`, as the platform delivers it (spontaneous
    events that Qt routes to the widget under the pointer and on to its parents). Negative: towards the user."""
    window.form_scroll.ensureWidgetVisible(widget, 0, 0)
    QApplication.processEvents()
    where = widget.mapTo(window, widget.rect().center())
    step = 120 if notches > 0 else -120
    for _ in range(abs(notches)):
        QTest.wheelEvent(window.windowHandle(), QPointF(where), QPoint(0, step))
        QApplication.processEvents()


def type_into(qtbot: QtBot, window: MainWindow, path: str, text: str) -> QAbstractSpinBox:
    box = editor(window, path)
    assert isinstance(box, QAbstractSpinBox)
    window.form_scroll.ensureWidgetVisible(box)
    qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)  # typing ends: the field is checked
    return box


def error_under(window: MainWindow, path: str) -> str:
    label = window.form.findChild(QLabel, f"{path}#error")
    return label.text() if label is not None and label.isVisible() else ""


def create(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)


def assert_nothing_sent(window: MainWindow, server: FakeOpenAI) -> None:
    """No call was started: a call under way keeps the controller busy until its answer is back, and by then the
    server has recorded its request."""
    assert not window.controller.busy, "no call was started"
    assert server.requests == [], "nothing was sent"


def shown_text(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    assert isinstance(widget, QAbstractSpinBox)
    return widget.text()


# -- the wheel -----------------------------------------------------------------------------------------------

WHEELED = [
    ("realtime", "session.model"),  # an editable combo
    ("realtime", "session.output_modalities"),
    ("realtime", "session.audio.output.voice"),
    ("realtime", "session.audio.output.speed"),  # a number box
    ("realtime", "session.audio.input.format.type"),
    ("realtime", "session.audio.input.noise_reduction"),  # a group's state
    ("realtime", TD),
    ("realtime", "session.tool_choice"),
    ("realtime", "session.parallel_tool_calls"),  # yes / no
    ("realtime", "session.max_output_tokens"),
    ("realtime", "session.reasoning.effort"),
    ("beta-sessions", "temperature"),
]


def test_the_wheel_over_unfocused_fields_scrolls_the_form_and_sends_nothing_new(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    window.resize(700, 500)  # the form is taller than its view
    bar = window.form_scroll.verticalScrollBar()
    for endpoint_id, path in WHEELED:
        choose_endpoint(window, endpoint_id)
        field = editor(window, path)
        before = shown_text(field)
        for notches in (-2, 2):
            start = bar.value()
            wheel(window, field, notches=notches)
            assert shown_text(field) == before, f"the wheel changed {path}"
            assert not field.hasFocus(), f"the wheel focused {path}"
            assert bar.value() != start, f"the form did not scroll over {path}"
        assert window.form.values() == {}, path
    choose_endpoint(window, "realtime")
    mint(qtbot, window)
    assert server.requests[-1].json() == build_request("realtime", {}).body


def test_the_wheel_over_the_endpoint_and_profile_does_not_switch_them(open_window: OpenWindow) -> None:
    window = open_window()
    editor(window, "session.instructions").setFocus()  # the endpoint list has the focus at start
    for name in ("endpoint", "profile"):
        combo = child(window, QComboBox, name)
        before = combo.currentIndex()
        wheel(window, combo, notches=-1)
        assert combo.currentIndex() == before, name
    assert window.endpoint_id == "realtime"


def test_the_wheel_changes_a_field_that_has_the_focus(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    window.resize(700, 500)
    bar = window.form_scroll.verticalScrollBar()
    effort = editor(window, "session.reasoning.effort")
    assert isinstance(effort, QComboBox)
    effort.setFocus(Qt.FocusReason.TabFocusReason)  # tabbed to (a click would open its list)
    assert effort.hasFocus()
    wheel(window, effort, notches=-1)
    assert effort.currentText() == "minimal"  # the entry after "default (low)"
    speed = editor(window, "session.audio.output.speed")
    assert isinstance(speed, QAbstractSpinBox)
    window.form_scroll.ensureWidgetVisible(speed, 0, 0)
    qtbot.mouseClick(speed.lineEdit(), Qt.MouseButton.LeftButton)
    start = bar.value()
    wheel(window, speed, notches=3)  # from empty: the default 1.0, then 1.05, 1.1
    assert speed.text() == "1.1"
    assert bar.value() == start, "a wheel used by the focused field does not scroll the form"
    mint(qtbot, window)
    session = server.requests[-1].json()["session"]
    assert session["reasoning"] == {"effort": "minimal"}
    assert session["audio"]["output"]["speed"] == 1.1


# -- typed numbers ---------------------------------------------------------------------------------------------

OUT_OF_RANGE = [
    ("realtime", "expires_after.seconds", "5", "5 is out of range; expected a whole number from 10 to 7200 s"),
    ("realtime", "session.audio.output.speed", "9", "9 is out of range; expected a number from 0.25 to 1.5"),
    (
        "realtime",
        "session.max_output_tokens",
        "5000",
        '5000 is out of range; expected a whole number from 1 to 4096 or "inf"',
    ),
    (
        "realtime",
        f"{TD}.idle_timeout_ms",
        "100",
        "100 is out of range; expected a whole number from 5000 to 30000 ms or null",
    ),
    ("realtime", "expires_after.seconds", "60.5", "60.5 is not a whole number; expected a whole number from 10"),
    ("realtime", "expires_after.seconds", "ten", '"ten" is not allowed; expected a whole number from 10 to 7200 s'),
    ("beta-sessions", "temperature", "1.5", "1.5 is out of range; expected a number from 0.6 to 1.2"),
    ("realtime", "expires_after.seconds", "9" * 400, "9" * 57 + "… is out of range; expected a whole number from 10"),
]


@pytest.mark.parametrize(("endpoint_id", "path", "typed", "message"), OUT_OF_RANGE)
def test_a_typed_number_stays_as_typed_is_refused_with_the_cli_sentence_and_nothing_is_sent(
    qtbot: QtBot,
    open_window: OpenWindow,
    server: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    endpoint_id: str,
    path: str,
    typed: str,
    message: str,
) -> None:
    window = open_window()
    choose_endpoint(window, endpoint_id)
    if path.startswith(TD):
        field(window, TD).set_value({})  # turn detection on, so its fields apply
    box = type_into(qtbot, window, path, typed)
    assert box.text() == typed
    assert message in error_under(window, path), "said as soon as typing ends"
    assert box.property("invalid") is True
    create(qtbot, window)
    assert box.text() == typed, "never replaced, clamped or rounded"
    assert f"{path}: {message}" in window.error_text.text()
    assert message in error_under(window, path)
    assert_nothing_sent(window, server)
    # The CLI says the very same about the same value.
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    code = cli_main(["mint", "--endpoint", endpoint_id, "--set", f"{path}={typed}", "--base-url", server.base_url])
    assert code == 2
    assert f"{path}: {message}" in capsys.readouterr().err
    assert server.requests == []


@pytest.mark.parametrize(
    ("path", "typed", "message"),
    [
        ("session.model", "gpt-realtime ", '"gpt-realtime " has a space at the end; remove it'),
        ("session.audio.output.voice", "'marin'", "\"'marin'\" is wrapped in quotes ('…'); give it without them"),
        ("session.prompt.id", " pmpt_123", '" pmpt_123" has a space at the start; remove it'),
    ],
)
def test_a_typed_name_with_a_stray_space_or_quote_is_refused_as_the_cli_refuses_it(
    qtbot: QtBot,
    open_window: OpenWindow,
    server: FakeOpenAI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    typed: str,
    message: str,
) -> None:
    window = open_window()
    if path == "session.prompt.id":
        field(window, "session.prompt").set_value({})  # the prompt on, so its id applies
    widget = editor(window, path)
    line = widget.lineEdit() if isinstance(widget, QComboBox) else widget
    assert isinstance(line, QLineEdit)
    window.form_scroll.ensureWidgetVisible(widget)
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton)
    line.selectAll()
    qtbot.keyClicks(line, typed)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert message in error_under(window, path), "said as soon as typing ends"
    create(qtbot, window)
    assert f"{path}: {message}" in window.error_text.text()
    assert line.text() == typed, "never trimmed"
    assert_nothing_sent(window, server)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    assert cli_main(["mint", "--set", f"{path}={typed}", "--base-url", server.base_url]) == 2
    assert f"{path}: {message}" in capsys.readouterr().err
    assert server.requests == []


def test_an_empty_number_box_is_not_sent_and_shows_the_api_default(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    lifetime = spin_box(window, "expires_after.seconds")
    assert lifetime.text() == ""
    assert lifetime.lineEdit().placeholderText() == "default (600)"
    assert spin_box(window, "session.max_output_tokens").lineEdit().placeholderText() == "default (inf)"
    field(window, TD).set_value({})
    assert spin_box(window, f"{TD}.idle_timeout_ms").lineEdit().placeholderText() == 'not sent · or "null"'
    box = type_into(qtbot, window, f"{TD}.idle_timeout_ms", "null")
    assert window.form.values()[f"{TD}.idle_timeout_ms"] is None
    assert error_under(window, f"{TD}.idle_timeout_ms") == ""
    box.lineEdit().clear()
    assert f"{TD}.idle_timeout_ms" not in window.form.values()


def test_keyboard_steps_stay_within_the_api_range(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    lifetime = type_into(qtbot, window, "expires_after.seconds", "7199")
    for _ in range(3):
        qtbot.keyClick(lifetime, Qt.Key.Key_Up)
    assert lifetime.text() == "7200"
    lifetime.lineEdit().setText("5")
    qtbot.keyClick(lifetime, Qt.Key.Key_Up)  # stepping is a choice: it goes to the nearest allowed value
    assert lifetime.text() == "10"
    lifetime.lineEdit().clear()
    qtbot.keyClick(lifetime, Qt.Key.Key_Down)
    assert lifetime.text() == "600", "stepping from empty starts at the API's default"


def test_a_typed_value_survives_a_restart(open_window: OpenWindow) -> None:
    first = open_window()
    field(first, "expires_after.seconds").set_value(5)
    first.close()
    second = open_window()
    assert spin_box(second, "expires_after.seconds").text() == "5"


# -- nothing pre-filled ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint_id", list(ENDPOINTS))
def test_turning_groups_on_fills_in_nothing_but_documented_defaults(open_window: OpenWindow, endpoint_id: str) -> None:
    window = open_window()
    choose_endpoint(window, endpoint_id)
    form = window.form
    assert form.values() == {}
    ep = ENDPOINTS[endpoint_id]
    for group in (row for row in ep.parameters if row.kind is Kind.GROUP):
        field(window, group.path).set_value({})
    for row in ep.parameters:  # every variant of every choice too (server_vad / semantic_vad …)
        if row.kind is Kind.CHOICE and row.required and not row.fixed and not row.open:
            for choice in row.choices:
                field(window, row.path).set_value(choice)
            field(window, row.path).set_value(row.default if not isinstance(row.default, Unset) else None)
    for path, value in form.values().items():
        row = ep.by_path[path]
        if row.kind is Kind.GROUP:
            assert value == {}
        else:
            assert row.required, f"{path} was filled in with {value!r}"
            assert value == row.default, f"{path} was filled in with {value!r}, not the documented default"


def _custom_truncation(window: MainWindow) -> QComboBox:
    """Truncation set to "custom…", as choosing it in its list does; its retention ratio is then required."""
    truncation = editor(window, "session.truncation")
    assert isinstance(truncation, QComboBox)
    truncation.setCurrentIndex(truncation.findText("custom…"))
    return truncation


def test_truncation_custom_sends_nothing_until_the_ratio_is_given(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    _custom_truncation(window)
    ratio = spin_box(window, "session.truncation.retention_ratio")
    assert ratio.isVisible()
    assert shown_text(ratio) == ""
    assert ratio.lineEdit().placeholderText() == "required"
    create(qtbot, window)
    assert_nothing_sent(window, server)
    assert error_under(window, "session.truncation.retention_ratio") == (
        "Retention ratio is required when session.truncation is on; expected a number from 0 to 1"
    )
    qtbot.waitUntil(ratio.hasFocus, timeout=WAIT_MS)  # Create takes the user to the missing value
    type_into(qtbot, window, "session.truncation.retention_ratio", "0.5")
    mint(qtbot, window)
    assert server.requests[-1].json()["session"]["truncation"] == {"type": "retention_ratio", "retention_ratio": 0.5}


def test_a_message_under_a_field_goes_and_comes_back_with_its_row(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    truncation = _custom_truncation(window)
    create(qtbot, window)
    said = "Retention ratio is required when session.truncation is on; expected a number from 0 to 1"
    assert error_under(window, "session.truncation.retention_ratio") == said
    truncation.setCurrentIndex(truncation.findText("not sent"))  # the ratio's row hides, and its message with it
    assert not spin_box(window, "session.truncation.retention_ratio").isVisible()
    assert error_under(window, "session.truncation.retention_ratio") == ""
    truncation.setCurrentIndex(truncation.findText("custom…"))  # nothing was fixed: the message is back
    assert spin_box(window, "session.truncation.retention_ratio").isVisible()
    assert error_under(window, "session.truncation.retention_ratio") == said
    assert_nothing_sent(window, server)


def test_a_required_choice_without_a_default_is_asked_for_not_guessed(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI
) -> None:
    window = open_window()
    choose_endpoint(window, "translation")
    model = editor(window, "session.model")
    assert shown_text(model) == ""
    field(window, "session.audio.input.noise_reduction").set_value({})
    microphone = editor(window, "session.audio.input.noise_reduction.type")
    assert shown_text(microphone) == "required: choose one"
    create(qtbot, window)
    assert_nothing_sent(window, server)
    text = window.error_text.text()
    assert "session.model is required; expected one of gpt-realtime-translate" in text
    assert "session.audio.input.noise_reduction.type is required when" in text


# -- presets -----------------------------------------------------------------------------------------------------

BAD_PRESETS = [
    ({"session.audio.output.speed": 9}, ["session.audio.output.speed: 9 is out of range; expected a number"]),
    (
        {"session.audio.output.voice": "marin", "expires_after": {"seconds": 5}, "session.temperature": 1},
        [
            "2 values the realtime endpoint does not accept",
            "session.temperature: not a parameter of the realtime endpoint",
            "expires_after.seconds: 5 is out of range",
        ],
    ),
    ({f"{TD}": None, f"{TD}.threshold": 0.5}, [f"{TD}.threshold: cannot be set while {TD} is off (null)"]),
    ('{"session.audio.output.speed": NaN}', ["contains NaN, which JSON does not allow"]),
    ({"session.audio.output.speed": int("9" * 400)}, ["session.audio.output.speed: " + "9" * 57 + "… is out of range"]),
    ("[" * 100 + "]" * 100, ["is nested too deeply"]),
    ('["session.model"]', ["must be a JSON object of PATH -> VALUE"]),
    ("/dev/zero", ["it is not a regular file"]),
]


@pytest.mark.parametrize(("content", "fragments"), BAD_PRESETS)
def test_a_bad_preset_is_refused_alike_by_the_window_and_the_cli(
    qtbot: QtBot,
    open_window: OpenWindow,
    server: FakeOpenAI,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    content: Any,
    fragments: list[str],
) -> None:
    if content == "/dev/zero":
        preset = Path(content)
    else:
        preset = tmp_path / "bad.json"
        preset.write_text(content if isinstance(content, str) else json.dumps(content))
    window = open_window()
    window.form.set_values({"session.audio.output.voice": "ash"})
    window.open_preset(str(preset))
    banner = window.error_text.text()
    assert window.error_banner.isVisible()
    assert window.form.values() == {"session.audio.output.voice": "ash"}, "a bad preset loads nothing"
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    assert cli_main(["mint", "--preset", str(preset), "--base-url", server.base_url]) == 2
    said = capsys.readouterr().err
    assert server.requests == []
    lead = said.splitlines()[0].removeprefix("realtime-gui: ")
    assert banner.splitlines()[0] == lead[:1].upper() + lead[1:], "the same sentence in both"
    for fragment in fragments:
        assert fragment in banner
        assert fragment in said
    assert TEST_KEY not in said + banner


@pytest.mark.parametrize("endpoint_id", list(ENDPOINTS))
def test_a_saved_preset_loads_back_whole_in_the_window_and_the_cli(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, tmp_path: Path, endpoint_id: str
) -> None:
    window = open_window()
    choose_endpoint(window, endpoint_id)
    values = rich_values(ENDPOINTS[endpoint_id])
    window.form.set_values(values)
    preset = tmp_path / f"{endpoint_id}.json"
    window.save_preset(str(preset))
    assert read_preset(preset, endpoint_id) == values
    window.reset_form()
    window.open_preset(str(preset))
    assert window.error_banner.isHidden(), window.error_text.text()
    assert window.form.values() == values


def test_saving_a_preset_with_an_out_of_range_value_writes_nothing(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window()
    type_into(qtbot, window, "session.audio.output.speed", "9")
    preset = tmp_path / "p.json"
    window.save_preset(str(preset))
    assert not preset.exists()
    assert "The preset was not saved: 1 value to fix" in window.error_text.text()
    assert "9 is out of range" in error_under(window, "session.audio.output.speed")


def test_a_member_given_without_its_group_loads_with_the_group_on(
    qtbot: QtBot, open_window: OpenWindow, server: FakeOpenAI, tmp_path: Path
) -> None:
    preset = tmp_path / "td.json"
    given: dict[str, JsonValue] = {
        f"{TD}.type": "server_vad",
        f"{TD}.threshold": 0.7,
        "session.audio.output.voice": "voice_abc",
    }
    preset.write_text(json.dumps(given))
    window = open_window()
    window.open_preset(str(preset))
    assert window.form.is_shown(f"{TD}.threshold")
    assert shown_text(editor(window, "session.audio.output.voice")) == "voice_abc"
    mint(qtbot, window)
    sent = server.requests[-1].json()
    assert sent == build_request("realtime", given).body
    assert sent["session"]["audio"]["input"]["turn_detection"]["threshold"] == 0.7
