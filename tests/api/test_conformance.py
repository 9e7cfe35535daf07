"""Bodies built from the catalog validate against OpenAI's official request schemas, for every endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realtime_gui.api.catalog import ENDPOINT_IDS, ENDPOINTS
from realtime_gui.api.request import build_request

from official_schema import schema_errors, unknown_parameters
from samples import endpoint_values, example_with_context, minimal


def _assert_conforms(endpoint_id: str, body: dict[str, Any]) -> None:
    assert unknown_parameters(endpoint_id, body) == [], body
    assert schema_errors(endpoint_id, body) == [], body


@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
def test_minimal_body_conforms(endpoint_id: str) -> None:
    body = build_request(endpoint_id, minimal(endpoint_id)).body
    _assert_conforms(endpoint_id, body)


@pytest.mark.parametrize(
    ("endpoint_id", "path"),
    [(e.id, p.path) for e in ENDPOINTS.values() for p in e.parameters if not p.fixed],
)
def test_each_parameter_alone_conforms(endpoint_id: str, path: str) -> None:
    ep = ENDPOINTS[endpoint_id]
    values = {**minimal(endpoint_id), **example_with_context(ep, ep.by_path[path])}
    body = build_request(endpoint_id, values).body
    _assert_conforms(endpoint_id, body)


@pytest.mark.long
@pytest.mark.parametrize("endpoint_id", ENDPOINT_IDS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_valid_values_conform(endpoint_id: str, data: st.DataObject) -> None:
    ep = ENDPOINTS[endpoint_id]
    values = data.draw(endpoint_values(ep))
    body = build_request(endpoint_id, values).body
    _assert_conforms(endpoint_id, body)


def test_the_schema_check_catches_beta_names_on_ga() -> None:
    # The oracle itself must be able to fail: GA has no temperature, modalities or voice at the top.
    body = {"session": {"type": "realtime", "temperature": 0.8, "voice": "alloy"}}
    assert unknown_parameters("realtime", body) == ["session.temperature", "session.voice"]


def test_the_schema_check_catches_bad_values() -> None:
    body = {"session": {"type": "realtime", "audio": {"output": {"speed": 3}}}}
    assert schema_errors("realtime", body)
    assert schema_errors("realtime", {"expires_after": {"seconds": 5}, "session": {"type": "realtime"}})
    assert schema_errors("translation", {"session": {}})


def test_null_groups_are_accepted_where_the_spec_says_so() -> None:
    body = {
        "session": {
            "type": "realtime",
            "tracing": None,
            "audio": {"input": {"turn_detection": None, "transcription": None, "noise_reduction": None}},
        }
    }
    _assert_conforms("realtime", body)
    _assert_conforms("beta-sessions", {"turn_detection": None, "input_audio_noise_reduction": None})
