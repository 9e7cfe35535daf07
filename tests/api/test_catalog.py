"""The catalog covers every parameter docs/api.md and the spec list, and each row describes itself consistently."""

from __future__ import annotations

import pytest

from realtime_gui.api.catalog import ENDPOINTS, SECTIONS, UNSET, Kind
from realtime_gui.api.structure import flatten
from realtime_gui.api.value_checks import check_value

from samples import example

# Every parameter the API documents (docs/api.md), by endpoint, as JSON paths in the request body.
EXPECTED = {
    "realtime": """
        session.type session.model session.instructions session.output_modalities
        session.audio.input.format.type session.audio.input.format.rate
        session.audio.output.format.type session.audio.output.format.rate
        session.audio.input.transcription session.audio.input.transcription.model
        session.audio.input.transcription.language session.audio.input.transcription.languages
        session.audio.input.transcription.keywords session.audio.input.transcription.prompt
        session.audio.input.transcription.delay
        session.audio.input.noise_reduction session.audio.input.noise_reduction.type
        session.audio.input.noise_reduction.strength
        session.audio.input.turn_detection session.audio.input.turn_detection.type
        session.audio.input.turn_detection.threshold session.audio.input.turn_detection.prefix_padding_ms
        session.audio.input.turn_detection.silence_duration_ms session.audio.input.turn_detection.create_response
        session.audio.input.turn_detection.interrupt_response session.audio.input.turn_detection.idle_timeout_ms
        session.audio.input.turn_detection.eagerness
        session.audio.output.voice session.audio.output.speed session.include
        session.tracing session.tracing.workflow_name session.tracing.group_id session.tracing.metadata
        session.tools session.tool_choice session.parallel_tool_calls session.reasoning.effort
        session.max_output_tokens session.truncation session.truncation.type session.truncation.retention_ratio
        session.truncation.token_limits.post_instructions
        session.prompt session.prompt.id session.prompt.version session.prompt.variables
        expires_after.anchor expires_after.seconds
    """,
    "transcription": """
        session.type session.audio.input.format.type session.audio.input.format.rate
        session.audio.input.transcription session.audio.input.transcription.model
        session.audio.input.transcription.language session.audio.input.transcription.languages
        session.audio.input.transcription.keywords session.audio.input.transcription.prompt
        session.audio.input.transcription.delay
        session.audio.input.noise_reduction session.audio.input.noise_reduction.type
        session.audio.input.noise_reduction.strength
        session.audio.input.turn_detection session.audio.input.turn_detection.type
        session.audio.input.turn_detection.threshold session.audio.input.turn_detection.prefix_padding_ms
        session.audio.input.turn_detection.silence_duration_ms session.audio.input.turn_detection.create_response
        session.audio.input.turn_detection.interrupt_response session.audio.input.turn_detection.idle_timeout_ms
        session.audio.input.turn_detection.eagerness session.include
        expires_after.anchor expires_after.seconds
    """,
    "translation": """
        session.model session.audio.input.transcription session.audio.input.transcription.model
        session.audio.input.noise_reduction session.audio.input.noise_reduction.type
        session.audio.input.noise_reduction.strength
        session.audio.output.language expires_after.anchor expires_after.seconds
    """,
    "beta-sessions": """
        model modalities instructions voice input_audio_format output_audio_format
        input_audio_transcription input_audio_transcription.model input_audio_transcription.language
        input_audio_transcription.prompt
        turn_detection turn_detection.type turn_detection.eagerness turn_detection.threshold
        turn_detection.prefix_padding_ms turn_detection.silence_duration_ms turn_detection.create_response
        turn_detection.interrupt_response
        input_audio_noise_reduction input_audio_noise_reduction.type
        tools tool_choice temperature max_response_output_tokens speed
        tracing tracing.workflow_name tracing.group_id tracing.metadata
        client_secret.expires_after.anchor client_secret.expires_after.seconds
    """,
    "beta-transcription": """
        input_audio_format input_audio_transcription.model input_audio_transcription.language
        input_audio_transcription.prompt
        turn_detection turn_detection.type turn_detection.threshold turn_detection.prefix_padding_ms
        turn_detection.silence_duration_ms
        input_audio_noise_reduction input_audio_noise_reduction.type include modalities
        client_secret.expires_at.anchor client_secret.expires_at.seconds
    """,
}


