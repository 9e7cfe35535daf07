"""What the window remembers between runs, in an INI file through QSettings: last endpoint and profile, form
values per endpoint, preferences, window geometry; profiles go to profiles.json beside it (profiles.py). Never a
key or a token (a test scans the files).

Preferences and window state live in separate groups (ReText's habit), each read through a defaults table.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from realtime_gui.catalog import DEFAULT_ENDPOINT, ENDPOINTS, JsonValue
from realtime_gui.profiles import DEFAULT_PROFILE, DEMO_PROFILE, FILE_NAME, Profile, load_profiles, save_profiles

log = logging.getLogger(__name__)

ORGANIZATION = "realtime-gui"
APPLICATION = "realtime-gui"

PREFERENCE_DEFAULTS: dict[str, Any] = {
    "clear_clipboard_on_expiry": True,
}


def _as_bool(value: object) -> bool:
    # INI files hand booleans back as the strings "true" / "false".
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


class Settings:
    def __init__(self, path: str | None = None) -> None:
        if path:
            self._qs = QSettings(path, QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    # -- session --

    @property
    def endpoint(self) -> str:
        value = str(self._qs.value("session/endpoint", DEFAULT_ENDPOINT))
        return value if value in ENDPOINTS else DEFAULT_ENDPOINT

    @endpoint.setter
    def endpoint(self, endpoint_id: str) -> None:
        self._qs.setValue("session/endpoint", endpoint_id)

    @property
    def profile_name(self) -> str:
        return str(self._qs.value("session/profile", DEFAULT_PROFILE))

    @profile_name.setter
    def profile_name(self, name: str) -> None:
        if name != DEMO_PROFILE:  # the demo profile exists only while --demo runs
            self._qs.setValue("session/profile", name)

    # -- form values (JSON text, one entry per endpoint) --

    def form_values(self, endpoint_id: str) -> dict[str, JsonValue]:
        text = self._qs.value(f"form/{endpoint_id}", "")
        if not text:
            return {}
        try:
            data = json.loads(str(text))
        except ValueError:
            log.warning("ignoring unreadable saved values for %s", endpoint_id)
            return {}
        return data if isinstance(data, dict) else {}

    def set_form_values(self, endpoint_id: str, values: dict[str, JsonValue]) -> None:
        self._qs.setValue(f"form/{endpoint_id}", json.dumps(values))

    # -- preferences --

    def preference(self, name: str) -> Any:
        default = PREFERENCE_DEFAULTS[name]
        value = self._qs.value(f"preferences/{name}", default)
        return _as_bool(value) if isinstance(default, bool) else value

    def set_preference(self, name: str, value: Any) -> None:
        assert name in PREFERENCE_DEFAULTS, name
        self._qs.setValue(f"preferences/{name}", value)

    # -- window state --

    def geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)

    # -- profiles (a JSON file beside the INI, which the command line reads too) --

    @property
    def profiles_file(self) -> Path:
        return Path(self._qs.fileName()).parent / FILE_NAME

    def profiles(self) -> list[Profile]:
        return load_profiles(self.profiles_file)

    def set_profiles(self, profiles: list[Profile]) -> None:
        save_profiles(self.profiles_file, profiles)
