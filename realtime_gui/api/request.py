"""Form values -> a validated request body: the one way to a `MintRequest`.

Qt-free. `values` map a catalog row's JSON path to its value; a missing path is omitted from the body.
`build_request` checks everything before anything could be sent (each value against its row: value_checks.py; how
the values fit together: structure.py) and reports every problem at once, each naming the JSON path and what is
allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from realtime_gui.api.catalog import Endpoint, Kind, Parameter, endpoint
from realtime_gui.api.checks import Problem
from realtime_gui.api.structure import check_structure, flatten, group_sends_object
from realtime_gui.api.value_checks import check_value
from realtime_gui.errors import InputError
from realtime_gui.jsontext import JsonValue, Values


class InvalidRequest(InputError, ValueError):
    """The values cannot make a valid request; `problems` says why, one per JSON path."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class MintRequest:
    """A checked request: the endpoint and the JSON body to send it."""

    endpoint: Endpoint
    body: dict[str, JsonValue]


def build_request(endpoint_id: str, values: Values) -> MintRequest:
    """The request for `values` on `endpoint_id`; raises InvalidRequest listing every problem."""
    ep = endpoint(endpoint_id)
    flat, problems = flatten(ep, values)
    checked: dict[str, JsonValue] = {}
    for path, value in flat.items():
        normal, row_problems = check_value(ep.by_path[path], value)
        problems += row_problems
        if not row_problems:
            checked[path] = normal
    problems += check_structure(ep, flat)
    if problems:
        raise InvalidRequest(dict.fromkeys(problems))
    return MintRequest(endpoint=ep, body=_assemble(ep, checked))


def validate(endpoint_id: str, values: Values) -> list[Problem]:
    """Every problem with `values`, or an empty list."""
    try:
        build_request(endpoint_id, values)
    except InvalidRequest as err:
        return list(err.problems)
    return []


def _assemble(ep: Endpoint, checked: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    body: dict[str, JsonValue] = {}
    for row in ep.parameters:
        if row.path in checked:
            value = checked[row.path]
        elif row.fixed and _object_is_sent(ep, checked, row):
            value = row.choices[0]
        else:
            continue
        if row.kind is Kind.GROUP and value == {}:
            _parent_object(body, row.path.split("."))
            continue
        keys = row.path.split(".")
        _parent_object(body, keys[:-1])[keys[-1]] = value
    return body


def _object_is_sent(ep: Endpoint, checked: Mapping[str, JsonValue], row: Parameter) -> bool:
    group = ep.enclosing_group(row.path)
    if group is not None:
        return group_sends_object(ep, checked, group)
    # A top-level object (`session`) always goes out; a deeper plain one (the beta `client_secret.expires_after`)
    # only when something else in it is sent, so its fixed anchor rides along with the lifetime.
    parent = row.path.rsplit(".", 1)[0]
    return "." not in parent or any(path.startswith(parent + ".") for path in checked)


def _parent_object(body: dict[str, JsonValue], keys: list[str]) -> dict[str, JsonValue]:
    node = body
    for key in keys:
        child = node.setdefault(key, {})
        assert isinstance(child, dict)
        node = child
    return node
