"""What the window remembers between runs, in an INI file through QSettings: last endpoint and profile, form
values per endpoint, preferences, window geometry; profiles go to profiles.json beside it (profiles.py). Never a
key or a token (a test scans the files). The file is read once, when the window opens; a change is written soon
after it, in a thread of its own, and at the latest when the window closes.

Preferences and window state live in separate groups (ReText's habit), each read through a defaults table.
A broken file is never fatal: the window starts with defaults, says which file was ignored and why, and leaves
the file as it is until a setting really changes (a value other than the one the window opened with), when it is
first moved aside to `<name>.bak`.
"""

from __future__ import annotations

import atexit
import json
import logging
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, QThread

from realtime_gui import jsontext
from realtime_gui.api.catalog import DEFAULT_ENDPOINT, ENDPOINTS
from realtime_gui.config.profiles import (
    DEFAULT_PROFILE,
    DEMO_PROFILE,
    FILE_NAME,
    Profile,
    ProfilesFile,
    check_profile,
    keep_as_backup,
    read_profiles,
    save_profiles,
)
from realtime_gui.jsontext import JsonValue

log = logging.getLogger(__name__)

ORGANIZATION = "realtime-gui"
APPLICATION = "realtime-gui"

PREFERENCE_DEFAULTS: dict[str, Any] = {
    "clear_clipboard_on_expiry": True,
}


_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")
SERVE_PORTS = range(1024, 65536)  # the local token server's; below 1024 needs administrator rights
# QWidget.saveGeometry() output starts with this magic number (Qt 4.3 and later); anything else is not a geometry.
_GEOMETRY_MAGIC = bytes.fromhex("01d9d0cb")


def _as_bool(value: object) -> bool | None:
    # INI files hand booleans back as the strings "true" / "false".
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    return None


def _as_port(value: object) -> int | None:
    # INI files hand numbers back as text.
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() and int(text) in SERVE_PORTS else None


def _form_values(value: object) -> dict[str, JsonValue]:
    """Saved form values: a JSON object as text. JsonTextError says why not."""
    if not isinstance(value, str):
        raise jsontext.JsonTextError("is not JSON text")
    data = jsontext.loads(value)
    if not isinstance(data, dict):
        raise jsontext.JsonTextError("is not a JSON object of PATH -> VALUE")
    return data


def _form_text(values: dict[str, JsonValue]) -> str:
    return json.dumps(values, allow_nan=False)


def _problem(key: str, value: object) -> str | None:
    """Why the saved `value` of `key` cannot be used, or None (also for keys this version does not know)."""
    group, _, name = key.partition("/")
    if key == "session/endpoint":
        return None if isinstance(value, str) else "is not text"
    if key == "session/profile":
        try:
            check_profile(value if isinstance(value, str) else "")
        except ValueError:
            return "is not a profile name"
        return None
    if group == "form":
        try:
            _form_values(value)
        except jsontext.JsonTextError as err:
            return str(err)
        return None
    if group == "preferences" and isinstance(PREFERENCE_DEFAULTS.get(name), bool) and _as_bool(value) is None:
        return "is not true or false"
    if key == "serve/port" and _as_port(value) is None:
        return f"is not a port from {SERVE_PORTS.start} to {SERVE_PORTS.stop - 1}"
    if key == "window/geometry" and not (
        isinstance(value, QByteArray) and bytes(value.data()).startswith(_GEOMETRY_MAGIC)
    ):
        return "is not a saved window geometry"
    return None


class _Writer:
    """Writes a settings file in a thread of its own. Qt writes a changed file at the next turn of the event loop of
    the thread of the QSettings changed, and the write waits for the disk (a lock file and the file are each flushed
    to it: 6-28 ms on a loaded machine): in the GUI thread, a stall after every change (each Create saves the form).

    Every QSettings of a process on one file shares its unwritten changes (under a lock), so a second one, living in
    this thread, writes the window's. It is told to with the event by which Qt asks a QSettings to write, and handles
    it in C++, without the GIL (a Python thread calling sync() would hold the GIL, and stall the window the same)."""

    def __init__(self, *where: Any) -> None:
        self._settings = QSettings(*where)  # made before any change: it reads what the first one read, and writes none
        self._thread = QThread()
        self._thread.setObjectName("settings-writer")
        self._settings.moveToThread(self._thread)
        # A running QThread must not be destroyed: stopped with this object at the latest, or at exit (_stop_writers).
        self._finalize = weakref.finalize(self, _stop, self._thread, self._settings)
        _writers.add(self)

    def write_soon(self) -> None:
        if QCoreApplication.instance() is None:
            return  # no event loop to write in (Settings used before any window): sync() or Qt's own exit writes
        if not self._thread.isRunning():
            self._thread.start()
        QCoreApplication.postEvent(self._settings, QEvent(QEvent.Type.UpdateRequest))

    def stop(self) -> None:
        """End the thread once a write under way is done (one asked for but not begun is left to the caller)."""
        _stop(self._thread, self._settings)


def _stop(thread: QThread, _settings: QSettings) -> None:
    # Given `_settings` to hold it until its thread has ended: it may be deleted (in this thread) only then.
    thread.quit()
    thread.wait()


_writers: weakref.WeakSet[_Writer] = weakref.WeakSet()


@atexit.register
def _stop_writers() -> None:
    # Registered after PySide6's own exit hook (QtCore is imported above), so run before it: that one deletes every
    # QObject Python owns, and a QThread still running then aborts the process. weakref.finalize's exit hook alone
    # runs too late whenever anything used weakref.finalize before PySide6 was imported (tempfile does).
    for writer in list(_writers):
        writer._finalize()


