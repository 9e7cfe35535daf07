"""The official Python SDK's request types (`openai`, pinned in the test extra) as a second oracle beside the spec.

`sdk_shape` walks an endpoint's request TypedDicts (`Required`, `Optional`, `Literal`, unions, lists) into one
`Node` per JSON key path; `catalog_shape` describes the catalog the same way, so the two can be compared key by key.
`sdk_problems` checks a request body with pydantic against the same TypedDicts (plus unknown keys, which pydantic
ignores in a TypedDict).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import typing_extensions
from openai.types.beta.realtime.session_create_params import SessionCreateParams as BetaSessionParams
from openai.types.beta.realtime.transcription_session_create_params import (
    TranscriptionSessionCreateParams as BetaTranscriptionParams,
)
from openai.types.realtime.client_secret_create_params import ClientSecretCreateParams
from openai.types.realtime.translations.client_secret_create_params import (
    ClientSecretCreateParams as TranslationParams,
)
from pydantic import TypeAdapter, ValidationError

from realtime_gui.api.catalog import ENDPOINTS, Endpoint, Kind, Parameter

Scalar = str | int | float | bool


@dataclass
class Node:
    """What one key path accepts."""

    enum: set[Scalar] = field(default_factory=set)  # Literal values
    open: bool = False  # any other string is accepted too
    nullable: bool = False
    required: bool = False  # must be there whenever its parent object is sent
    scalar_types: set[str] = field(default_factory=set)


# Each GA client-secret request is one member of the SDK's `session` union, told apart by `session.type`.
_ROOTS: dict[str, tuple[Any, str | None]] = {
    "realtime": (ClientSecretCreateParams, "realtime"),
    "transcription": (ClientSecretCreateParams, "transcription"),
    "translation": (TranslationParams, None),
    "beta-sessions": (BetaSessionParams, None),
    "beta-transcription": (BetaTranscriptionParams, None),
}
_WRAPPERS = {typing_extensions.Required, typing_extensions.NotRequired, typing_extensions.Annotated}
_LISTS = {list, typing.List, tuple, set}  # noqa: UP006 - the SDK spells some lists this way


def _unwrap(tp: Any) -> tuple[Any, bool | None]:
    """The type inside Required/NotRequired/Annotated, and whether Required said so."""
    required: bool | None = None
    while get_origin(tp) in _WRAPPERS:
        if get_origin(tp) is typing_extensions.Required:
            required = True
        elif get_origin(tp) is typing_extensions.NotRequired:
            required = False
        tp = get_args(tp)[0]
    return tp, required


def _members(tp: Any) -> list[Any]:
    tp, _ = _unwrap(tp)
    if get_origin(tp) in (Union, types.UnionType):
        return [m for arg in get_args(tp) for m in _members(arg)]
    return [tp]


def _is_list(tp: Any) -> bool:
    origin = get_origin(tp)
    return origin in _LISTS or (origin is not None and getattr(origin, "__name__", "") in ("Iterable", "Sequence"))


def _fields(td: Any) -> dict[str, tuple[Any, bool]]:
    """Each key's type and whether it is required. The SDK's modules postpone annotations, which leaves
    `__required_keys__` empty, so `Required[…]` is read from the hints themselves."""
    fields = {}
    for key, tp in get_type_hints(td, include_extras=True).items():
        _, required = _unwrap(tp)
        fields[key] = (tp, td.__total__ if required is None else required)
    return fields


def session_type(endpoint_id: str) -> Any:
    """The TypedDict for the whole request body of `endpoint_id` (GA: its member of the session union)."""
    root, pick = _ROOTS[endpoint_id]
    if pick is None:
        return root
    fields = {}
    for key, (tp, required) in _fields(root).items():
        if key == "session":
            [tp] = [m for m in _members(tp) if _literal(_fields(m)["type"][0]) == {pick}]
        fields[key] = typing_extensions.Required[tp] if required else typing_extensions.NotRequired[tp]
    return typing_extensions.TypedDict(f"{root.__name__}_{pick}", fields, total=False)  # type: ignore[operator]


def _literal(tp: Any) -> set[Scalar]:
    return {v for m in _members(tp) if get_origin(m) is Literal for v in get_args(m)}


@cache
def sdk_shape(endpoint_id: str) -> dict[str, Node]:
    """Every key path of the SDK's request type for `endpoint_id`; list items are folded into their list."""
    shape: dict[str, Node] = {}

    def walk(tp: Any, path: str, required: bool) -> None:
        node = shape.get(path)
        if node is None:
            node = shape[path] = Node(required=required)
        else:
            node.required = node.required and required
        objects: list[Any] = []
        for member in _members(tp):
            if member is type(None):
                node.nullable = True
            elif get_origin(member) is Literal:
                node.enum.update(get_args(member))
            elif member is str:
                node.open = True
                node.scalar_types.add("str")
            elif _is_list(member):
                item = get_args(member)[0] if get_args(member) else Any
                objects += [m for m in _members(item) if typing_extensions.is_typeddict(m)]
                for m in _members(item):
                    if get_origin(m) is Literal:
                        node.enum.update(get_args(m))
                    elif m is str:
                        node.open = True
            elif typing_extensions.is_typeddict(member):
                objects.append(member)
            else:
                node.scalar_types.add(getattr(member, "__name__", str(member)))
        # A key is required when every object that declares it requires it.
        seen: dict[str, bool] = {}
        for td in objects:
            for key, (_, req) in _fields(td).items():
                seen[key] = seen.get(key, True) and req
        for td in objects:
            for key, (inner, _) in _fields(td).items():
                walk(inner, f"{path}.{key}" if path else key, seen[key])

    walk(session_type(endpoint_id), "", True)
    del shape[""]
    return shape


