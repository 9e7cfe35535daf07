"""Valid parameter values for tests, drawn from the catalog's own description of each row:
a hypothesis strategy for random valid values, and one fixed example per row (with what it needs to apply)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from realtime_gui.api import checks
from realtime_gui.api.catalog import WHISPER_STREAMING, Endpoint, Kind, Parameter
from realtime_gui.api.request import build_request
from realtime_gui.api.structure import applies
from realtime_gui.jsontext import JsonValue, Values

# What an endpoint needs before it mints at all: translation has no default model.
_MINIMAL: dict[str, dict[str, JsonValue]] = {"translation": {"session.model": "gpt-realtime-translate"}}

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)
_TEXT = st.text(max_size=30)
_QUOTE_MARKS = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb"
# One-line names (ids, trace names): any text but with nothing stray at its ends, a blank or a quote mark, which the
# value checks refuse.
_NAME = _TEXT.filter(lambda t: t == "" or not (t[0].isspace() or t[-1].isspace() or {t[0], t[-1]} & set(_QUOTE_MARKS)))


def _function_tool() -> st.SearchStrategy[dict[str, Any]]:
    schema = st.fixed_dictionaries(
        {"type": st.just("object")},
        optional={
            "properties": st.dictionaries(_WORD, st.just({"type": "string"}), max_size=3),
            "required": st.lists(_WORD, max_size=2),
        },
    )
    return st.fixed_dictionaries(
        {"type": st.just("function"), "name": _WORD},
        optional={"description": _TEXT, "parameters": schema},
    )


def _mcp_tool() -> st.SearchStrategy[dict[str, Any]]:
    location = st.one_of(
        st.builds(lambda w: {"server_url": f"https://{w}.example.com/mcp"}, _WORD),
        st.sampled_from(["connector_gmail", "connector_dropbox"]).map(lambda c: {"connector_id": c}),
        st.just({"tunnel_id": "tunnel_" + "a1" * 16}),
    )
    base = st.fixed_dictionaries(
        {"type": st.just("mcp"), "server_label": _WORD},
        optional={
            "server_description": _TEXT,
            "allowed_tools": st.lists(_WORD, max_size=3),
            "require_approval": st.sampled_from(["always", "never"]),
            "headers": st.dictionaries(_WORD, _WORD, max_size=2),
        },
    )
    return st.builds(lambda b, loc: {**b, **loc}, base, location)


def _json_strategy(row: Parameter) -> st.SearchStrategy[Any]:
    check = row.check
    if check is checks.TOOLS:
        return st.lists(st.one_of(_function_tool(), _mcp_tool()), max_size=3).filter(_unique_names)
    if check is checks.FUNCTION_TOOLS:
        return st.lists(_function_tool(), max_size=3).filter(_unique_names)
    if check is checks.TOOL_CHOICE:
        return st.one_of(
            st.sampled_from(row.literals),
            st.builds(lambda n: {"type": "function", "name": n}, _WORD),
            st.builds(lambda n: {"type": "mcp", "server_label": n}, _WORD),
        )
    if check is checks.PROMPT_VARIABLES:
        return st.dictionaries(
            _WORD,
            st.one_of(_TEXT, st.builds(lambda t: {"type": "input_text", "text": t}, _TEXT)),
            max_size=3,
        )
    return st.dictionaries(_WORD, st.one_of(_TEXT, st.integers()), max_size=3)


def _unique_names(tools: list[dict[str, Any]]) -> bool:
    names = [t["name"] for t in tools if t["type"] == "function"]
    return len(names) == len(set(names))


def value_strategy(row: Parameter, *, free_text: bool) -> st.SearchStrategy[Any]:
    """Values `row` accepts. `free_text`: also strings beyond an open choice's list."""
    kind = row.kind
    strategy: st.SearchStrategy[Any]
    if kind in (Kind.STRING, Kind.TEXT):
        free = _TEXT if kind is Kind.TEXT else _NAME
        strategy = st.from_regex(row.pattern, fullmatch=True) if row.pattern else free
    elif kind is Kind.CHOICE:
        strategy = st.sampled_from(row.choices)
        if row.open and free_text:
            strategy |= _WORD
        if row.custom_key:
            strategy |= _WORD.map(lambda w: {row.custom_key: row.custom_prefix + w})
    elif kind is Kind.NUMBER:
        strategy = st.floats(row.minimum, row.maximum, allow_nan=False, allow_infinity=False)
    elif kind is Kind.INTEGER:
        if row.choices:
            strategy = st.sampled_from(row.choices)
        else:
            lo = int(row.minimum or 0)
            strategy = st.integers(lo, int(row.maximum) if row.maximum is not None else lo + 100_000)
    elif kind is Kind.BOOL:
        strategy = st.booleans()
    elif kind is Kind.STRING_LIST:
        item = st.from_regex(row.pattern, fullmatch=True) if row.pattern else _WORD
        strategy = st.lists(item, min_size=row.min_items, max_size=3)
    elif kind is Kind.MULTI_CHOICE:
        strategy = st.lists(
            st.sampled_from(row.choices),
            unique=True,
            min_size=row.min_items,
            max_size=row.max_items or len(row.choices),
        )
    elif kind is Kind.JSON:
        strategy = _json_strategy(row)
    else:
        raise AssertionError(f"no strategy for {kind}")
    if row.literals and kind is not Kind.JSON:
        strategy |= st.sampled_from(row.literals)
    if row.nullable:
        strategy |= st.none()
    return strategy


