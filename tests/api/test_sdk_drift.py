"""The catalog against the official Python SDK pinned in the test extra: every key path, enum value, required and
nullable flag, both ways; generated bodies pass the SDK's request types; the fake server's answers parse with the
SDK's response models. Upgrading is bumping the pin: each difference then fails here, readably, until the catalog
follows or the difference is allowlisted below with its reason."""

from __future__ import annotations

import dataclasses
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.types.beta.realtime.session_create_response import SessionCreateResponse
from openai.types.beta.realtime.transcription_session import TranscriptionSession
from openai.types.realtime.client_secret_create_response import ClientSecretCreateResponse
from openai.types.realtime.realtime_session_create_response import RealtimeSessionCreateResponse
from openai.types.realtime.realtime_translation_client_secret_create_response import (
    RealtimeTranslationClientSecretCreateResponse,
)
from pydantic import BaseModel

from realtime_gui.api import checks
from realtime_gui.api.catalog import ENDPOINT_IDS, ENDPOINTS, Kind
from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.net.client import TokenClient

from conftest import TEST_KEY
from samples import endpoint_values, example_with_context, minimal, rich_values
from sdk_types import differences, json_row_items, sdk_problems, tool_keys

NULL_AS_OFF = (
    "null switches it off, as the SDK's own docs say ('can be set to null to turn off'); the SDK types it as an "
    "object only (docs/api.md, Parameters: a loose typing, not a reason to stop sending null)"
)
FREE_MODEL = (
    "the SDK types the model as any string; the catalog offers the known models to pick from and still takes "
    "any other name (open choice)"
)

# (endpoint, key path, aspect) -> why the catalog differs from the SDK on purpose.
ALLOWED: dict[tuple[str, str, str], str] = {
    **{
        (endpoint_id, path, "nullable"): NULL_AS_OFF
        for endpoint_id, paths in {
            # noise_reduction is Optional in the SDK's realtime and transcription input types since 3.63.
            "realtime": ("session.audio.input.transcription",),
            "transcription": ("session.audio.input.transcription",),
            "beta-sessions": ("input_audio_noise_reduction", "input_audio_transcription", "turn_detection", "tracing"),
            "beta-transcription": ("input_audio_noise_reduction", "turn_detection"),
        }.items()
        for path in paths
    },
    ("translation", "session.model", "enum"): FREE_MODEL,
    ("translation", "session.audio.input.transcription.model", "enum"): FREE_MODEL,
    ("beta-sessions", "input_audio_transcription.model", "enum"): FREE_MODEL,
    ("beta-sessions", "model", "open"): (
        "the SDK closes the beta model list; the catalog keeps it open for Azure deployment names and gateways, "
        "the places the beta endpoint still answers"
    ),
    ("beta-sessions", "tool_choice", "enum"): (
        "the SDK types beta tool_choice as any string; its docs name auto, none and required, or a function's name, "
        "which the catalog offers and keeps open"
    ),
    ("beta-sessions", "voice", "enum"): (
        "the SDK's beta voice list predates marin and cedar, which the 2026-08-21 spec lists for beta sessions; "
        "the field is an open string in the SDK too"
    ),
    **{
        (endpoint_id, "turn_detection.type", "required"): (
            "the catalog always sends the detector when turn detection is on (as GA requires); beta defaulted it "
            "to server_vad, so sending it changes nothing"
        )
        for endpoint_id in ("beta-sessions", "beta-transcription")
    },
    ("beta-transcription", "include", "enum"): (
        "the SDK types beta include entries as any string; its docs and the spec name only the logprobs entry"
    ),
    ("beta-transcription", "include", "open"): (
        "the SDK types beta include entries as any string; its docs and the spec name only the logprobs entry"
    ),
    **{
        ("beta-transcription", path, aspect): (
            "the SDK reuses the beta session's turn detection; the 2026-08-21 spec allows only server_vad with "
            "threshold, prefix padding and silence for transcription sessions, and the SDK's docs say the "
            "response flags are 'not available for transcription sessions'"
        )
        for path, aspect in (
            ("turn_detection.type", "enum"),
            ("turn_detection.eagerness", "path"),
            ("turn_detection.create_response", "path"),
            ("turn_detection.interrupt_response", "path"),
        )
    },
}


def _null_ok(endpoint_id: str) -> set[str]:
    return {path for (e, path, aspect) in ALLOWED if e == endpoint_id and aspect == "nullable"}


def test_the_pinned_sdk_is_the_one_installed() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    [pin] = [d for d in pyproject["project"]["optional-dependencies"]["test"] if d.startswith("openai")]
    assert pin == f"openai=={version('openai')}", "reinstall the test extra: pip install -e '.[test]'"


# -- the catalog, key by key ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
def test_the_catalog_matches_the_sdk(endpoint_id: str) -> None:
    found = [d for d in differences(ENDPOINTS[endpoint_id]) if (d.endpoint, d.path, d.aspect) not in ALLOWED]
    assert not found, (
        f"The catalog and openai {version('openai')} disagree. Follow the SDK in realtime_gui/api/catalog.py, or add "
        "each to ALLOWED in this file with the reason:\n" + "\n".join(str(d) for d in found)
    )


def test_every_allowlist_entry_is_still_needed() -> None:
    live = {(d.endpoint, d.path, d.aspect) for ep in ENDPOINTS.values() for d in differences(ep)}
    stale = sorted(set(ALLOWED) - live)
    assert not stale, "These differences are gone: remove them from ALLOWED:\n" + "\n".join(map(str, stale))