@pytest.mark.parametrize("endpoint_id", list(EXPECTED))
def test_every_documented_parameter_is_in_the_catalog(endpoint_id: str) -> None:
    assert set(ENDPOINTS[endpoint_id].by_path) == set(EXPECTED[endpoint_id].split())


def test_there_are_exactly_the_five_endpoints() -> None:
    assert list(ENDPOINTS) == [
        "realtime",
        "transcription",
        "translation",
        "beta-sessions",
        "beta-transcription",
    ]
    assert [e.id for e in ENDPOINTS.values() if e.retired] == [
        "beta-sessions",
        "beta-transcription",
    ]


ROWS = [(e.id, p) for e in ENDPOINTS.values() for p in e.parameters]


@pytest.mark.parametrize(("endpoint_id", "row"), ROWS, ids=[f"{e}:{p.path}" for e, p in ROWS])
def test_each_row_is_self_consistent(endpoint_id: str, row: object) -> None:
    from realtime_gui.api.catalog import Parameter

    assert isinstance(row, Parameter)
    ep = ENDPOINTS[endpoint_id]
    assert row.help.strip()
    assert row.label.strip()
    assert row.section in SECTIONS
    assert row.fixed or row.section in ep.sections, "every row a person sets is in a section shown"
    assert len(ep.by_path) == len(ep.parameters), "paths are unique"
    if row.default is not UNSET and row.kind is not Kind.GROUP:
        _, problems = check_value(row, row.default)
        assert problems == [], f"the documented default of {row.path} must itself be valid"
    if row.kind is Kind.CHOICE or row.kind is Kind.MULTI_CHOICE:
        assert row.choices
    if row.when is not None:
        assert row.when.path in ep.by_path
    if row.kind in (Kind.NUMBER, Kind.INTEGER) and row.minimum is not None and row.maximum is not None:
        assert row.minimum < row.maximum


def test_groups_are_the_null_able_or_keyword_objects() -> None:
    ep = ENDPOINTS["realtime"]
    groups = {p.path for p in ep.parameters if p.kind is Kind.GROUP}
    assert groups == {
        "session.audio.input.transcription",
        "session.audio.input.noise_reduction",
        "session.audio.input.turn_detection",
        "session.tracing",
        "session.truncation",
        "session.prompt",
    }
    assert (
        ep.enclosing_group("session.audio.input.turn_detection.threshold")
        is ep.by_path["session.audio.input.turn_detection"]
    )
    assert ep.enclosing_group("session.audio.output.voice") is None


def test_every_beta_row_names_its_setting_on_ga_or_has_none() -> None:
    # The beta -> GA switch (CLI suggestion, window) reads nothing but these paths: each must land on GA rows that
    # take the carried value.
    without_ga = set()
    for ep in ENDPOINTS.values():
        if ep.ga_equivalent is None:
            assert all(row.ga_path is None and row.to_ga is None for row in ep.parameters), ep.id
            continue
        ga = ENDPOINTS[ep.ga_equivalent]
        for row in ep.parameters:
            if row.ga_path is None:
                without_ga.add(f"{ep.id} {row.path}")
                continue
            value = example(row)
            spread, unknown = flatten(ga, {row.ga_path: row.to_ga(value) if row.to_ga else value})
            assert not unknown, f"{ep.id} {row.path} -> {row.ga_path}: {unknown}"
            for path, carried in spread.items():
                assert check_value(ga.by_path[path], carried)[1] == [], f"{ep.id} {row.path} -> {path}"
    assert without_ga == {"beta-sessions temperature", "beta-transcription modalities"}
