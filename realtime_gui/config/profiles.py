"""Profiles: named sets of the non-secret connection settings (base URL, auth style, organization, project,
timeout), kept in `profiles.json` in the config folder so the window and `realtime-gui mint --profile` share them.
A profile's key lives in the OS keyring under the profile's name; nothing here is secret. Qt-free.

A broken file is never fatal: it is read as "no saved profiles", with a sentence saying why, and left as it is
until profiles are saved again, when it is first moved aside to `profiles.json.bak`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realtime_gui import jsontext
from realtime_gui.config.connection import (
    AUTH_STYLES,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT_S,
    Connection,
    default_connection,
    timeout_problem,
)

DEFAULT_PROFILE = "default"
DEMO_PROFILE = "demo"
FILE_NAME = "profiles.json"
MAX_FILE_BYTES = 1024 * 1024  # thousands of profiles; anything bigger is not a file this program wrote


def check_profile(name: str) -> str:
    """`name` without surrounding blanks; ValueError with a sentence if it cannot name a profile (it is also the
    keyring entry's user name)."""
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,64}", name):
        raise ValueError(
            f"The profile name {name!r} is not allowed; use 1 to 64 letters, digits, '.', '_', '@' or '-'."
        )
    return name


@dataclass(frozen=True)
class Profile:
    """A named set of connection settings; its key lives in the OS keyring under the name."""

    name: str
    connection: Connection = field(default_factory=Connection)

    @property
    def is_demo(self) -> bool:
        return self.name == DEMO_PROFILE


@dataclass(frozen=True)
class ProfilesFile:
    """What `profiles.json` holds: the default profile first, then the saved ones."""

    profiles: list[Profile]
    problem: str | None = None  # why the file was ignored, a sentence; None when it was fine or absent
    saved_names: frozenset[str] = frozenset()  # the profiles the file itself holds (the default may not be one)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.profiles]

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    def saved(self, name: str) -> Profile | None:
        """The profile `name` as the file holds it; None for the default one while it was never saved."""
        return self.get(name) if name in self.saved_names else None


class _Broken(ValueError):
    """The file's content is not a profiles file; str() says why."""


def config_folder() -> Path:
    """Where the window keeps its settings (QSettings' INI location for user scope), computed without Qt."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "realtime-gui"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "realtime-gui"


def read_profiles(path: Path) -> ProfilesFile:
    """The profiles in `path`, always starting with the default one (which a saved one may replace; until then it
    follows OPENAI_BASE_URL)."""
    found = [Profile(DEFAULT_PROFILE, default_connection())]
    try:
        saved = _saved(path)
    except FileNotFoundError:
        return ProfilesFile(found)
    except (OSError, _Broken) as err:
        why = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        return ProfilesFile(
            found,
            f"ignored the settings file {path}: {why}; using defaults until a profile is saved "
            f"(the old file is then kept as {path.name}.bak).",
        )
    for profile in saved:
        found = [p for p in found if p.name != profile.name] + [profile]
    return ProfilesFile(found, saved_names=frozenset(p.name for p in saved))


def save_profiles(path: Path, profiles: list[Profile]) -> None:
    """Write `profiles` (never the demo one); a file that could not be read is first moved to `.bak`."""
    items = [_to_json(p) for p in profiles if not p.is_demo]
    path.parent.mkdir(parents=True, exist_ok=True)
    if read_profiles(path).problem is not None:
        keep_as_backup(path)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"profiles": items}, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    temporary.replace(path)  # never a half-written file


def keep_as_backup(path: Path) -> None:
    """Move a settings file that could not be read (profiles.json or the window's INI) to `<name>.bak` before it
    is replaced, so the user keeps what was in it. Nothing to do when it is gone; OSError when it cannot move."""
    with suppress(FileNotFoundError):
        os.replace(path, path.with_name(path.name + ".bak"))


def _saved(path: Path) -> list[Profile]:
    try:
        data = jsontext.loads(jsontext.read_file(path, max_bytes=MAX_FILE_BYTES))
    except jsontext.JsonTextError as err:
        raise _Broken(f"it {err}") from None
    if not isinstance(data, dict):
        raise _Broken(f"it holds {jsontext.kind(data)} where an object with an array of profiles belongs")
    others = [key for key in data if key != "profiles"]
    if others:
        # A hand-written file keyed by name ({"work": {…}}) would otherwise read as "no profiles", silently.
        listed = ", ".join(json.dumps(key[:30]) for key in others[:3]) + (", …" if len(others) > 3 else "")
        raise _Broken(
            f'it has {listed} where only "profiles" belongs; the file holds '
            f'{{"profiles": [{{"name": {json.dumps(others[0][:30])}, "base_url": …}}, …]}}'
        )
    items = data.get("profiles", [])
    if not isinstance(items, list):
        raise _Broken(f'"profiles" is {jsontext.kind(items)}, not an array')
    found = [_from_json(item, number) for number, item in enumerate(items, 1)]
    return [p for p in found if not p.is_demo]  # the demo profile exists only while --demo runs


def _to_json(profile: Profile) -> dict[str, Any]:
    c = profile.connection
    return {
        "name": profile.name,
        "base_url": c.base_url,
        "auth": c.auth,
        "organization": c.organization,
        "project": c.project,
        "timeout": c.timeout,
    }


def _from_json(item: object, number: int) -> Profile:
    """One saved profile, checked field by field: a wrong value is a broken file, never a silent default."""
    if not isinstance(item, dict):
        raise _Broken(f"profile {number} is {jsontext.kind(item)}, not an object")
    name = item.get("name")
    if not isinstance(name, str):
        raise _Broken(f"profile {number} has no name")
    try:
        check_profile(name)
    except ValueError:
        raise _Broken(f"profile {number} has a name that is not allowed") from None
    where = f"profile {name!r}"
    texts: dict[str, str] = {}
    for key, default in (("base_url", DEFAULT_BASE_URL), ("organization", ""), ("project", "")):
        value = item.get(key, default)
        if not isinstance(value, str):
            raise _Broken(f"{where}: {key} is {jsontext.kind(value)}, not a string")
        texts[key] = value
    auth = item.get("auth", "bearer")
    if auth not in AUTH_STYLES:
        raise _Broken(f"{where}: auth must be {' or '.join(AUTH_STYLES)}")
    timeout = item.get("timeout", DEFAULT_TIMEOUT_S)
    problem = timeout_problem(timeout) if not isinstance(timeout, str) else "must be a number, not a string"
    if problem is not None:
        raise _Broken(f"{where}: timeout {problem}")
    connection = Connection(
        base_url=texts["base_url"] or DEFAULT_BASE_URL,
        auth="api-key" if auth == "api-key" else "bearer",
        organization=texts["organization"],
        project=texts["project"],
        timeout=float(timeout),
    )
    return Profile(name, connection)
