"""Models and parameters OpenAI is shutting down: the catalog's dates, the helpers that judge them on a given day, and
what `realtime-gui mint` and `serve` say about them (before and after the shutdown), plus the other catalog news of
the 2026-11 SDK."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import pytest

from realtime_gui.api import deprecations
from realtime_gui.api.catalog import DEPRECATIONS, ENDPOINTS, PARAMETER_DEPRECATIONS
from realtime_gui.api.deprecations import Status
from realtime_gui.api.request import validate

from conftest import Cli, Ran
from misbehaving import FakeOpenAI, Fault, FaultKind
from processes import cli_env
from samples import minimal, request_body
from serve_process import Serving

REALTIME_END = date(2027, 1, 20)
TRANSCRIBE_END = date(2027, 2, 26)
PROMPTS_END = date(2026, 11, 30)
PROMPTS_GUIDE = "https://developers.openai.com/api/docs/guides/prompting/migrate-from-prompt-object"
BEFORE = date(2026, 12, 1)
AFTER = date(2027, 3, 1)


# -- the data and the helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "shutdown"),
    [
        ("gpt-realtime", REALTIME_END),
        ("gpt-realtime-2025-08-28", REALTIME_END),
        ("gpt-realtime-mini", REALTIME_END),
        ("gpt-realtime-mini-2025-12-15", REALTIME_END),
        ("gpt-audio-mini", REALTIME_END),
        ("gpt-audio-mini-2025-12-15", REALTIME_END),
        ("whisper-1", TRANSCRIBE_END),
        ("gpt-4o-transcribe", TRANSCRIBE_END),
        ("gpt-4o-mini-transcribe", TRANSCRIBE_END),
        ("gpt-4o-mini-transcribe-2025-12-15", TRANSCRIBE_END),
        ("gpt-4o-transcribe-diarize", TRANSCRIBE_END),
    ],
)
def test_the_sdk_shutdown_dates_and_the_day_they_take_effect(model: str, shutdown: date) -> None:
    assert DEPRECATIONS[model].shutdown == shutdown
    assert deprecations.status(model, on=shutdown - timedelta(days=1)) is Status.DEPRECATED
    assert deprecations.is_deprecated(model, on=shutdown - timedelta(days=1))
    assert not deprecations.is_shut_down(model, on=shutdown - timedelta(days=1))
    assert deprecations.status(model, on=shutdown) is Status.SHUT_DOWN
    assert deprecations.is_shut_down(model, on=shutdown + timedelta(days=400))
    assert not deprecations.is_deprecated(model, on=shutdown)


@pytest.mark.parametrize(
    "model", ["gpt-realtime-2.1", "gpt-realtime-mini-2025-10-06", "gpt-live-transcribe", "my-azure-deployment"]
)
def test_models_without_an_announcement_stay_active(model: str) -> None:
    for day in (BEFORE, AFTER, date(2030, 1, 1)):
        assert deprecations.status(model, on=day) is Status.ACTIVE
    assert deprecations.sentence(model, on=AFTER) == ""
    assert deprecations.mark(model, on=AFTER) == ""
    assert not deprecations.going_away(model)


def test_every_dated_model_is_offered_somewhere_and_every_successor_stays() -> None:
    offered = {c for ep in ENDPOINTS.values() for row in deprecations.model_rows(ep) for c in row.choices}
    assert set(DEPRECATIONS) <= offered
    for model, found in DEPRECATIONS.items():
        if found.replacement is not None:
            assert found.replacement in offered, model
            assert not deprecations.going_away(found.replacement), model


def test_required_models_start_on_one_that_stays() -> None:
    # The window pre-fills a required model with the first entry of its list.
    for ep in ENDPOINTS.values():
        for row in deprecations.model_rows(ep):
            if row.required:
                assert not deprecations.going_away(row.choices[0]), row.path


def test_the_sentence_names_the_date_the_successor_and_where_to_read_more() -> None:
    before = deprecations.sentence("gpt-realtime", on=BEFORE)
    assert before == (
        "gpt-realtime is deprecated and shuts down on 2027-01-20; OpenAI names no successor, gpt-realtime-2.1 is "
        "our suggestion (see https://developers.openai.com/api/docs/deprecations)."
    )
    after = deprecations.sentence("gpt-realtime", on=REALTIME_END)
    assert after.startswith("gpt-realtime was shut down on 2027-01-20, so the API will refuse it; OpenAI names no")
    assert "choose another model" in deprecations.sentence("gpt-audio-mini", on=AFTER)
    assert deprecations.sentence("gpt-audio-mini", on=BEFORE) == (
        "gpt-audio-mini is deprecated and shuts down on 2027-01-20 "
        "(see https://developers.openai.com/api/docs/deprecations)."
    )
    assert deprecations.mark("whisper-1", on=BEFORE) == "shuts down 2027-02-26"
    assert deprecations.mark("whisper-1", on=AFTER) == "shut down 2027-02-26"


def test_openais_successors_are_stated_and_ours_are_labelled_a_suggestion() -> None:
    # OpenAI's docs name gpt-live-transcribe (gpt-transcribe for files) for the transcription models; no OpenAI page
    # names the realtime models' successor.
    for model in ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-transcribe-diarize"):
        words = deprecations.sentence(model, on=BEFORE, link=False)
        assert words.endswith("; OpenAI's successor is gpt-live-transcribe (gpt-transcribe for audio files)."), words
        assert "suggest" not in words
        assert deprecations.successor(DEPRECATIONS[model]) == "use gpt-live-transcribe"
    for model, ours in (("gpt-realtime", "gpt-realtime-2.1"), ("gpt-realtime-mini", "gpt-realtime-2.1-mini")):
        words = deprecations.sentence(model, on=AFTER)
        assert f"OpenAI names no successor, {ours} is our suggestion" in words
        assert words.endswith("(see https://developers.openai.com/api/docs/deprecations).")
        assert "OpenAI's successor" not in words
        assert deprecations.successor(DEPRECATIONS[model]) == f"suggestion: {ours}"


# -- parameters --------------------------------------------------------------------------------------------------


def test_saved_prompts_are_a_deprecated_parameter_of_the_realtime_endpoint() -> None:
    found = PARAMETER_DEPRECATIONS["session.prompt"]
    assert found.shutdown == PROMPTS_END
    assert found.url == PROMPTS_GUIDE
    assert "session.prompt" in ENDPOINTS["realtime"].by_path
    for path in PARAMETER_DEPRECATIONS:  # every entry names a row someone can set
        assert any(path in ep.by_path for ep in ENDPOINTS.values()), path


def test_the_parameter_sentence_before_and_after_the_date() -> None:
    assert deprecations.parameter_sentence("session.prompt", on=PROMPTS_END - timedelta(days=1)) == (
        "OpenAI shuts down saved prompts on 2026-11-30; put the prompt's text in session.instructions instead "
        f"(see {PROMPTS_GUIDE})."
    )
    assert deprecations.parameter_sentence("session.prompt", on=PROMPTS_END, link=False) == (
        "OpenAI shut down saved prompts on 2026-11-30, so the API will refuse this field; put the prompt's text in "
        "session.instructions instead."
    )
    assert deprecations.parameter_mark("session.prompt", on=BEFORE).startswith("shut down 2026-11-30: put the")
    assert deprecations.parameter_sentence("session.instructions", on=BEFORE) == ""
    assert deprecations.parameter_mark("session.instructions", on=BEFORE) == ""


def test_notices_name_each_model_and_parameter_the_body_sends() -> None:
    ep = ENDPOINTS["realtime"]
    body = request_body("realtime", {"session.model": "gpt-realtime", "session.prompt.id": "pmpt_1"})
    lines = deprecations.notices(ep, body, on=BEFORE)
    assert [line.split(": ", 1)[0] for line in lines] == ["session.model", "session.prompt"]
    # null sends no prompt: nothing for the API to refuse
    assert deprecations.notices(ep, request_body("realtime", {"session.prompt": None}), on=BEFORE) == []
    assert deprecations.notices(ep, request_body("realtime", {"session.model": "gpt-realtime-2.1"}), on=AFTER) == []


def test_models_in_body_finds_the_session_and_the_transcription_model() -> None:
    ep = ENDPOINTS["realtime"]
    body = request_body(
        "realtime",
        {"session.model": "gpt-realtime-mini", "session.audio.input.transcription.model": "whisper-1"},
    )
    assert deprecations.models_in_body(ep, body) == [
        ("session.model", "gpt-realtime-mini"),
        ("session.audio.input.transcription.model", "whisper-1"),
    ]
    assert deprecations.models_in_body(ep, request_body("realtime", {})) == []
    beta = ENDPOINTS["beta-transcription"]
    body = request_body("beta-transcription", {"input_audio_transcription.model": "gpt-4o-transcribe"})
    assert deprecations.models_in_body(beta, body) == [("input_audio_transcription.model", "gpt-4o-transcribe")]


# -- the rest of the 2026-11 news ------------------------------------------------------------------------------------


def test_beta_lifetime_carries_its_required_anchor_only_when_sent() -> None:
    assert request_body("beta-sessions", {}) == {}
    body = request_body("beta-sessions", {"client_secret.expires_after.seconds": 120})
    assert body == {"client_secret": {"expires_after": {"anchor": "created_at", "seconds": 120}}}
    # GA and beta transcription keep the anchor optional: nothing the user did not set is sent.
    assert request_body("realtime", {"expires_after.seconds": 120})["expires_after"] == {"seconds": 120}
    body = request_body("beta-transcription", {"client_secret.expires_at.seconds": 120})
    assert body == {"client_secret": {"expires_at": {"seconds": 120}}}


@pytest.mark.parametrize("endpoint_id", ["realtime", "transcription", "translation"])
def test_noise_reduction_strength_is_a_parameter(endpoint_id: str) -> None:
    path = "session.audio.input.noise_reduction.strength"
    values = {path: 0.5, "session.audio.input.noise_reduction.type": "far_field", **minimal(endpoint_id)}
    body = request_body(endpoint_id, values)
    assert body["session"]["audio"]["input"]["noise_reduction"] == {"type": "far_field", "strength": 0.5}
    [problem] = validate(endpoint_id, {**values, path: -1})
    assert str(problem) == f"{path}: -1 is out of range; expected a number of at least 0"


def test_prompt_variables_may_be_null() -> None:
    body = request_body("realtime", {"session.prompt.id": "pmpt_1", "session.prompt.variables": None})
    assert body["session"]["prompt"] == {"id": "pmpt_1", "variables": None}


# -- the command line ---------------------------------------------------------------------------------------------


class Mint(Protocol):
    def __call__(self, *args: str, on: date = BEFORE) -> Ran: ...


@pytest.fixture
def mint(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Mint:
    """`realtime-gui mint ARGS` in-process against the fake server, on the day `on`."""

    def run(*args: str, on: date = BEFORE) -> Ran:
        monkeypatch.setattr(deprecations, "today", lambda: on)
        return cli("mint", *args)

    return run


def test_mint_warns_on_stderr_and_leaves_stdout_and_the_exit_code_alone(mint: Mint, server: FakeOpenAI) -> None:
    result = mint("--set", "session.model=gpt-realtime")
    assert result.code == 0
    assert result.out.startswith("ek_")
    assert result.out.count("\n") == 1
    assert result.err == (
        "realtime-gui: Warning: session.model: gpt-realtime is deprecated and shuts down on 2027-01-20; "
        "OpenAI names no successor, gpt-realtime-2.1 is our suggestion "
        "(see https://developers.openai.com/api/docs/deprecations).\n"
    )
    assert server.requests[-1].json()["session"]["model"] == "gpt-realtime", "the user's choice is sent as is"


def test_after_the_date_the_warning_says_shut_down(mint: Mint) -> None:
    result = mint("--set", "session.model=gpt-realtime-mini", on=REALTIME_END)
    assert result.code == 0
    assert result.err.count("\n") == 1
    assert "session.model: gpt-realtime-mini was shut down on 2027-01-20, so the API will refuse it" in result.err
    assert "gpt-realtime-2.1-mini is our suggestion" in result.err


def test_one_line_per_model_going_away(mint: Mint) -> None:
    result = mint(
        "--endpoint",
        "transcription",
        "--set",
        "session.audio.input.transcription.model=whisper-1",
        "--output",
        "json",
        on=AFTER,
    )
    assert result.code == 0
    assert result.out.lstrip().startswith("{")
    assert result.err.splitlines() == [
        "realtime-gui: Warning: session.audio.input.transcription.model: whisper-1 was shut down on 2027-02-26, "
        "so the API will refuse it; OpenAI's successor is gpt-live-transcribe (gpt-transcribe for audio files) "
        "(see https://developers.openai.com/api/docs/deprecations)."
    ]


@pytest.mark.parametrize("sets", [[], ["--set", "session.model=gpt-realtime-2.1"]])
def test_no_warning_for_models_that_stay_or_for_the_apis_default(mint: Mint, sets: list[str]) -> None:
    result = mint(*sets, on=AFTER)
    assert result.code == 0
    assert result.err == ""


def test_the_api_error_keeps_its_exit_code_after_the_warning(mint: Mint, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.BAD_PARAM, param="session.model"))
    result = mint("--set", "session.model=gpt-realtime", on=AFTER)
    assert result.code == 3
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0].startswith("realtime-gui: Warning: session.model: gpt-realtime was shut down")
    assert "HTTP 400" in lines[1]


def test_invalid_input_gets_no_warning_and_exits_2(mint: Mint, server: FakeOpenAI) -> None:
    result = mint("--set", "session.model=gpt-realtime", "--set", "session.audio.output.speed=9")
    assert result.code == 2
    assert "warning" not in result.err
    assert server.requests == []


def test_list_parameters_shows_the_dates(mint: Mint) -> None:
    result = mint("--list-parameters")
    assert result.code == 0
    assert "      gpt-realtime: shuts down 2027-01-20; suggestion: gpt-realtime-2.1\n" in result.out
    assert "      gpt-audio-mini: shuts down 2027-01-20\n" in result.out
    assert "      whisper-1: shuts down 2027-02-26; use gpt-live-transcribe\n" in result.out
    assert (
        "      (dates and successors: https://developers.openai.com/api/docs/deprecations; "
        "a suggestion is ours, OpenAI names none)\n"
    ) in result.out
    assert "  session.audio.input.noise_reduction.strength\n" in result.out
    prompt = result.out.split("  session.prompt\n", 1)[1].splitlines()
    assert prompt[1] == (
        f"      shut down 2026-11-30: put the prompt's text in session.instructions instead (see {PROMPTS_GUIDE})"
    )
    after = mint("--endpoint", "beta-sessions", "--list-parameters", on=AFTER)
    assert "      gpt-realtime-2025-08-28: shut down 2027-01-20; suggestion: gpt-realtime-2.1\n" in after.out
    assert "gpt-4o-realtime-preview:" not in after.out


def test_a_saved_prompt_gets_a_warning_and_is_still_sent(mint: Mint, server: FakeOpenAI) -> None:
    result = mint("--set", "session.prompt.id=pmpt_1", "--set", "session.prompt.variables={}", "--output", "json")
    assert result.code == 0, result.err
    assert result.out.lstrip().startswith("{")
    assert result.err == (
        "realtime-gui: Warning: session.prompt: OpenAI shut down saved prompts on 2026-11-30, so the API will refuse "
        f"this field; put the prompt's text in session.instructions instead (see {PROMPTS_GUIDE}).\n"
    )
    assert server.requests[-1].json()["session"]["prompt"] == {"id": "pmpt_1", "variables": {}}
    before = mint("--set", "session.prompt.id=pmpt_1", on=PROMPTS_END - timedelta(days=1))
    assert before.err.startswith("realtime-gui: Warning: session.prompt: OpenAI shuts down saved prompts on 2026-11-30")
    assert mint("--set", "session.prompt=null").err == ""


def test_serve_warns_once_at_start_up_about_what_its_template_sends(server: FakeOpenAI, tmp_path: Path) -> None:
    # A process of its own runs on the real clock: today is past the prompts' shutdown, for good.
    served = Serving(
        ["--base-url", server.base_url, "--set", "session.prompt.id=pmpt_1"],
        env=cli_env(config=tmp_path / "config"),
    )
    assert served.request(origin="http://localhost:5173").status == 200
    assert served.stop() == 0
    warnings = [line for line in served.stderr.splitlines() if "Warning" in line]
    assert warnings == [
        "realtime-gui: Warning: session.prompt: OpenAI shut down saved prompts on 2026-11-30, so the API will refuse "
        f"this field; put the prompt's text in session.instructions instead (see {PROMPTS_GUIDE})."
    ]
    assert served.stdout.startswith("Serving tokens at ")


def test_strength_and_the_beta_anchor_reach_the_server(mint: Mint, server: FakeOpenAI) -> None:
    result = mint("--set", "session.audio.input.noise_reduction.strength=0.5")
    assert result.code == 0, result.err
    assert server.requests[-1].json()["session"]["audio"]["input"]["noise_reduction"] == {"strength": 0.5}
    # The fake server judges beta bodies by the SDK's rule: a lifetime without its anchor is refused.
    result = mint("--endpoint", "beta-sessions", "--set", "client_secret.expires_after.seconds=30")
    assert result.code == 0, result.err
    assert server.requests[-1].json() == {"client_secret": {"expires_after": {"anchor": "created_at", "seconds": 30}}}
