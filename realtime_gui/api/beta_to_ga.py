"""A beta request's settings on the GA endpoint that replaced it, from the GA paths the catalog's beta rows carry.

Qt-free. Used where a retired beta endpoint refuses a request: the CLI prints the same request for the GA endpoint,
the window offers to switch with the settings carried over; and when the window's endpoint changes (`carry_over`).
"""

from __future__ import annotations

from dataclasses import dataclass

from realtime_gui.api.catalog import ENDPOINTS, Parameter, endpoint
from realtime_gui.api.checks import Problem, describe
from realtime_gui.api.structure import flatten
from realtime_gui.api.value_checks import check_value
from realtime_gui.jsontext import JsonValue, Values


@dataclass(frozen=True)
class GaMapping:
    """The GA endpoint and values that mean the same as a beta request, and what could not be carried."""

    endpoint_id: str
    values: dict[str, JsonValue]
    dropped: tuple[Problem, ...]


def to_ga(endpoint_id: str, values: Values) -> GaMapping:
    """The GA equivalent of beta `values`, naming each setting that has none (temperature, say)."""
    ep = endpoint(endpoint_id)
    if ep.ga_equivalent is None:
        raise ValueError(f"{endpoint_id} is not a beta endpoint")
    ga = endpoint(ep.ga_equivalent)
    flat, _ = flatten(ep, values)
    mapped: dict[str, JsonValue] = {}
    dropped: list[Problem] = []
    for path, value in flat.items():
        row = ep.by_path[path]
        if row.ga_path is not None:
            # An object (an audio format's type and rate) spreads over the GA rows below its path.
            spread, unknown = flatten(ga, {row.ga_path: row.to_ga(value) if row.to_ga else value})
            if not unknown:
                mapped.update(spread)
                continue
        dropped.append(Problem(path, f"has no equivalent on the GA {ga.id} endpoint"))
    return GaMapping(endpoint_id=ga.id, values=mapped, dropped=tuple(dict.fromkeys(dropped)))


def carry_over(source: str, target: str, values: Values) -> dict[str, JsonValue]:
    """The values of endpoint `source` that mean the same on `target`: a beta endpoint's on its GA endpoint through
    the mapping above, else those whose path `target` has too."""
    if endpoint(source).ga_equivalent == target:
        return to_ga(source, values).values
    target_paths = endpoint(target).by_path
    return {path: value for path, value in values.items() if path in target_paths}


@dataclass(frozen=True)
class Carried:
    """What a change of endpoint takes along: the values the target accepts, and the others, each with why not."""

    values: dict[str, JsonValue]
    refused: tuple[Problem, ...]


def carry(source: str, target: str, values: Values) -> Carried:
    """`carry_over`, keeping only the values the target's catalog row accepts: a model of another endpoint's list
    (the translation model on Realtime) stays behind, and so does a value out of the target's range."""
    rows = endpoint(target).by_path
    kept: dict[str, JsonValue] = {}
    refused: list[Problem] = []
    for path, value in carry_over(source, target, values).items():
        why = _refusal(rows[path], value, target) if path in rows else "has no row there"
        if why is None:
            kept[path] = value
        else:
            refused.append(Problem(path, why))
    return Carried(values=kept, refused=tuple(refused))


def _refusal(row: Parameter, value: JsonValue, target: str) -> str | None:
    problems = check_value(row, value)[1]
    if problems:
        return f"{problems[0].message} on {target}"
    # An open list takes names it does not know (a new model); a name another endpoint's list knows is that
    # endpoint's, and would be refused by the API here.
    foreign = isinstance(value, str) and value not in (*row.choices, *row.literals) and value in _known(row.path)
    if row.open and foreign:
        return f"{describe(value)} is not one of the {target} endpoint's choices"
    return None


def _known(path: str) -> set[str]:
    return {str(c) for ep in ENDPOINTS.values() if (row := ep.by_path.get(path)) is not None for c in row.choices}
