"""Values -> request body: omission, nesting, groups, variants, every problem at once, and beta -> GA."""

from __future__ import annotations

import pytest

from realtime_gui.api.beta_to_ga import carry, carry_over, to_ga
from realtime_gui.api.catalog import endpoint
from realtime_gui.api.request import InvalidRequest, build_request, validate
from realtime_gui.api.value_text import value_from_text
from realtime_gui.jsontext import JsonValue, Values

from samples import request_body


def problems(endpoint_id: str, values: Values) -> dict[str, str]:
    return {p.path: p.message for p in validate(endpoint_id, values)}


def test_unset_parameters_are_omitted_and_the_endpoint_fixes_the_type() -> None:
    assert request_body("realtime", {}) == {"session": {"type": "realtime"}}
    assert request_body("transcription", {}) == {"session": {"type": "transcription"}}
    assert request_body("beta-sessions", {}) == {}


def test_nested_paths_build_nested_objects() -> None:
    body = request_body(
        "realtime",
        {
            "session.audio.output.voice": "marin",
            "session.audio.input.format.type": "audio/pcmu",
            "session.truncation.token_limits.post_instructions": 1000,
            "session.truncation.retention_ratio": 0.8,
            "expires_after.seconds": 120,
        },
    )
    assert body == {
        "session": {
            "type": "realtime",
            "audio": {"output": {"voice": "marin"}, "input": {"format": {"type": "audio/pcmu"}}},
            "truncation": {
                "type": "retention_ratio",
                "retention_ratio": 0.8,
                "token_limits": {"post_instructions": 1000},
            },
        },
        "expires_after": {"seconds": 120},
    }


def test_groups_can_be_unset_off_keyword_or_object() -> None:
    td = "session.audio.input.turn_detection"
    assert "audio" not in request_body("realtime", {})["session"]
    off = request_body("realtime", {td: None})
    assert off["session"]["audio"]["input"]["turn_detection"] is None
    on = request_body("realtime", {td: {}, f"{td}.type": "semantic_vad"})
    assert on["session"]["audio"]["input"]["turn_detection"] == {"type": "semantic_vad"}
    assert request_body("realtime", {"session.tracing": "auto"})["session"]["tracing"] == "auto"
    assert request_body("realtime", {"session.tracing": {}})["session"]["tracing"] == {}


def test_a_json_object_for_a_group_is_spread_over_its_rows() -> None:
    body = request_body("realtime", {"session.audio.input.turn_detection": {"type": "server_vad", "threshold": 0.7}})
    assert body["session"]["audio"]["input"]["turn_detection"] == {
        "type": "server_vad",
        "threshold": 0.7,
    }


def test_custom_voice_ids_become_objects() -> None:
    body = request_body("realtime", {"session.audio.output.voice": "voice_abc123"})
    assert body["session"]["audio"]["output"]["voice"] == {"id": "voice_abc123"}
    body = request_body("realtime", {"session.audio.output.voice": {"id": "voice_x"}})
    assert body["session"]["audio"]["output"]["voice"] == {"id": "voice_x"}


def test_open_choices_accept_new_names_closed_ones_do_not() -> None:
    assert request_body("realtime", {"session.model": "gpt-realtime-9"})["session"]["model"] == ("gpt-realtime-9")
    found = problems("realtime", {"session.reasoning.effort": "extreme"})
    assert found == {
        "session.reasoning.effort": '"extreme" is not allowed; expected one of minimal, low, medium, high, xhigh'
    }


def test_every_problem_is_reported_at_once_with_its_path_and_what_is_allowed() -> None:
    found = problems(
        "realtime",
        {
            "session.audio.output.speed": 3,
            "expires_after.seconds": 5,
            "session.max_output_tokens": "lots",
            "session.output_modalities": ["audio", "text"],
            "session.audio.input.transcription.language": "English",
            "session.parallel_tool_calls": "yes",
        },
    )
    assert found == {
        "session.audio.output.speed": "3 is out of range; expected a number from 0.25 to 1.5",
        "expires_after.seconds": "5 is out of range; expected a whole number from 10 to 7200 s",
        "session.max_output_tokens": '"lots" is not allowed; expected a whole number from 1 to 4096 or "inf"',
        "session.output_modalities": "takes at most 1 entry; expected a list drawn from audio, text (pick one)",
        "session.audio.input.transcription.language": (
            '"English" is not allowed; expected a two-letter ISO-639-1 code such as en, de or ja'
        ),
        "session.parallel_tool_calls": '"yes" is not allowed; expected true or false',
    }


def test_invalid_request_lists_every_problem() -> None:
    with pytest.raises(InvalidRequest) as caught:
        build_request("translation", {"session.audio.input.noise_reduction": {}})
    assert [p.path for p in caught.value.problems] == [
        "session.model",
        "session.audio.input.noise_reduction.type",
    ]
    assert "session.model: is required" in str(caught.value)


