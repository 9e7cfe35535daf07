"""What the window remembers between runs, in an INI file through QSettings: last endpoint and profile, form
values per endpoint, profiles, preferences, window geometry. Never a key or a token (a test scans the file).

Preferences and window state live in separate groups (ReText's habit), each read through a defaults table.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from realtime_gui.catalog import DEFAULT_ENDPOINT, ENDPOINTS, JsonValue
from realtime_gui.connection import AUTH_STYLES, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_S, Connection
from realtime_gui.profiles import DEFAULT_PROFILE, DEMO_PROFILE, Profile

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

    # -- profiles --

    def profiles(self) -> list[Profile]:
        found = [Profile(DEFAULT_PROFILE)]
        size = self._qs.beginReadArray("profiles")
        for i in range(size):
            self._qs.setArrayIndex(i)
            name = str(self._qs.value("name", ""))
            if not name or name == DEMO_PROFILE:
                continue
            auth = str(self._qs.value("auth", "bearer"))
            try:
                timeout = float(str(self._qs.value("timeout", DEFAULT_TIMEOUT_S)))
            except ValueError:
                timeout = DEFAULT_TIMEOUT_S
            connection = Connection(
                base_url=str(self._qs.value("base_url", DEFAULT_BASE_URL)),
                auth="api-key" if auth == "api-key" else "bearer",
                organization=str(self._qs.value("organization", "")),
                project=str(self._qs.value("project", "")),
                timeout=timeout,
            )
            profile = Profile(name, connection)
            found = [p for p in found if p.name != name] + [profile]
        self._qs.endArray()
        return found

    def set_profiles(self, profiles: list[Profile]) -> None:
        kept = [p for p in profiles if not p.is_demo]
        self._qs.remove("profiles")
        self._qs.beginWriteArray("profiles", len(kept))
        for i, profile in enumerate(kept):
            self._qs.setArrayIndex(i)
            c = profile.connection
            assert c.auth in AUTH_STYLES
            self._qs.setValue("name", profile.name)
            self._qs.setValue("base_url", c.base_url)
            self._qs.setValue("auth", c.auth)
            self._qs.setValue("organization", c.organization)
            self._qs.setValue("project", c.project)
            self._qs.setValue("timeout", c.timeout)
        self._qs.endArray()
