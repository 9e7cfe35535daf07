"""A name typed into an open list (a model, a voice) that no list knows: the closest known names, as the CLI's "did
you mean" gives them. The API takes names it knows beyond our lists (a new model), so such a name is still sent; the
window says it under the field and `mint` on stderr.

Qt-free.
"""

from __future__ import annotations

from realtime_gui.api.catalog import ENDPOINTS, Parameter
from realtime_gui.api.checks import describe
from realtime_gui.jsontext import JsonValue


def known_names(row: Parameter) -> list[str]:
    """The names `row`'s list offers, then those the same field offers on other endpoints."""
    own = [str(c) for c in (*row.choices, *row.literals)]
    others = [str(c) for ep in ENDPOINTS.values() if (r := ep.by_path.get(row.path)) is not None for c in r.choices]
    return list(dict.fromkeys(own + others))


def unknown_name_note(row: Parameter, value: JsonValue) -> str | None:
    """For an open list (a model, a voice): a sentence saying that `value` is in none of the lists, with the closest
    names; None when the row's list holds it, when it is a custom value (a custom voice's voice_… id) or no name."""
    if not row.open or not isinstance(value, str) or not value.strip() or row.custom_value(value) is not None:
        return None
    own = {str(c) for c in (*row.choices, *row.literals)}
    if value in own:
        return None
    import difflib  # only once a name is in no list: start-up builds the model fields without it

    guesses = difflib.get_close_matches(value, known_names(row), n=2, cutoff=0.75)
    name = describe(value)
    if value in guesses:  # another endpoint's name: it belongs there
        return f"{name} is another endpoint's; this one's list does not hold it. It is sent as typed."
    said = f"; did you mean {' or '.join(guesses)}?" if guesses else "."
    return f"{name} is in no list{said} It is sent as typed (the API also takes names beyond these lists)."
