"""Profiles: named sets of the non-secret connection settings (base URL, auth style, organization, project,
timeout), kept in `profiles.json` in the config folder so the window and `realtime-gui mint --profile` share them.
A profile's key lives in the OS keyring under the profile's name; nothing here is secret. Qt-free.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realtime_gui.connection import DEFAULT_BASE_URL, DEFAULT_TIMEOUT_S, Connection

DEFAULT_PROFILE = "default"
DEMO_PROFILE = "demo"
FILE_NAME = "profiles.json"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    name: str
    connection: Connection = field(default_factory=Connection)

    @property
    def is_demo(self) -> bool:
        return self.name == DEMO_PROFILE


def config_folder() -> Path:
    """Where the window keeps its settings (QSettings' INI location for user scope), computed without Qt."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "realtime-gui"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "realtime-gui"


def default_connection() -> Connection:
    """The settings of a profile never saved: OPENAI_BASE_URL when set (as the OpenAI SDKs read it), else the
    default URL."""
    return Connection(base_url=os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL)


def load_profiles(path: Path) -> list[Profile]:
    """The profiles in `path`, always starting with the default one (which follows OPENAI_BASE_URL until it is
    saved); an unreadable file is logged and ignored."""
    found = [Profile(DEFAULT_PROFILE, default_connection())]
    for profile in _saved(path):
        found = [p for p in found if p.name != profile.name] + [profile]
    return found


def saved_profile(path: Path, name: str) -> Profile | None:
    """The profile called `name` as saved in `path`, or None (also for the default one, when never edited)."""
    return next((p for p in _saved(path) if p.name == name), None)


def _saved(path: Path) -> list[Profile]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as err:
        log.warning("ignoring unreadable profiles file %s: %s", path, err)
        return []
    items = data.get("profiles", []) if isinstance(data, dict) else []
    return [p for p in map(_from_json, items) if p is not None and not p.is_demo]


def save_profiles(path: Path, profiles: list[Profile]) -> None:
    items = [_to_json(p) for p in profiles if not p.is_demo]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"profiles": items}, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)  # never a half-written file


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


def _from_json(item: object) -> Profile | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        return None
    timeout = item.get("timeout", DEFAULT_TIMEOUT_S)
    connection = Connection(
        base_url=str(item.get("base_url") or DEFAULT_BASE_URL),
        auth="api-key" if item.get("auth") == "api-key" else "bearer",
        organization=str(item.get("organization") or ""),
        project=str(item.get("project") or ""),
        timeout=float(timeout) if isinstance(timeout, int | float) and timeout > 0 else DEFAULT_TIMEOUT_S,
    )
    return Profile(item["name"], connection)
