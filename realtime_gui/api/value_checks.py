"""One value against its catalog row: the value as it goes into the body, or the problems with it, and what a
row accepts in words (`allowed`), for messages, tooltips and `--list-parameters`.

Qt-free.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from realtime_gui.api.catalog import Kind, Parameter
from realtime_gui.api.checks import Problem, describe
from realtime_gui.jsontext import JsonValue


def check_value(row: Parameter, value: JsonValue) -> tuple[JsonValue, list[Problem]]:
    """The value as it goes into the body, or the problems with it."""
    path = row.path
    if value is None:
        if row.nullable:
            return None, []
        return None, [Problem(path, f"cannot be null; {allowed(row)}")]
    if isinstance(value, str) and value in row.literals:
        return value, []
    if isinstance(value, str) and row.kind in _NAMES and (stray := stray_ends(value)):
        return value, [Problem(path, f"{describe(value)} {stray}")]
    checker = _VALUE_CHECKS[row.kind]
    return checker(row, value)


def allowed_sentence(row: Parameter) -> str:
    """`allowed(row)` as a sentence of its own. Only the first letter is raised: str.capitalize() would lower the
    rest ("iso-639-1")."""
    words = allowed(row)
    return f"{words[:1].upper()}{words[1:]}."


# Values that name something: a choice, a model, a voice, a language code, an id (and, item by item, lists of them).
# A space or a quote at either end is a slip of the shell or a paste, and would be sent as part of the name, so it is
# refused, never trimmed. Free text (Kind.TEXT: instructions, prompts) keeps its spaces.
_NAMES = (Kind.CHOICE, Kind.STRING)
_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}
_CLOSING_QUOTES = frozenset(_QUOTES.values())
_BLANKS = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a line break"}


def stray_ends(name: str) -> str | None:
    """What a name has at its ends that belongs to no name, as the rest of a sentence ("has a space at the end;
    remove it"), or None."""
    if len(name) >= 2 and name[0] in _QUOTES and name[-1] == _QUOTES[name[0]]:
        return f"is wrapped in quotes ({name[0]}…{name[-1]}); give it without them"
    ends = []
    for char, where in ((name[:1], "start"), (name[1:][-1:], "end")):  # a name of one character has one end
        if char.isspace():
            ends.append(f"{_BLANKS.get(char, f'a blank (U+{ord(char):04X})')} at the {where}")
        elif char in _QUOTES or char in _CLOSING_QUOTES:
            ends.append(f"a quote ({char}) at the {where}")
    if not ends:
        return None
    return f"has {' and '.join(ends)}; remove {'it' if len(ends) == 1 else 'them'}"


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
        parts.append(row.check.shape)
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
            stray = stray_ends(custom)
            return value, [Problem(f"{row.path}.{row.custom_key}", f"{describe(custom)} {stray}")] if stray else []
        return _bad(row, value)
    if not isinstance(value, str) or not value:
        return _bad(row, value)
    if value in row.choices:
        return value, []
    wire = row.custom_value(value)
    if wire is not None:
        return wire, []
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
        elif stray := stray_ends(item):  # names, as in _NAMES; `en, de` was split and trimmed as list syntax
            problems.append(Problem(f"{row.path}[{i}]", f"{describe(item)} {stray}"))
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
    problems = row.check.run(row.path, value)
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