def test_variant_fields_apply_only_to_their_variant() -> None:
    td = "session.audio.input.turn_detection"
    found = problems("realtime", {f"{td}.type": "server_vad", f"{td}.eagerness": "high"})
    assert found == {f"{td}.eagerness": f"applies only when {td}.type is semantic_vad"}
    assert problems("realtime", {f"{td}.type": "semantic_vad", f"{td}.eagerness": "high"}) == {}


def test_members_of_a_group_that_is_off_are_refused() -> None:
    td = "session.audio.input.turn_detection"
    found = problems("realtime", {td: None, f"{td}.threshold": 0.4})
    assert found == {f"{td}.threshold": f"cannot be set while {td} is off (null)"}


def test_streaming_whisper_needs_turn_detection_off() -> None:
    tx = "session.audio.input.transcription"
    td = "session.audio.input.turn_detection"
    found = problems("transcription", {f"{tx}.model": "gpt-realtime-whisper"})
    assert list(found) == [td]
    assert "must be off (null)" in found[td]
    ok = {f"{tx}.model": "gpt-realtime-whisper", f"{tx}.delay": "low", td: None}
    assert problems("transcription", ok) == {}
    assert list(problems("transcription", {f"{tx}.model": "whisper-1", f"{tx}.delay": "low"})) == [f"{tx}.delay"]


def test_unknown_parameters_get_a_suggestion() -> None:
    found = problems("realtime", {"voice": "ash", "temperature": 0.9, "session.modell": "x"})
    assert found["voice"].endswith("did you mean session.audio.output.voice?")
    assert found["temperature"].endswith("it belongs to beta-sessions")
    assert found["session.modell"].endswith("did you mean session.model?")


@pytest.mark.parametrize(
    ("tools", "path", "fragment"),
    [
        ([{"type": "function"}], "session.tools[0].name", "is required"),
        (
            [{"type": "function", "name": "f", "parameters": {"type": "string"}}],
            "session.tools[0].parameters.type",
            'must be "object"',
        ),
        (
            [{"type": "function", "name": "f", "parameters": "{}"}],
            "session.tools[0].parameters",
            "is not a JSON object",
        ),
        (
            [{"type": "mcp", "server_url": "https://x.example"}],
            "session.tools[0].server_label",
            "is required",
        ),
        ([{"type": "mcp", "server_label": "x"}], "session.tools[0]", "exactly one of server_url"),
        (
            [
                {
                    "type": "mcp",
                    "server_label": "x",
                    "server_url": "https://a",
                    "connector_id": "connector_gmail",
                }
            ],
            "session.tools[0]",
            "exactly one of",
        ),
        (
            [{"type": "mcp", "server_label": "x", "tunnel_id": "tunnel_1"}],
            "session.tools[0].tunnel_id",
            "32 lowercase",
        ),
        ([{"type": "web_search"}], "session.tools[0].type", 'expected "function" or "mcp"'),
        ({"type": "function"}, "session.tools", "is not a JSON array"),
        (
            [{"type": "function", "name": "f"}, {"type": "function", "name": "f"}],
            "session.tools[1].name",
            "also the name of tool 0",
        ),
    ],
)
def test_tools_are_checked_structurally(tools: JsonValue, path: str, fragment: str) -> None:
    found = problems("realtime", {"session.tools": tools})
    assert path in found, found
    assert fragment in found[path]


def test_beta_tools_are_function_tools_only() -> None:
    found = problems(
        "beta-sessions",
        {"tools": [{"type": "mcp", "server_label": "x", "server_url": "https://a"}]},
    )
    assert found == {"tools[0].type": '"mcp" is not allowed; expected "function"'}


def test_tool_choice_takes_keywords_or_objects() -> None:
    assert problems("realtime", {"session.tool_choice": "required"}) == {}
    assert problems("realtime", {"session.tool_choice": {"type": "mcp", "server_label": "s"}}) == {}
    found = problems("realtime", {"session.tool_choice": "sometimes"})
    assert "session.tool_choice" in found
    assert '"auto" or "none" or "required"' in found["session.tool_choice"]


def test_value_from_text_reads_json_only_when_the_row_takes_it() -> None:
    ep = endpoint("realtime")
    row = ep.parameter
    assert value_from_text(row("session.audio.output.speed"), "p", "1.25") == (1.25, None)
    assert value_from_text(row("session.instructions"), "p", "42") == ("42", None)
    assert value_from_text(row("session.instructions"), "p", '"quoted"') == ("quoted", None)
    assert value_from_text(row("session.tool_choice"), "p", "auto") == ("auto", None)
    assert value_from_text(row("session.audio.input.turn_detection"), "p", "null") == (None, None)
    assert value_from_text(row("session.audio.output.voice"), "p", '{"id": "voice_1"}') == (
        {"id": "voice_1"},
        None,
    )
    value, problem = value_from_text(row("session.tools"), "session.tools", "[{oops")
    assert problem is not None
    assert problem.path == "session.tools"
    assert "not valid JSON" in problem.message
    assert value == "[{oops"