@st.composite
def endpoint_values(draw: st.DrawFn, ep: Endpoint) -> dict[str, Any]:
    """A random, valid set of values for `ep`: groups on, off or replaced by a keyword; members only in groups
    that send an object; variant fields only with their variant; required members always."""
    values: dict[str, Any] = {}
    for row in ep.parameters:
        if row.fixed:
            continue
        if not applies(ep, values, row, unset_group_is_off=True):
            continue
        if row.kind is Kind.GROUP:
            states: list[Any] = ["unset", {}]
            states += [None] if row.nullable else []
            states += list(row.literals)
            state = draw(st.sampled_from(states))
            if state != "unset":
                values[row.path] = state
            continue
        if row.required or draw(st.booleans()):
            values[row.path] = draw(value_strategy(row, free_text=not ep.retired))
    return _apply_rules(ep, values)


def _apply_rules(ep: Endpoint, values: dict[str, Any]) -> dict[str, Any]:
    """The one cross-field rule: streaming whisper transcription needs turn detection off."""
    tx_model = "session.audio.input.transcription.model"
    td = "session.audio.input.turn_detection"
    if ep.id == "transcription" and values.get(tx_model) == WHISPER_STREAMING:
        values = {k: v for k, v in values.items() if not k.startswith(td + ".")}
        values[td] = None
    return values


def example(row: Parameter) -> Any:
    """One valid value for `row`, different from its default where the row allows."""
    kind = row.kind
    if kind is Kind.GROUP:
        return None if row.nullable else row.literals[-1]
    if kind in (Kind.STRING, Kind.TEXT):
        return "en" if row.pattern else "an example"
    if kind is Kind.CHOICE:
        return row.choices[-1]
    if kind in (Kind.NUMBER, Kind.INTEGER):
        if row.choices:
            return row.choices[0]
        lo = row.minimum if row.minimum is not None else 0
        hi = row.maximum if row.maximum is not None else lo + 1000
        middle = (lo + hi) / 2
        return int(middle) if kind is Kind.INTEGER else round(middle, 3)
    if kind is Kind.BOOL:
        return row.default is not True
    if kind is Kind.STRING_LIST:
        return ["en", "de"] if row.pattern else ["Realtime", "Qt"]
    if kind is Kind.MULTI_CHOICE:
        return [row.choices[-1]]
    return json.loads(row.check.example)


_EXAMPLE = object()


def example_with_context(ep: Endpoint, row: Parameter, *, value: Any = _EXAMPLE) -> dict[str, Any]:
    """Values that set `row` to its example (or to `value`), plus what makes it apply: its variant, its group's
    required members, and the cross-field rule."""
    values: dict[str, Any] = {row.path: example(row) if value is _EXAMPLE else value}
    group = ep.enclosing_group(row.path)
    if group is not None:
        for member in ep.members(group.path):
            if member.required and not member.fixed and member.path not in values:
                values[member.path] = example(member)
    if row.when is not None:
        cond = ep.by_path[row.when.path]
        if not row.when.holds(values.get(cond.path, cond.default)):
            values[cond.path] = next(c for c in cond.choices if row.when.holds(c))
    return _apply_rules(ep, values)


def rich_values(ep: Endpoint) -> dict[str, Any]:
    """One valid value for as many rows of `ep` as can be set together: every group in its object form, every
    member and every field of the default variants set to its example."""
    values: dict[str, Any] = {}
    for row in ep.parameters:
        if row.fixed or not applies(ep, values, row, unset_group_is_off=True):
            continue
        values[row.path] = {} if row.kind is Kind.GROUP else example(row)
    return _apply_rules(ep, values)


def request_body(endpoint_id: str, values: Values) -> dict[str, Any]:
    """The body `build_request` makes of `values`, as plain JSON a test can reach into."""
    return build_request(endpoint_id, values).body


def minimal(endpoint_id: str) -> dict[str, JsonValue]:
    """The fewest values `endpoint_id` mints with: none, but translation's model."""
    return dict(_MINIMAL.get(endpoint_id, {}))


def minimal_args(endpoint_id: str) -> list[str]:
    """The same values as `--set PATH=VALUE` arguments of `realtime-gui mint`."""
    return [arg for path, value in minimal(endpoint_id).items() for arg in ("--set", f"{path}={value}")]
