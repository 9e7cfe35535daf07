"""Which models and parameters OpenAI is shutting down, as of a given day, in the words the command line and the
window share."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date

from realtime_gui.api.catalog import (
    DEPRECATIONS,
    DEPRECATIONS_URL,
    PARAMETER_DEPRECATIONS,
    Deprecation,
    Endpoint,
    Parameter,
    ParameterDeprecation,
)
from realtime_gui.jsontext import JsonValue


class Status(enum.Enum):
    ACTIVE = "active"  # no shutdown announced
    DEPRECATED = "deprecated"  # announced: still answers until its shutdown date
    SHUT_DOWN = "shut down"  # the API refuses it


def today() -> date:
    """The local date; one function so tests can move the clock past a shutdown."""
    return date.today()


def deprecation(model: str) -> Deprecation | None:
    return DEPRECATIONS.get(model)


def going_away(model: JsonValue) -> bool:
    """Whether a shutdown is announced for `model`, whatever the date: such a model is never advertised."""
    return isinstance(model, str) and model in DEPRECATIONS


def status(model: str, *, on: date) -> Status:
    """The model's state on the day `on` (it is shut down from its shutdown date on)."""
    found = DEPRECATIONS.get(model)
    if found is None:
        return Status.ACTIVE
    return Status.SHUT_DOWN if on >= found.shutdown else Status.DEPRECATED


def is_deprecated(model: str, *, on: date) -> bool:
    return status(model, on=on) is Status.DEPRECATED


def is_shut_down(model: str, *, on: date) -> bool:
    return status(model, on=on) is Status.SHUT_DOWN


def mark(model: str, *, on: date) -> str:
    """A few words for a model list ("shuts down 2027-01-20"), or "" for a model that stays."""
    found = DEPRECATIONS.get(model)
    if found is None:
        return ""
    verb = "shut down" if on >= found.shutdown else "shuts down"
    return f"{verb} {found.shutdown.isoformat()}"


def sentence(model: str, *, on: date, link: bool = True) -> str:
    """One sentence on what is happening to `model` and what to use instead, or "" for a model that stays;
    `link` adds where to read more."""
    found = DEPRECATIONS.get(model)
    if found is None:
        return ""
    when = found.shutdown.isoformat()
    gone = on >= found.shutdown
    if gone:
        head = f"{model} was shut down on {when}, so the API will refuse it"
    else:
        head = f"{model} is deprecated and shuts down on {when}"
    return f"{head}{_advice(found, gone=gone)}" + (f" (see {DEPRECATIONS_URL})." if link else ".")


def _advice(found: Deprecation, *, gone: bool) -> str:
    if found.replacement is None:
        return "; choose another model" if gone else ""
    if found.suggested:  # OpenAI names none: say whose idea it is
        return f"; OpenAI names no successor, {found.replacement} is our suggestion"
    aside = f" ({found.aside})" if found.aside else ""
    return f"; OpenAI's successor is {found.replacement}{aside}"


def successor(found: Deprecation) -> str:
    """The successor as --list-parameters shows it ("use gpt-live-transcribe", "suggestion: gpt-realtime-2.1"),
    or ""."""
    if found.replacement is None:
        return ""
    return f"suggestion: {found.replacement}" if found.suggested else f"use {found.replacement}"


# -- parameters -----------------------------------------------------------------------------------------------------


def parameter_deprecation(path: str) -> ParameterDeprecation | None:
    return PARAMETER_DEPRECATIONS.get(path)


def parameter_mark(path: str, *, on: date) -> str:
    """A few words for --list-parameters ("shut down 2026-11-30; …"), or "" for a parameter that stays."""
    found = PARAMETER_DEPRECATIONS.get(path)
    if found is None:
        return ""
    verb = "shut down" if on >= found.shutdown else "shuts down"
    return f"{verb} {found.shutdown.isoformat()}: {found.instead} (see {found.url})"


def parameter_sentence(path: str, *, on: date, link: bool = True) -> str:
    """One sentence on what is happening to the parameter at `path` and what to do instead, or "" for one that
    stays; `link` adds where to read more."""
    found = PARAMETER_DEPRECATIONS.get(path)
    if found is None:
        return ""
    when = found.shutdown.isoformat()
    if on >= found.shutdown:
        head = f"OpenAI shut down {found.what} on {when}, so the API will refuse this field"
    else:
        head = f"OpenAI shuts down {found.what} on {when}"
    return f"{head}; {found.instead}" + (f" (see {found.url})." if link else ".")


def deprecated_parameters_in_body(body: Mapping[str, JsonValue]) -> list[str]:
    """The paths of the deprecated parameters a request body sends with a value (null sends nothing to refuse)."""
    return [path for path in PARAMETER_DEPRECATIONS if _at(body, path) is not None]


def notices(ep: Endpoint, body: Mapping[str, JsonValue], *, on: date) -> list[str]:
    """One line per model or parameter going away that a request body sends ("path: sentence"): what `mint` and
    `serve` warn about."""
    lines: list[str] = []
    for path, model in models_in_body(ep, body):
        words = sentence(model, on=on)
        if words:
            lines.append(f"{path}: {words}")
    lines += [f"{path}: {parameter_sentence(path, on=on)}" for path in deprecated_parameters_in_body(body)]
    return lines


def is_model_row(row: Parameter) -> bool:
    """Whether `row` names a model (the session's, the transcriber's)."""
    return row.name == "model"


def model_rows(ep: Endpoint) -> tuple[Parameter, ...]:
    return tuple(row for row in ep.parameters if is_model_row(row))


def models_in_body(ep: Endpoint, body: Mapping[str, JsonValue]) -> list[tuple[str, str]]:
    """(path, model) for each model a request body names, in catalog order."""
    found: list[tuple[str, str]] = []
    for row in model_rows(ep):
        node = _at(body, row.path)
        if isinstance(node, str):
            found.append((row.path, node))
    return found


def _at(body: Mapping[str, JsonValue], path: str) -> JsonValue:
    """The value at a dotted key path of a body, or None where nothing is."""
    node: JsonValue = dict(body)
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node
