"""The API key: from OPENAI_API_KEY, else the OS keyring (one entry per profile). Never a plaintext fallback.

Qt-free. The `keyring` package is imported on first use, not at start-up: it scans its backends when loaded, and
a mint with OPENAI_API_KEY set never needs it. Every call here may block (macOS can prompt), so the window runs
them off the GUI thread.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "realtime-gui"
ENV_VAR = "OPENAI_API_KEY"
DEFAULT_PROFILE = "default"
KeySource = Literal["environment", "keyring", "memory"]

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
_REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")


class KeyringUnavailable(Exception):
    """No safe OS keyring can be used; str() says why and what to do."""


class InvalidKey(ValueError):
    """The text given as a key cannot be a key; str() says why (without quoting it)."""


@dataclass(frozen=True)
class ApiKey:
    value: str = field(repr=False)
    source: KeySource

    def __post_init__(self) -> None:
        remember(self.value)

    @property
    def hint(self) -> str:
        return key_hint(self.value)


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


def check_key_text(text: str) -> str:
    """The key without surrounding blanks; InvalidKey if it could not be one."""
    key = text.strip()
    if not key:
        raise InvalidKey("The key is empty.")
    if not re.fullmatch(r"[\x21-\x7e]+", key):
        raise InvalidKey("The key contains spaces or characters an API key never has.")
    remember(key)
    return key


def check_profile(name: str) -> str:
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,64}", name):
        raise ValueError(
            f"The profile name {name!r} is not allowed; use 1 to 64 letters, digits, '.', '_', '@' or '-'."
        )
    return name


def key_from_environment() -> ApiKey | None:
    value = os.environ.get(ENV_VAR, "").strip()
    return ApiKey(value, "environment") if value else None


def safe_backend() -> KeyringBackend:
    """The OS keyring backend; KeyringUnavailable if there is none, or only one that writes files."""
    try:
        import keyring
        from keyring.backends import chainer
    except Exception as err:  # a broken install must read as "no keyring", not a traceback
        raise KeyringUnavailable(f"The keyring package could not be loaded ({type(err).__name__}).") from None
    backend = keyring.get_keyring()
    parts = list(backend.backends) if isinstance(backend, chainer.ChainerBackend) else [backend]
    plaintext = [b for b in parts if type(b).__module__.startswith("keyrings.alt")]
    if plaintext:
        raise KeyringUnavailable(
            f"The installed keyring backend {backend_name(plaintext[0])} stores keys in a file; "
            "refusing to use it. Uninstall keyrings.alt to use the OS keyring."
        )
    usable = [b for b in parts if not type(b).__module__.startswith(_REFUSED_BACKENDS)]
    if not usable:
        raise KeyringUnavailable(
            "No OS keyring is available (on Linux: a Secret Service such as GNOME Keyring or KWallet). "
            f"Set {ENV_VAR} instead; the key is never stored in a file."
        )
    return backend


def backend_name(backend: object) -> str:
    name = getattr(backend, "name", None)
    return name if isinstance(name, str) and name else type(backend).__name__


def load_key(profile: str = DEFAULT_PROFILE) -> ApiKey | None:
    """The key to use: OPENAI_API_KEY when set, else the keyring entry for `profile`, else None."""
    from_env = key_from_environment()
    if from_env is not None:
        return from_env
    return load_stored_key(profile)


def load_stored_key(profile: str = DEFAULT_PROFILE) -> ApiKey | None:
    """The keyring entry for `profile`, ignoring the environment."""
    backend = safe_backend()
    try:
        value = backend.get_password(SERVICE, check_profile(profile))
    except Exception as err:
        raise KeyringUnavailable(_keyring_failure("read", err)) from None
    return ApiKey(value, "keyring") if value else None


def store_key(profile: str, text: str) -> ApiKey:
    """Store `text` as the key for `profile` in the OS keyring."""
    key = check_key_text(text)
    backend = safe_backend()
    try:
        backend.set_password(SERVICE, check_profile(profile), key)
    except Exception as err:
        raise KeyringUnavailable(_keyring_failure("write to", err)) from None
    return ApiKey(key, "keyring")


def delete_key(profile: str) -> bool:
    """Remove `profile`'s key; False when there was none."""
    from keyring.errors import PasswordDeleteError

    backend = safe_backend()
    try:
        backend.delete_password(SERVICE, check_profile(profile))
    except PasswordDeleteError:
        return False
    except Exception as err:
        raise KeyringUnavailable(_keyring_failure("write to", err)) from None
    return True


def _keyring_failure(action: str, err: Exception) -> str:
    # Backend messages name the service and user at most; they are redacted anyway before they are shown.
    detail = redact(str(err)) or type(err).__name__
    return f"Could not {action} the OS keyring: {detail}. Is it unlocked?"