def test_the_comparison_sees_a_missing_row_and_enum_changes_both_ways() -> None:
    ep = ENDPOINTS["realtime"]
    model = ep.by_path["session.model"]
    changed_model = dataclasses.replace(model, choices=(*model.choices[1:], "gpt-imaginary"))
    rows = tuple(
        changed_model if row is model else row
        for row in ep.parameters
        if row.path != "session.audio.input.noise_reduction.strength"
    )
    found = {str(d) for d in differences(dataclasses.replace(ep, parameters=rows))}
    assert found >= {
        "realtime  session.audio.input.noise_reduction.strength  [path]  in the SDK, not in the catalog",
        f"realtime  session.model  [enum]  only the SDK lists {model.choices[0]}",
        "realtime  session.model  [enum]  only the catalog lists gpt-imaginary",
    }


@pytest.mark.parametrize(("endpoint_id", "path"), [("realtime", "session.tools"), ("beta-sessions", "tools")])
def test_tool_keys_match_the_sdk(endpoint_id: str, path: str) -> None:
    # Tools are one JSON row; checks.py knows their keys, and those follow the SDK too.
    expected = {"function": set(checks.FUNCTION_KEYS)}
    if ENDPOINTS[endpoint_id].by_path[path].check is checks.TOOLS:
        expected["mcp"] = set(checks.MCP_KEYS)
        assert json_row_items(endpoint_id, path)["connector_id"].enum == set(checks.CONNECTORS)
    assert tool_keys(endpoint_id, path) == expected


# -- request bodies through the SDK's request types -------------------------------------------------------------------


def _assert_sdk_accepts(endpoint_id: str, values: dict[str, Any]) -> None:
    body = build_request(endpoint_id, {**minimal(endpoint_id), **values}).body
    assert sdk_problems(endpoint_id, body, null_ok=_null_ok(endpoint_id)) == [], body


@pytest.mark.parametrize(
    ("endpoint_id", "path"),
    [(e.id, p.path) for e in ENDPOINTS.values() for p in e.parameters if not p.fixed],
)
def test_each_row_example_passes_the_sdk_types(endpoint_id: str, path: str) -> None:
    ep = ENDPOINTS[endpoint_id]
    _assert_sdk_accepts(endpoint_id, example_with_context(ep, ep.by_path[path]))


@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
def test_every_choice_of_every_row_passes_the_sdk_types(endpoint_id: str) -> None:
    ep = ENDPOINTS[endpoint_id]
    for row in ep.parameters:
        if row.fixed or row.kind not in (Kind.CHOICE, Kind.MULTI_CHOICE):
            continue
        for choice in row.choices:
            value = [choice] if row.kind is Kind.MULTI_CHOICE else choice
            _assert_sdk_accepts(endpoint_id, example_with_context(ep, row, value=value))


@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
def test_a_body_with_everything_set_passes_the_sdk_types(endpoint_id: str) -> None:
    _assert_sdk_accepts(endpoint_id, rich_values(ENDPOINTS[endpoint_id]))


@pytest.mark.long
@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_bodies_pass_the_sdk_types(endpoint_id: str, data: st.DataObject) -> None:
    _assert_sdk_accepts(endpoint_id, data.draw(endpoint_values(ENDPOINTS[endpoint_id])))


def test_the_sdk_check_catches_unknown_keys_bad_enums_and_loose_types() -> None:
    body = {
        "session": {
            "type": "realtime",
            "temperature": 0.8,
            "audio": {"output": {"speed": "1"}, "input": {"turn_detection": {"type": "loud"}}},
        }
    }
    problems = sdk_problems("realtime", body)
    assert "session.temperature: not in the SDK's type" in problems
    assert any(p.startswith("session.audio.output.speed:") for p in problems)
    assert any(p.startswith("session.audio.input.turn_detection") for p in problems)
    assert sdk_problems("beta-sessions", {"client_secret": {"expires_after": {"seconds": 60}}}) == [
        "client_secret.expires_after.anchor: Field required"
    ]
    null_group = {"session": {"type": "transcription", "audio": {"input": {"transcription": None}}}}
    assert sdk_problems("transcription", null_group)
    assert sdk_problems("transcription", null_group, null_ok=_null_ok("transcription")) == []


# -- the fake server's answers through the SDK's response models ------------------------------------------------------

RESPONSE_MODELS: dict[str, type[BaseModel]] = {
    "realtime": ClientSecretCreateResponse,
    "transcription": ClientSecretCreateResponse,
    "translation": RealtimeTranslationClientSecretCreateResponse,
    "beta-sessions": SessionCreateResponse,
    "beta-transcription": TranscriptionSession,
}


def _mint(token_client: TokenClient, connection: Connection, endpoint_id: str, values: dict[str, Any]) -> Any:
    request = build_request(endpoint_id, {**minimal(endpoint_id), **values})
    return token_client.mint(request, connection=connection, api_key=TEST_KEY).response


@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
def test_fake_answers_parse_with_the_sdk_models(
    token_client: TokenClient, connection: Connection, endpoint_id: str
) -> None:
    ep = ENDPOINTS[endpoint_id]
    model = RESPONSE_MODELS[endpoint_id]
    bodies = [{}, rich_values(ep)] + [example_with_context(ep, row) for row in ep.parameters if not row.fixed]
    for values in bodies:
        answer = _mint(token_client, connection, endpoint_id, values)
        model.model_validate(answer, strict=True)


def test_a_custom_voice_comes_back_as_its_id(token_client: TokenClient, connection: Connection) -> None:
    answer = _mint(token_client, connection, "realtime", {"session.audio.output.voice": "voice_abc123"})
    session = ClientSecretCreateResponse.model_validate(answer, strict=True).session
    assert isinstance(session, RealtimeSessionCreateResponse)
    assert session.audio is not None
    assert session.audio.output is not None
    assert session.audio.output.voice == "voice_abc123"