def test_comma_separated_text_is_a_list() -> None:
    body = request_body("realtime", {"session.audio.input.transcription.languages": "en, de"})
    assert body["session"]["audio"]["input"]["transcription"]["languages"] == ["en", "de"]


def test_beta_sessions_map_to_ga_and_name_what_cannot_be_carried() -> None:
    mapped = to_ga(
        "beta-sessions",
        {
            "model": "gpt-4o-realtime-preview",
            "modalities": ["text", "audio"],
            "voice": "ash",
            "speed": 1.2,
            "temperature": 0.7,
            "input_audio_format": "pcm16",
            "output_audio_format": "g711_alaw",
            "turn_detection": {"type": "semantic_vad", "eagerness": "low"},
            "input_audio_noise_reduction": None,
            "max_response_output_tokens": 500,
            "tool_choice": "lookup",
            "client_secret.expires_after.seconds": 90,
        },
    )
    assert mapped.endpoint_id == "realtime"
    assert [str(p) for p in mapped.dropped] == ["temperature: has no equivalent on the GA realtime endpoint"]
    body = request_body("realtime", mapped.values)
    assert body == {
        "session": {
            "type": "realtime",
            "model": "gpt-4o-realtime-preview",
            "output_modalities": ["audio"],
            "audio": {
                "output": {"voice": "ash", "speed": 1.2, "format": {"type": "audio/pcma"}},
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "noise_reduction": None,
                    "turn_detection": {"type": "semantic_vad", "eagerness": "low"},
                },
            },
            "max_output_tokens": 500,
            "tool_choice": {"type": "function", "name": "lookup"},
        },
        "expires_after": {"seconds": 90},
    }


def test_beta_transcription_maps_to_ga_transcription() -> None:
    mapped = to_ga(
        "beta-transcription",
        {
            "input_audio_transcription.model": "whisper-1",
            "input_audio_transcription.language": "fr",
            "include": ["item.input_audio_transcription.logprobs"],
            "modalities": ["text"],
            "client_secret.expires_at.seconds": 300,
        },
    )
    assert mapped.endpoint_id == "transcription"
    assert [p.path for p in mapped.dropped] == ["modalities"]
    body = request_body("transcription", mapped.values)
    assert body["session"]["audio"]["input"]["transcription"] == {
        "model": "whisper-1",
        "language": "fr",
    }
    assert body["expires_after"] == {"seconds": 300}


def test_a_change_of_endpoint_carries_the_values_that_mean_the_same_there() -> None:
    values: Values = {
        "expires_after.seconds": 77,
        "session.audio.output.voice": "marin",
        "session.model": "gpt-realtime",
    }
    # A transcription session has no voice and no model of its own: only the shared paths go across.
    assert carry_over("realtime", "transcription", values) == {"expires_after.seconds": 77}
    # A beta endpoint's values go to its GA endpoint under their GA paths; temperature has none there.
    assert carry_over("beta-sessions", "realtime", {"voice": "verse", "temperature": 1.0}) == {
        "session.audio.output.voice": "verse"
    }
    assert carry_over("realtime", "beta-sessions", values) == {}  # GA paths mean nothing on the beta endpoint


def test_a_change_of_endpoint_carries_only_what_the_target_accepts() -> None:
    carried = carry("translation", "realtime", {"session.model": "gpt-realtime-translate", "expires_after.seconds": 90})
    assert carried.values == {"expires_after.seconds": 90}
    assert [p.path for p in carried.refused] == ["session.model"]
    assert "gpt-realtime-translate" in carried.refused[0].message
    # A name no list knows is the user's own (the API takes new models): it goes across.
    assert carry("translation", "realtime", {"session.model": "my-model"}).values == {"session.model": "my-model"}
    # Out of the target's range: the target keeps its own, and the reason is given.
    refused = carry("realtime", "transcription", {"expires_after.seconds": 99999})
    assert refused.values == {}
    assert refused.refused[0].path == "expires_after.seconds"
    assert "on transcription" in refused.refused[0].message


def test_a_model_name_no_list_knows_gets_the_closest_names() -> None:
    from realtime_gui.api.catalog import endpoint
    from realtime_gui.api.known_names import unknown_name_note

    row = endpoint("translation").by_path["session.model"]
    note = unknown_name_note(row, "gpt-realtime-translatede")
    assert note is not None
    assert "did you mean gpt-realtime-translate?" in note
    assert "sent as typed" in note
    assert unknown_name_note(row, "gpt-realtime-translate") is None
    realtime = endpoint("realtime").by_path["session.model"]
    foreign = unknown_name_note(realtime, "gpt-realtime-translate")
    assert foreign is not None
    assert "another endpoint's" in foreign
    voice = endpoint("realtime").by_path["session.audio.output.voice"]
    assert unknown_name_note(voice, "voice_x") is None, "a custom voice's id"
    assert unknown_name_note(voice, "marin") is None
    typo = unknown_name_note(voice, "marn")
    assert typo is not None
    assert "did you mean marin?" in typo
