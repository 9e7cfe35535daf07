"""How the rows of an endpoint relate: values spread over rows, groups that are on, off or replaced by a keyword,
variant fields, required members, and the rules that span several rows. `applies` is the one answer to "does this
row count right now?", for the request, presets, the form and the tests.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping

from realtime_gui.api.catalog import ENDPOINTS, WHISPER_STREAMING, Endpoint, Kind, Parameter, Unset
from realtime_gui.api.checks import Problem
from realtime_gui.api.value_checks import allowed
from realtime_gui.jsontext import JsonValue, Values


def flatten(ep: Endpoint, values: Values) -> tuple[dict[str, JsonValue], list[Problem]]:
    """Values keyed by catalog rows only: JSON objects given for a group or an intermediate object
    (`{"turn_detection": {"type": "semantic_vad"}}`) are spread over the rows below it."""
    flat: dict[str, JsonValue] = {}
    problems: list[Problem] = []

    def put(path: str, value: JsonValue) -> None:
        row = ep.parameter(path)
        if row is not None and not (row.kind is Kind.GROUP and isinstance(value, dict)):
            flat[path] = value
            return
        if isinstance(value, dict) and _has_rows_below(ep, path):
            if row is not None:
                flat[path] = {}
            for key, inner in value.items():
                put(f"{path}.{key}", inner)
            return
        problems.append(Problem(path, unknown_parameter_message(ep, path)))

    for path, value in values.items():
        put(path, value)
    return flat, problems


def unknown_parameter_message(ep: Endpoint, path: str) -> str:
    """Says that `path` is not a parameter of `ep`, with the likeliest names the user meant."""
    message = f"not a parameter of the {ep.id} endpoint"
    leaf = path.rsplit(".", 1)[-1]
    guesses = [p for p in ep.by_path if p.endswith("." + leaf) and p != path]
    import difflib  # only on this error path

    guesses += difflib.get_close_matches(path, list(ep.by_path), n=3, cutoff=0.75)
    guesses = list(dict.fromkeys(guesses))[:3]
    if guesses:
        return f"{message}; did you mean {' or '.join(guesses)}?"
    elsewhere = [e.id for e in ENDPOINTS.values() if e is not ep and path in e.by_path]
    if elsewhere:
        return f"{message}; it belongs to {', '.join(elsewhere)}"
    return message


def _has_rows_below(ep: Endpoint, path: str) -> bool:
    prefix = path + "."
    return any(p.startswith(prefix) for p in ep.by_path)


def effective(ep: Endpoint, values: Values, path: str) -> JsonValue | Unset:
    """The value a row has for the API: what was set, else its documented default."""
    if path in values:
        return values[path]
    row = ep.by_path.get(path)
    return row.default if row is not None else Unset.UNSET


def group_sends_object(ep: Endpoint, values: Values, group: Parameter) -> bool:
    """Whether `group` goes into the body as an object: explicitly ({}), or because a member is set."""
    if group.path in values:
        return values[group.path] == {}
    return any(m.path in values for m in ep.members(group.path))


def applies(ep: Endpoint, values: Values, row: Parameter, *, unset_group_is_off: bool = False) -> bool:
    """Whether `row` is meaningful with the other `values`: its variant is chosen (eagerness only for semantic VAD)
    and its group is not off (null) or replaced by a keyword. A group left unset is switched on by a member that is
    set (`--set …turn_detection.type=semantic_vad` sends turn_detection); with `unset_group_is_off` (the form, whose
    group field says "not sent") it keeps its members out instead."""
    if row.when is not None:
        current = effective(ep, values, row.when.path)
        if not row.when.holds(None if isinstance(current, Unset) else current):
            return False
    group = ep.enclosing_group(row.path)
    if group is None:
        return True
    if group.path not in values:
        return not unset_group_is_off
    return values[group.path] == {}


def check_structure(ep: Endpoint, flat: Mapping[str, JsonValue]) -> list[Problem]:
    """Values set where they cannot apply, required values missing, and the rules that span several rows."""
    problems: list[Problem] = []
    for path in flat:
        row = ep.by_path[path]
        if applies(ep, flat, row):
            continue
        group = ep.enclosing_group(path)
        if group is not None and group.path in flat and flat[group.path] != {}:
            state = "off (null)" if flat[group.path] is None else f'"{flat[group.path]}"'
            problems.append(Problem(path, f"cannot be set while {group.path} is {state}"))
        elif row.when is not None:
            cond = row.when
            wanted = " or ".join(str(v) for v in cond.values)
            relation = "is not" if cond.negate else "is"
            problems.append(Problem(path, f"applies only when {cond.path} {relation} {wanted}"))
    for row in ep.parameters:
        if not row.required or row.path in flat or row.fixed:
            continue
        group = ep.enclosing_group(row.path)
        if group is not None and not group_sends_object(ep, flat, group):
            continue
        if not applies(ep, flat, row):
            continue
        where = f" when {group.path} is on" if group is not None else ""
        problems.append(Problem(row.path, f"is required{where}; {allowed(row)}"))
    if ep.whisper_detects_turns:
        problems += _whisper_streaming_rules(flat)
    return problems


# -- Rules that span several rows ---------------------------------------------------------------------------


def _whisper_streaming_rules(flat: Mapping[str, JsonValue]) -> list[Problem]:
    tx = "session.audio.input.transcription"
    td = "session.audio.input.turn_detection"
    if flat.get(f"{tx}.model") != WHISPER_STREAMING:
        return []
    if td in flat and flat[td] is None:
        return []
    return [
        Problem(
            td,
            f"must be off (null) with {WHISPER_STREAMING}, which detects turns itself; "
            "set it to null or choose another transcription model",
        )
    ]
