"""A failed mint in words for the window: the error's sentence, the API's facts (status, type, code, param,
request id, retry after), and which banner cause it is (a refused or missing key ends when a key is saved)."""

from __future__ import annotations

from realtime_gui.errors import ApiError, MissingKeyError, ResponseError
from realtime_gui.qt.ui import banner as cause
from realtime_gui.secrets import KeyringUnavailable


def describe_failure(error: Exception) -> tuple[str, str]:
    """(text, banner cause) for a MintError or KeyringUnavailable."""
    text = str(error)
    why = cause.MINT
    if isinstance(error, MissingKeyError | KeyringUnavailable) or (
        isinstance(error, ApiError) and error.status in (401, 403)
    ):
        why = cause.AUTH
    if isinstance(error, ApiError):
        d = error.details
        facts = [
            f"HTTP {d.status}",
            f"type {d.type}" if d.type else "",
            f"code {d.code}" if d.code else "",
            f"param {d.param}" if d.param else "",
            f"request id {d.request_id}" if d.request_id else "",
            f"retry after {d.retry_after:g} s" if d.retry_after is not None else "",
        ]
        text = f"{error}\n" + " · ".join(f for f in facts if f)
    elif isinstance(error, ResponseError) and error.request_id:
        text += f"\nrequest id {error.request_id}"
    elif isinstance(error, KeyringUnavailable):
        text += "\nChoose Key… to use a key for this run only."
    return text, why