def _json_rows(endpoint_id: str) -> list[str]:
    return [row.path for row in ENDPOINTS[endpoint_id].parameters if row.kind is Kind.JSON]


def json_row_items(endpoint_id: str, path: str) -> dict[str, Node]:
    """The SDK's key paths inside the JSON row `path`, relative to it (list items folded: `type`, `name`…)."""
    prefix = path + "."
    return {p[len(prefix) :]: n for p, n in sdk_shape(endpoint_id).items() if p.startswith(prefix)}


def tool_keys(endpoint_id: str, path: str) -> dict[str, set[str]]:
    """For each kind of tool the SDK takes at `path` (its `type`), the keys that kind of tool may have."""
    [tools] = [tp for key, (tp, _) in _fields_at(endpoint_id, path)]
    kinds: dict[str, set[str]] = {}
    for member in _members(tools):
        for item in _members(get_args(member)[0]) if _is_list(member) else ():
            if typing_extensions.is_typeddict(item):
                fields = _fields(item)
                for kind in _literal(fields["type"][0]):
                    kinds.setdefault(str(kind), set()).update(fields)
    return kinds


def _fields_at(endpoint_id: str, path: str) -> list[tuple[str, tuple[Any, bool]]]:
    """The (key, field) pair at `path`, found by descending through the objects on the way."""
    *heads, last = path.split(".")
    objects = [session_type(endpoint_id)]
    for key in heads:
        objects = [m for td in objects for m in _members(_fields(td)[key][0]) if typing_extensions.is_typeddict(m)]
    return [(last, _fields(td)[last]) for td in objects if last in _fields(td)]


def _catalog_node(row: Parameter) -> Node:
    node = Node(nullable=row.nullable, required=row.required)
    if row.kind in (Kind.CHOICE, Kind.MULTI_CHOICE) or row.choices:
        node.enum.update(c for c in row.choices if c is not None)
    node.enum.update(row.literals)
    node.open = row.kind in (Kind.STRING, Kind.TEXT, Kind.STRING_LIST) or (row.kind is Kind.CHOICE and row.open)
    return node


def catalog_shape(ep: Endpoint) -> dict[str, Node]:
    """The catalog's rows for `ep` as key paths, with the plain objects that hold them."""
    shape: dict[str, Node] = {}
    for row in ep.parameters:
        shape[row.path] = _catalog_node(row)
        if row.custom_key:  # {custom_key: "…"} is the whole object
            shape[f"{row.path}.{row.custom_key}"] = Node(open=True, required=True)
        # The plain objects above a row the user must give outside any group are required too (translation's
        # `session`); a fixed row does not count: the builder fills it in only when its object goes out anyway.
        user_must_send = row.required and not row.fixed and ep.enclosing_group(row.path) is None
        head = row.path
        while "." in head:
            head = head.rsplit(".", 1)[0]
            shape.setdefault(head, Node()).required |= user_must_send
    return shape


