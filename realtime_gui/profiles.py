"""Profiles: named sets of the non-secret connection settings. The key of a profile lives in the OS keyring
under the profile's name; nothing here is secret. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass, field

from realtime_gui.connection import Connection

DEFAULT_PROFILE = "default"
DEMO_PROFILE = "demo"


@dataclass(frozen=True)
class Profile:
    name: str
    connection: Connection = field(default_factory=Connection)

    @property
    def is_demo(self) -> bool:
        return self.name == DEMO_PROFILE
