"""Which models OpenAI is shutting down, as of a given day, in the words the command line and the window share."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date

from realtime_gui.api.catalog import DEPRECATIONS, DEPRECATIONS_URL, Deprecation, Endpoint, Parameter
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
    if on >= found.shutdown:
        head = f"{model} was shut down on {when}, so the API will refuse it"
        advice = f"; use {found.replacement} instead" if found.replacement else "; choose another model"
    else:
        head = f"{model} is deprecated and shuts down on {when}"
        advice = f"; consider {found.replacement}" if found.replacement else ""
    return f"{head}{advice}" + (f" (see {DEPRECATIONS_URL})." if link else ".")


def is_model_row(row: Parameter) -> bool:
    """Whether `row` names a model (the session's, the transcriber's)."""
    return row.name == "model"


def model_rows(ep: Endpoint) -> tuple[Parameter, ...]:
    return tuple(row for row in ep.parameters if is_model_row(row))


def models_in_body(ep: Endpoint, body: Mapping[str, JsonValue]) -> list[tuple[str, str]]:
    """(path, model) for each model a request body names, in catalog order."""
    found: list[tuple[str, str]] = []
    for row in model_rows(ep):
        node: JsonValue = dict(body)
        for key in row.path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str):
            found.append((row.path, node))
    return found
