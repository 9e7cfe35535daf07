"""A failed mint in words for the window: the error's sentence, the API's facts (status, type, code, param,
request id, retry after), and which banner cause it is (a refused or missing key ends when a key is saved). The one
map from the error tree (errors.py) to the banner."""

from __future__ import annotations

from realtime_gui.errors import ApiError, MintError, MissingKeyError, RealtimeGuiError, error_facts
from realtime_gui.qt.ui.window import banner as cause


def describe_failure(error: RealtimeGuiError) -> tuple[str, str]:
    """(text, banner cause) for anything the package raised on purpose while minting."""
    from realtime_gui.keys.api_key import KeyringUnavailable  # not at start-up: see controller.py

    text = str(error)
    why = cause.MINT
    if isinstance(error, MissingKeyError | KeyringUnavailable) or (
        isinstance(error, ApiError) and error.status in (401, 403)
    ):
        why = cause.AUTH
    facts = [f"{label} {value}" for label, value in error_facts(error)] if isinstance(error, MintError) else []
    if isinstance(error, ApiError):
        text = f"{error}\n" + " · ".join([f"HTTP {error.status}", *facts])
    elif facts:
        text += "\n" + " · ".join(facts)
    elif isinstance(error, KeyringUnavailable):
        text += "\nChoose Key… to use a key for this run only."
    return text, why
