"""The client against a hostile server on loopback: each misbehaviour ends as a typed error within its bounds."""

from __future__ import annotations

import pytest

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.errors import NetworkError
from realtime_gui.net.client import TokenClient

from conftest import TEST_KEY
from hostile_server import HostileServer

REQUEST = build_request("realtime", {})


def test_the_well_behaved_mode_mints(hostile: HostileServer, token_client: TokenClient) -> None:
    token = token_client.mint(REQUEST, connection=Connection(base_url=hostile.base_url("ok")), api_key=TEST_KEY)
    assert token.value.startswith("ek_")
    assert hostile.requests[0].path == "/v1/realtime/client_secrets"


def test_a_server_that_never_answers_times_out(hostile: HostileServer, token_client: TokenClient) -> None:
    connection = Connection(base_url=hostile.base_url("hang"), timeout=0.5)
    with pytest.raises(NetworkError) as caught:
        token_client.mint(REQUEST, connection=connection, api_key=TEST_KEY)
    assert caught.value.reason == "timeout"
