"""Keys and tokens kept out of every text that leaves the process (messages, logs, the screen): each replaced by
a hint such as `sk-…abcd` that names it without being usable.

Qt-free and dependency-free. A shape cannot catch every credential (an Azure key is 32 hex digits), so the keys and
tokens this process uses are remembered and replaced by value too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

# Shapes of OpenAI keys and ephemeral tokens, redacted wherever text leaves the process (logs, messages).
_SECRET_SHAPES = re.compile(r"\b(?:sk-[A-Za-z0-9_-]{8,}|ek_[A-Za-z0-9_-]{8,})")
# Shorter text cannot be told apart from ordinary words; real keys and tokens are 32 characters or more.
_MIN_REMEMBERED = 8
# The newest keys and tokens this process has used. A shape cannot catch an Azure key (32 hex digits) or a
# gateway's token, so the actual values are replaced wherever text leaves the process. Bounded: a day of minting
# must not slow every message down; a token that has dropped out expired long ago.
_MAX_REMEMBERED = 64
_remembered: dict[str, None] = {}
_remembered_lock = threading.Lock()


def key_hint(key: str) -> str:
    """Enough of a key to recognise it, never enough to use it: `sk-proj-…abcd`."""
    key = key.strip()
    if len(key) < 12:
        return "…" + key[-2:] if len(key) > 4 else "…"
    prefix = re.match(r"(?:sk-(?:proj-|svcacct-|admin-)?|ek_)", key)
    return f"{prefix.group(0) if prefix else ''}…{key[-4:]}"


def remember(secret: str) -> None:
    """Redact `secret` (a key or token this process uses) from everything `redact` cleans from now on."""
    secret = secret.strip()
    if len(secret) < _MIN_REMEMBERED:
        return
    with _remembered_lock:
        _remembered.pop(secret, None)  # re-inserted last: a key in use never drops out
        _remembered[secret] = None
        while len(_remembered) > _MAX_REMEMBERED:
            del _remembered[next(iter(_remembered))]


def redact(text: str, *secrets: str) -> str:
    """`text` with each secret given or remembered, and anything shaped like a key or token, replaced by its hint."""
    with _remembered_lock:
        known = [*_remembered]
    text = replace_secrets(text, (*secrets, *known))
    return _SECRET_SHAPES.sub(lambda m: key_hint(m.group(0)), text)


def remembered_in(text: str) -> list[str]:
    """The remembered secrets that occur in `text`."""
    with _remembered_lock:
        known = [*_remembered]
    folded = text.lower()
    return [secret for secret in known if secret.lower() in folded]


def replace_secrets(text: str, secrets: Sequence[str]) -> str:
    """`text` with each of `secrets` replaced by its hint, whatever its case (an Azure key is hex, and a server
    may echo it in capitals)."""
    folded = text.lower()
    for secret in secrets:
        secret = secret.strip()
        if len(secret) >= 4 and secret.lower() in folded:
            text = re.sub(re.escape(secret), key_hint(secret), text, flags=re.IGNORECASE)
            folded = text.lower()
    return text
