"""An API key as a value: where it came from, what text can be one, and the two ways getting one can fail.

Qt-free and keyring-free, so widgets may use it; finding and storing keys is keys/store.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from realtime_gui.config.connection import HEADER_SAFE
from realtime_gui.errors import InputError
from realtime_gui.redaction import key_hint, remember

ENV_VAR = "OPENAI_API_KEY"
KeySource = Literal["environment", "keyring", "memory"]


class KeyringUnavailable(InputError):
    """No safe OS keyring can be used; str() says why and what to do."""


class InvalidKey(InputError, ValueError):
    """The text given as a key cannot be a key; str() says why (without quoting it)."""


@dataclass(frozen=True)
class ApiKey:
    """A checked API key and where it came from; never in a repr."""

    value: str = field(repr=False)
    source: KeySource

    def __post_init__(self) -> None:
        remember(self.value)

    @property
    def hint(self) -> str:
        return key_hint(self.value)


def check_key_text(text: str) -> str:
    """The key without surrounding blanks; InvalidKey if it could not be one."""
    key = text.strip()
    if not key:
        raise InvalidKey("The key is empty.")
    if not HEADER_SAFE.fullmatch(key):
        raise InvalidKey("The key contains spaces or characters an API key never has.")
    remember(key)
    return key
