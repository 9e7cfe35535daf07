"""Whether a form can be sent, as one rule for the window's Create, its serve toggle and the token server."""

from __future__ import annotations

from collections.abc import Sequence

from realtime_gui.api.catalog import endpoint
from realtime_gui.api.checks import Problem
from realtime_gui.api.request import InvalidRequest, MintRequest, build_request
from realtime_gui.config.connection import Connection
from realtime_gui.jsontext import Values


def sendable_request(
    endpoint_id: str, values: Values, *, connection: Connection, problems: Sequence[Problem] = ()
) -> MintRequest:
    """The request `values` make for `endpoint_id`, when it can go to `connection`. Raises InvalidRequest with
    `problems` (what a form found that its values cannot show: a field holding text that is not a value) when there
    are any, else with what the API would refuse; ConfigError when the profile's base URL must not get the key.
    Nothing is sent in either case."""
    if problems:
        raise InvalidRequest(problems)
    request = build_request(endpoint_id, values)
    connection.url_for(endpoint(endpoint_id))
    return request
