"""Form values -> a validated request body, and the beta -> GA mapping of the same settings.

Qt-free. `values` map a catalog row's JSON path to its value; a missing path is omitted from the body.
`build_request` checks everything before anything could be sent and reports every problem at once, each naming
the JSON path and what is allowed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from realtime_gui import checks, jsontext
from realtime_gui.catalog import (
    ENDPOINTS,
    WHISPER_STREAMING,
    Endpoint,
    JsonValue,
    Kind,
    Parameter,
    Unset,
    Values,
    endpoint,
)
from realtime_gui.checks import Problem, describe


class InvalidRequest(ValueError):
    """The values cannot make a valid request; `problems` says why, one per JSON path."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class MintRequest:
    endpoint: Endpoint
    body: dict[str, JsonValue]


# -- Public entry points -----------------------------------------------------------------------------------


def build_request(endpoint_id: str, values: Values) -> MintRequest:
    """The request for `values` on `endpoint_id`; raises InvalidRequest listing every problem."""
    ep = endpoint(endpoint_id)
    flat, problems = flatten(ep, values)
    checked: dict[str, JsonValue] = {}
    for path, value in flat.items():
        row = ep.by_path[path]
        normal, row_problems = check_value(row, value)
        problems += row_problems
        if not row_problems:
            checked[path] = normal
    problems += _check_structure(ep, flat)
    for rule in _RULES.get(ep.id, ()):
        problems += rule(flat)
    if problems:
        raise InvalidRequest(_unique(problems))
    return MintRequest(endpoint=ep, body=_assemble(ep, checked))


def validate(endpoint_id: str, values: Values) -> list[Problem]:
    """Every problem with `values`, or an empty list."""
    try:
        build_request(endpoint_id, values)
    except InvalidRequest as err:
        return list(err.problems)
    return []


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


def value_from_text(row: Parameter | None, path: str, text: str) -> tuple[JsonValue, Problem | None]:
    """A value typed as text (`--set PATH=VALUE`, a JSON editor): the JSON it spells when it parses and the
    row takes that type (numbers, true/false, null, arrays, objects), else the text itself. Strict JSON only
    (jsontext): NaN, Infinity and deep nesting stay text, so a number parameter refuses them as such; a JSON
    parameter whose text is refused is a problem, quoted with the parser's reason and position."""
    try:
        parsed: JsonValue = jsontext.loads(text)
    except jsontext.JsonTextError as err:
        if row is not None and row.kind is Kind.JSON and text.strip() not in row.literals:
            return text, Problem(path, f"{err}; {allowed(row)}")
        return text, None
    if row is None or parsed is None:
        return parsed, None
    takes: tuple[type, ...]
    if row.kind in (Kind.STRING, Kind.TEXT, Kind.CHOICE):
        takes = (str, dict) if row.custom_key else (str,)
    elif row.kind in (Kind.STRING_LIST, Kind.MULTI_CHOICE):
        takes = (list,)
    elif row.kind is Kind.GROUP:
        takes = (dict, str)
    else:
        return parsed, None
    return (parsed if isinstance(parsed, takes) else text), None


# -- One value against its row -----------------------------------------------------------------------------