class Settings:
    def __init__(self, path: str | None = None) -> None:
        if path:
            where: tuple[Any, ...] = (path, QSettings.Format.IniFormat)
        else:
            where = (QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)
        self._qs = QSettings(*where)
        self._writer = _Writer(*where)
        # Read once, here: a read later could wait for a write under way (they share a lock).
        self._values: dict[str, Any] = {key: self._qs.value(key) for key in self._qs.allKeys()}
        # Why the file was ignored, a sentence; None when it is fine. While set, every read gives the default
        # and the file stays untouched.
        self.ignored: str | None = self._check()
        # What the window opened with, per key, as it would be written. While the file is ignored, writing one of
        # these back is no change (a Create with nothing edited, the profile box filled in): the file stays.
        self._opened: dict[str, Any] = {}

    def _check(self) -> str | None:
        path = self._qs.fileName()
        status = self._qs.status()
        if status is QSettings.Status.AccessError:
            why = "it cannot be read"
        elif status is QSettings.Status.FormatError:
            why = "it is not a readable INI file"
        else:
            why = next(
                (f"{key} {problem}" for key, value in self._values.items() if (problem := _problem(key, value))), ""
            )
        if not why:
            return None
        log.warning("ignoring the settings file %s: %s", path, why)
        return (
            f"Ignored the settings file {path}: {why}; using defaults until you change a setting "
            f"(the old file is then kept as {Path(path).name}.bak)."
        )

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        """Write the file now, in this thread (closing the window)."""
        self._writer.stop()
        self._qs.sync()

    def _value(self, key: str, default: Any = None) -> Any:
        return default if self.ignored else self._values.get(key, default)

    def opened_with(self, *, endpoint_id: str, profile: str) -> None:
        """The endpoint and profile the window shows first (from the file, the defaults or the command line)."""
        self._opened["session/endpoint"] = endpoint_id
        self._opened["session/profile"] = profile

    def form_opened_with(self, endpoint_id: str, values: dict[str, JsonValue]) -> None:
        """What the form of `endpoint_id` made of `form_values(endpoint_id)` when it was built."""
        self._opened[f"form/{endpoint_id}"] = _form_text(values)

    def _set_value(self, key: str, value: Any) -> None:
        if self.ignored and key in self._opened and self._opened[key] == value:
            return  # not a change: the broken file is kept as it is
        if self.ignored:
            # The first setting saved replaces the broken file; the user keeps the old one beside it. Cleared
            # first, so that no broken value is read back from Qt's cache or written into the new file.
            self._qs.clear()
            self._values.clear()
            path = self._qs.fileName()
            try:
                keep_as_backup(Path(path))
            except OSError as err:  # then Qt cannot write the folder either; the window still works
                log.warning("could not keep %s as .bak: %s", path, err)
            self.ignored = None
        self._qs.setValue(key, value)
        self._values[key] = value
        # Written by the writer, not here at the next turn of the event loop.
        QCoreApplication.removePostedEvents(self._qs, QEvent.Type.UpdateRequest)
        self._writer.write_soon()

    # -- session --

    @property
    def endpoint(self) -> str:
        value = self._value("session/endpoint", DEFAULT_ENDPOINT)
        return value if isinstance(value, str) and value in ENDPOINTS else DEFAULT_ENDPOINT  # e.g. a later version's

    @endpoint.setter
    def endpoint(self, endpoint_id: str) -> None:
        self._set_value("session/endpoint", endpoint_id)

    @property
    def profile_name(self) -> str:
        return str(self._value("session/profile", DEFAULT_PROFILE))

    @profile_name.setter
    def profile_name(self, name: str) -> None:
        if name != DEMO_PROFILE:  # the demo profile exists only while --demo runs
            self._set_value("session/profile", name)

    # -- form values (JSON text, one entry per endpoint) --

    def form_values(self, endpoint_id: str) -> dict[str, JsonValue]:
        text = self._value(f"form/{endpoint_id}", "")
        try:
            return _form_values(text) if text else {}
        except jsontext.JsonTextError as err:  # checked at start-up, so only if another process wrote it since
            log.warning("ignoring the saved values for %s: they %s", endpoint_id, err)
            return {}

    def set_form_values(self, endpoint_id: str, values: dict[str, JsonValue]) -> None:
        self._set_value(f"form/{endpoint_id}", _form_text(values))

    # -- preferences --

    def preference(self, name: str) -> Any:
        default = PREFERENCE_DEFAULTS[name]
        value = self._value(f"preferences/{name}", default)
        return _as_bool(value) if isinstance(default, bool) else value

    def set_preference(self, name: str, value: Any) -> None:
        assert name in PREFERENCE_DEFAULTS, name
        self._set_value(f"preferences/{name}", value)

    # -- the local token server --

    @property
    def serve_port(self) -> int | None:
        """The port last served on from the window; None: the token server's default."""
        return _as_port(self._value("serve/port", ""))

    @serve_port.setter
    def serve_port(self, port: int) -> None:
        self._set_value("serve/port", port)

    # -- window state --

    def geometry(self) -> QByteArray | None:
        value = self._value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._set_value("window/geometry", geometry)

    # -- profiles (a JSON file beside the INI, which the command line reads too) --

    @property
    def profiles_file(self) -> Path:
        return Path(self._qs.fileName()).parent / FILE_NAME

    def read_profiles(self) -> ProfilesFile:
        """The profiles, with `problem` saying why the file was ignored if it was."""
        return read_profiles(self.profiles_file)

    def set_profiles(self, profiles: list[Profile]) -> None:
        save_profiles(self.profiles_file, profiles)
