"""Presets: a JSON object of PATH -> VALUE, saved by the window, read by File > Open preset and `mint --preset`.

Qt-free. Both readers go through `read_preset`, so a preset is accepted or refused the same way, with the same
sentences. Reading is bounded (a regular file of at most MAX_BYTES, strict JSON; see jsontext.py), and every value
is checked against the endpoint's catalog rows before anyone uses it: a preset with one bad value is refused
whole, each problem naming its path and what is allowed. Values still missing (a required model) are no reason
to refuse a preset: the form or `--set` may add them, and Create says what is missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence

from realtime_gui import jsontext
from realtime_gui.api.catalog import Kind, endpoint
from realtime_gui.api.checks import Problem
from realtime_gui.api.request import validate
from realtime_gui.api.structure import flatten, group_sends_object
from realtime_gui.api.value_checks import check_value
from realtime_gui.errors import InputError
from realtime_gui.jsontext import JsonValue

MAX_BYTES = 1024 * 1024  # a preset is a few hundred bytes; tools and instructions fit many times over
EXAMPLE = '{"session.model": "gpt-realtime"}'


class PresetError(InputError, ValueError):
    """A preset that cannot be used; str() is a sentence fragment, `problems` names each bad path."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


def read_preset(path: str | os.PathLike[str], endpoint_id: str) -> dict[str, JsonValue]:
    """The preset's values for `endpoint_id`, keyed by catalog row paths (nested objects spread over their rows),
    each as it goes into the body. Raises PresetError, and then nothing of the preset may be used."""
    where = f"the preset '{os.fsdecode(path)}'"
    try:
        data = jsontext.loads(jsontext.read_file(path, max_bytes=MAX_BYTES))
    except OSError as err:
        raise PresetError(f"cannot read {where}: {err.strerror or err}.") from None
    except jsontext.JsonTextError as err:
        raise PresetError(f"{where} {err}.") from None
    if not isinstance(data, dict):
        raise PresetError(f"{where} must be a JSON object of PATH -> VALUE, e.g. {EXAMPLE}.")
    values, problems = check_preset(endpoint_id, data)
    if problems:
        count = "1 value" if len(problems) == 1 else f"{len(problems)} values"
        raise PresetError(f"{where} was not loaded: {count} the {endpoint_id} endpoint does not accept.", problems)
    return values


def check_preset(endpoint_id: str, data: Mapping[str, JsonValue]) -> tuple[dict[str, JsonValue], list[Problem]]:
    """`data` keyed by row paths and normalized (600.0 -> 600, "en,de" -> ["en", "de"]), and every problem
    with a value it gives: unknown paths, values a row does not take, values that cannot apply together."""
    ep = endpoint(endpoint_id)
    flat, problems = flatten(ep, data)  # paths the endpoint does not have
    missing = {row.path for row in ep.parameters if row.required and row.path not in flat}
    problems += [p for p in validate(endpoint_id, flat) if p.path not in missing]
    if problems:
        return flat, problems
    values = {path: check_value(ep.by_path[path], value)[0] for path, value in flat.items()}
    for row in ep.parameters:
        # A member given without its group ({"…turn_detection.threshold": 0.5}) sends the group's object, as
        # the request builder does; the form needs to be told so, or it would keep the member but not send it.
        if row.kind is Kind.GROUP and row.path not in values and group_sends_object(ep, values, row):
            values[row.path] = {}
    return values, []


def write_preset(path: str | os.PathLike[str], values: Mapping[str, JsonValue]) -> None:
    """Write `values` as a preset; OSError when the file cannot be written."""
    with open(path, "w", encoding="utf-8") as file:
        file.write(json.dumps(dict(values), indent=2, ensure_ascii=False) + "\n")