def below_json_rows(endpoint_id: str, path: str) -> bool:
    """Paths inside a JSON-valued row (tools, tool choice, metadata…) are the business of checks.py, not rows."""
    return any(path.startswith(json_row + ".") for json_row in _json_rows(endpoint_id))


@dataclass(frozen=True, order=True)
class Difference:
    endpoint: str
    path: str
    aspect: str  # "path", "enum", "open", "required", "nullable"
    detail: str

    def __str__(self) -> str:
        return f"{self.endpoint}  {self.path}  [{self.aspect}]  {self.detail}"


def _names(values: Iterable[Scalar]) -> str:
    return ", ".join(sorted(str(v) for v in values))


def _both(sdk: bool, catalog: bool) -> str:
    return f"SDK {'yes' if sdk else 'no'}, catalog {'yes' if catalog else 'no'}"


def differences(ep: Endpoint) -> list[Difference]:
    """Every way the catalog's `ep` and the SDK's request type disagree, both ways."""
    endpoint_id = ep.id
    sdk = {p: n for p, n in sdk_shape(endpoint_id).items() if not below_json_rows(endpoint_id, p)}
    ours = catalog_shape(ep)
    found: list[Difference] = []

    def say(path: str, aspect: str, detail: str) -> None:
        found.append(Difference(endpoint_id, path, aspect, detail))

    for path in sorted(set(sdk) - set(ours)):
        say(path, "path", "in the SDK, not in the catalog")
    for path in sorted(set(ours) - set(sdk)):
        say(path, "path", "in the catalog, not in the SDK")
    for path in sorted(set(sdk) & set(ours)):
        theirs, mine = sdk[path], ours[path]
        if theirs.enum - mine.enum:
            say(path, "enum", f"only the SDK lists {_names(theirs.enum - mine.enum)}")
        if mine.enum - theirs.enum:
            say(path, "enum", f"only the catalog lists {_names(mine.enum - theirs.enum)}")
        if (theirs.enum or mine.enum) and theirs.open != mine.open:
            say(path, "open", f"other strings: {_both(theirs.open, mine.open)}")
        for aspect in ("required", "nullable"):
            if getattr(theirs, aspect) != getattr(mine, aspect):
                say(path, aspect, _both(getattr(theirs, aspect), getattr(mine, aspect)))
    return found


# -- bodies through the SDK's types --------------------------------------------------------------------------------


@cache
def _adapter(endpoint_id: str) -> TypeAdapter[Any]:
    return TypeAdapter(session_type(endpoint_id))


def unknown_keys(endpoint_id: str, body: Mapping[str, Any]) -> list[str]:
    """Key paths in `body` that the SDK's type does not declare (pydantic ignores extra keys in a TypedDict)."""
    known = sdk_shape(endpoint_id)
    found: list[str] = []

    def walk(value: Any, path: str) -> None:
        if path and path not in known:
            found.append(path)
            return
        if path and below_json_rows(endpoint_id, path + ".x"):
            return  # a JSON row's own value: pydantic checks it against the SDK's type
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)

    walk(body, "")
    return found


def sdk_problems(endpoint_id: str, body: Mapping[str, Any], *, null_ok: Iterable[str] = ()) -> list[str]:
    """Every way `body` breaks the SDK's request type, strictly (no "1" for 1). `null_ok`: paths where null is
    sent on purpose although the SDK's type leaves it out; those keys are set aside before validating."""
    problems = [f"{path}: not in the SDK's type" for path in unknown_keys(endpoint_id, body)]
    try:
        _adapter(endpoint_id).validate_python(_without_nulls(body, set(null_ok), ""), strict=True)
    except ValidationError as err:
        problems += [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()]
    return problems


def _without_nulls(value: Any, paths: set[str], path: str) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    for key, inner in value.items():
        where = f"{path}.{key}" if path else key
        if inner is None and where in paths:
            continue
        out[key] = _without_nulls(inner, paths, where)
    return out
