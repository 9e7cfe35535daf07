"""Keyring backends for tests: an in-memory one, and one that keeps entries in a file named by an env var
so that `realtime-gui key …` subprocesses share them. Test doubles only; the app refuses file backends."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # untyped_calls_exclude misses super() calls
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class SharedFileKeyring(KeyringBackend):
    """For CLI subprocess tests: entries in $TEST_KEYRING_FILE."""

    priority = 1

    @property
    def _file(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        return json.loads(self._file.read_text()) if self._file.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._file.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self._file.write_text(json.dumps(data))


class HangingKeyring(MemoryKeyring):
    """For app subprocess tests: every read blocks for an hour, like an OS keyring prompt nobody answers."""

    def get_password(self, service: str, username: str) -> str | None:
        import time

        time.sleep(3600)
        return None