def check_value(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    """The value as it goes into the body, or the problems with it."""
    path = row.path
    if value is None:
        if row.nullable:
            return None, []
        return None, [Problem(path, f"cannot be null; {allowed(row)}")]
    if isinstance(value, str) and value in row.literals:
        return value, []
    checker = _VALUE_CHECKS[row.kind]
    return checker(row, value)


def allowed(row: Parameter) -> str:
    """What `row` accepts, in words, for error messages and help."""
    kind = row.kind
    parts: list[str] = []
    if kind in (Kind.STRING, Kind.TEXT):
        parts.append(f"expected {row.pattern_hint}" if row.pattern_hint else "expected text")
    elif kind is Kind.CHOICE:
        parts.append("expected one of " + _listing(row.choices))
        if row.open:
            parts[-1] += " (other names are accepted too)"
        if row.custom_key:
            parts[-1] += f', or {{"{row.custom_key}": "{row.custom_prefix}…"}}'
    elif kind in (Kind.NUMBER, Kind.INTEGER):
        noun = "a whole number" if kind is Kind.INTEGER else "a number"
        if row.choices:
            parts.append("expected " + _listing(row.choices))
        else:
            parts.append(f"expected {noun}{_range_words(row)}")
    elif kind is Kind.BOOL:
        parts.append("expected true or false")
    elif kind is Kind.STRING_LIST:
        parts.append("expected a list of text" + (f" ({row.pattern_hint})" if row.pattern_hint else ""))
    elif kind is Kind.MULTI_CHOICE:
        most = " (pick one)" if row.max_items == 1 else ""
        parts.append(f"expected a list drawn from {_listing(row.choices)}{most}")
    elif kind is Kind.JSON:
        parts.append(checks.JSON_SHAPES[row.check or "any"])
    elif kind is Kind.GROUP:
        parts.append("expected an object of its fields")
    extras = [repr(x).replace("'", '"') for x in row.literals]
    if row.nullable:
        extras.append("null")
    if extras:
        parts.append("or " + " or ".join(extras))
    return " ".join(parts)


def _listing(items: Iterable[object]) -> str:
    return ", ".join(str(x) for x in items)


def _range_words(row: Parameter) -> str:
    unit = f" {row.unit}" if row.unit and row.unit != "x" else ""
    lo, hi = row.minimum, row.maximum
    if lo is not None and hi is not None:
        return f" from {_num(lo)} to {_num(hi)}{unit}"
    if lo is not None:
        return f" of at least {_num(lo)}{unit}"
    if hi is not None:
        return f" of at most {_num(hi)}{unit}"
    return unit


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _bad(row: Parameter, value: JsonValue, why: str = "") -> tuple[JsonValue, list[Problem]]:
    lead = why or f"{describe(value)} is not allowed"
    return value, [Problem(row.path, f"{lead}; {allowed(row)}")]


def _check_text(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    if not isinstance(value, str):
        return _bad(row, value)
    if row.pattern and not re.fullmatch(row.pattern, value):
        return _bad(row, value)
    return value, []


def _check_choice(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    if isinstance(value, dict) and row.custom_key:
        custom = value.get(row.custom_key)
        if set(value) == {row.custom_key} and isinstance(custom, str) and custom:
            return value, []
        return _bad(row, value)
    if not isinstance(value, str) or not value:
        return _bad(row, value)
    if value in row.choices:
        return value, []
    if row.custom_key and row.custom_prefix and value.startswith(row.custom_prefix):
        return {row.custom_key: value}, []
    if row.open:
        return value, []
    return _bad(row, value)


def _is_number(value: JsonValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_number(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    if not _is_number(value):
        return _bad(row, value)
    assert isinstance(value, int | float)
    if isinstance(value, float) and not math.isfinite(value):  # (math.isfinite overflows on a 400-digit int)
        return _bad(row, value)
    if row.kind is Kind.INTEGER and isinstance(value, float):
        if not value.is_integer():
            return _bad(row, value, f"{describe(value)} is not a whole number")
        value = int(value)
    if row.choices and value not in row.choices:
        return _bad(row, value)
    too_low = row.minimum is not None and value < row.minimum
    too_high = row.maximum is not None and value > row.maximum
    if too_low or too_high:
        return _bad(row, value, f"{describe(value)} is out of range")
    return value, []


def _check_bool(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    if isinstance(value, bool):
        return value, []
    return _bad(row, value)


def _as_list(value: JsonValue) -> list[JsonValue] | None:
    """Lists stay lists; a comma-separated string is a list (so `--set …languages=en,de` works)."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return None


def _check_list(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    items = _as_list(value)
    if items is None:
        return _bad(row, value)
    problems: list[Problem] = []
    for i, item in enumerate(items):
        if not isinstance(item, str):
            problems.append(Problem(f"{row.path}[{i}]", f"{describe(item)} is not text"))
        elif row.kind is Kind.MULTI_CHOICE and item not in row.choices:
            problems.append(Problem(f"{row.path}[{i}]", f"{describe(item)} is not one of {_listing(row.choices)}"))
        elif row.pattern and not re.fullmatch(row.pattern, item):
            problems.append(Problem(f"{row.path}[{i}]", f"{describe(item)} is not {row.pattern_hint}"))
    if problems:
        return value, problems
    if row.kind is Kind.MULTI_CHOICE and len(set(map(str, items))) != len(items):
        return _bad(row, value, "lists an entry twice")
    if len(items) < row.min_items:
        return _bad(row, value, f"needs at least {row.min_items} entr{'y' if row.min_items == 1 else 'ies'}")
    if row.max_items is not None and len(items) > row.max_items:
        return _bad(row, value, f"takes at most {row.max_items} entr{'y' if row.max_items == 1 else 'ies'}")
    return items, []


def _check_json(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    if isinstance(value, str) and row.literals:
        return _bad(row, value)  # a mistyped keyword: say which keywords exist
    problems = checks.JSON_CHECKS[row.check or "any"](row.path, value)
    return value, problems


def _check_group(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    # A group's own value is null, a literal (handled above) or {} ("send the object"); members carry the rest.
    if value == {}:
        return value, []
    return _bad(row, value)


_VALUE_CHECKS: dict[Kind, Callable[[Parameter, JsonValue], tuple[JsonValue, list[Problem]]]] = {
    Kind.STRING: _check_text,
    Kind.TEXT: _check_text,
    Kind.CHOICE: _check_choice,
    Kind.NUMBER: _check_number,
    Kind.INTEGER: _check_number,
    Kind.BOOL: _check_bool,
    Kind.STRING_LIST: _check_list,
    Kind.MULTI_CHOICE: _check_list,
    Kind.JSON: _check_json,
    Kind.GROUP: _check_group,
}


# -- How rows relate: groups, variants, required fields -------------------------------------------------------


def effective(ep: Endpoint, flat: Mapping[str, JsonValue], path: str) -> JsonValue | Unset:
    """The value a row has for the API: what was set, else its documented default."""
    if path in flat:
        return flat[path]
    row = ep.by_path.get(path)
    return row.default if row is not None else Unset.UNSET


def group_sends_object(ep: Endpoint, flat: Mapping[str, JsonValue], group: Parameter) -> bool:
    """Whether `group` goes into the body as an object: explicitly ({}), or because a member is set."""
    if group.path in flat:
        return flat[group.path] == {}
    return any(m.path in flat for m in ep.members(group.path))


def applies(ep: Endpoint, flat: Mapping[str, JsonValue], row: Parameter) -> bool:
    """Whether `row` is meaningful with the other values: its variant is chosen (e.g. eagerness only for
    semantic VAD) and its group is not off or replaced by a keyword."""
    if row.when is not None:
        current = effective(ep, flat, row.when.path)
        if not row.when.holds(None if isinstance(current, Unset) else _scalar(current)):
            return False
    group = ep.enclosing_group(row.path)
    return group is None or group.path not in flat or flat[group.path] == {}


def _scalar(value: JsonValue) -> str | int | float | bool | None:
    return value if isinstance(value, str | int | float | bool) or value is None else None


def _check_structure(ep: Endpoint, flat: Mapping[str, JsonValue]) -> list[Problem]:
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
    return problems


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


def _has_rows_below(ep: Endpoint, path: str) -> bool:
    prefix = path + "."
    return any(p.startswith(prefix) for p in ep.by_path)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


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


_RULES: dict[str, tuple[Callable[[Mapping[str, JsonValue]], list[Problem]], ...]] = {
    "transcription": (_whisper_streaming_rules,),
}


# -- Beta -> GA ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaMapping:
    """The GA endpoint and values that mean the same as a beta request, and what could not be carried."""

    endpoint_id: str
    values: dict[str, JsonValue]
    dropped: tuple[Problem, ...]


_BETA_FORMATS: dict[str, dict[str, JsonValue]] = {
    "pcm16": {"type": "audio/pcm", "rate": 24000},
    "g711_ulaw": {"type": "audio/pcmu"},
    "g711_alaw": {"type": "audio/pcma"},
}

# Beta path prefix -> GA path prefix. The longest matching prefix wins; None means "no GA equivalent".
_TO_GA: dict[str, dict[str, str | None]] = {
    "beta-sessions": {
        "model": "session.model",
        "instructions": "session.instructions",
        "modalities": "session.output_modalities",
        "voice": "session.audio.output.voice",
        "speed": "session.audio.output.speed",
        "input_audio_format": "session.audio.input.format",
        "output_audio_format": "session.audio.output.format",
        "input_audio_transcription": "session.audio.input.transcription",
        "input_audio_noise_reduction": "session.audio.input.noise_reduction",
        "turn_detection": "session.audio.input.turn_detection",
        "tools": "session.tools",
        "tool_choice": "session.tool_choice",
        "max_response_output_tokens": "session.max_output_tokens",
        "tracing": "session.tracing",
        "client_secret.expires_after": "expires_after",
        "temperature": None,
    },
    "beta-transcription": {
        "input_audio_format": "session.audio.input.format",
        "input_audio_transcription": "session.audio.input.transcription",
        "input_audio_noise_reduction": "session.audio.input.noise_reduction",
        "turn_detection": "session.audio.input.turn_detection",
        "include": "session.include",
        "client_secret.expires_at": "expires_after",
        "modalities": None,
    },
}


def to_ga(endpoint_id: str, values: Values) -> GaMapping:
    """The GA equivalent of beta `values`, naming each setting that has none (temperature, say)."""
    ep = endpoint(endpoint_id)
    if ep.ga_equivalent is None:
        raise ValueError(f"{endpoint_id} is not a beta endpoint")
    ga = endpoint(ep.ga_equivalent)
    table = _TO_GA[endpoint_id]
    flat, _ = flatten(ep, values)
    mapped: dict[str, JsonValue] = {}
    dropped: list[Problem] = []
    for path, value in flat.items():
        prefix = _longest_prefix(table, path)
        target = table.get(prefix) if prefix is not None else None
        if target is None:
            dropped.append(Problem(path, f"has no equivalent on the GA {ga.id} endpoint"))
            continue
        for ga_path, ga_value in _translate(prefix or "", target, path, value):
            if ga_path in ga.by_path:
                mapped[ga_path] = ga_value
            else:
                dropped.append(Problem(path, f"has no equivalent on the GA {ga.id} endpoint"))
    return GaMapping(endpoint_id=ga.id, values=mapped, dropped=tuple(_unique(dropped)))


def _longest_prefix(table: Mapping[str, object], path: str) -> str | None:
    best: str | None = None
    for prefix in table:
        if (path == prefix or path.startswith(prefix + ".")) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


def _translate(prefix: str, target: str, path: str, value: JsonValue) -> Iterator[tuple[str, JsonValue]]:
    ga_path = target + path[len(prefix) :]
    if prefix.endswith("audio_format") and isinstance(value, str) and value in _BETA_FORMATS:
        for key, part in _BETA_FORMATS[value].items():
            yield f"{ga_path}.{key}", part
    elif prefix == "modalities" and isinstance(value, list):
        # GA answers in one modality: audio (with its transcript) whenever audio was allowed.
        yield ga_path, ["audio"] if "audio" in value else ["text"]
    elif prefix == "tool_choice" and isinstance(value, str) and value not in ("auto", "none", "required"):
        yield ga_path, {"type": "function", "name": value}
    else:
        yield ga_path, value
