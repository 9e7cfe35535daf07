"""Values typed as text (`--set PATH=VALUE`, a JSON editor in the window) read as the JSON value a row takes.

Qt-free.
"""

from __future__ import annotations

from realtime_gui import jsontext
from realtime_gui.api.catalog import Kind, Parameter
from realtime_gui.api.checks import Problem
from realtime_gui.api.value_checks import allowed
from realtime_gui.jsontext import JsonValue


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
