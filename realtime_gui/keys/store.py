"""Where the API key comes from: a key given for this run, else OPENAI_API_KEY, else the OS keyring (one entry per
profile, under the service `realtime-gui`). Never a plaintext fallback.

Qt-free, and the only module that imports `keyring`: at first use, not at start-up, since it scans its backends when
loaded and a mint with OPENAI_API_KEY set never needs it. Every keyring call may block (macOS can prompt), so the
window runs them off the GUI thread. Widgets never import this module (an import-linter contract).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from realtime_gui.config.profiles import check_profile
from realtime_gui.keys.api_key import ENV_VAR, ApiKey, KeyringUnavailable, check_key_text
from realtime_gui.redaction import redact

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "realtime-gui"
_REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")


def resolve_key(profile: str, *, in_memory: str | None = None) -> ApiKey | None:
    """The key to use for `profile`, in the one order there is: a key given for this run (`in_memory`: the demo's,
    or one typed while no keyring works; chosen on purpose, so it wins), else OPENAI_API_KEY, else the keyring
    entry; None when there is none. KeyringUnavailable when the keyring is needed and cannot be used."""
    if in_memory is not None:
        return ApiKey(in_memory, "memory")
    return key_from_environment() or load_stored_key(profile)


def key_from_environment() -> ApiKey | None:
    value = os.environ.get(ENV_VAR, "").strip()
    return ApiKey(value, "environment") if value else None


def environment_key_is_blank() -> bool:
    """OPENAI_API_KEY is set, but to nothing or only spaces: it looks set, yet key_from_environment ignores it."""
    value = os.environ.get(ENV_VAR)
    return value is not None and not value.strip()


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


def load_stored_key(profile: str) -> ApiKey | None:
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
