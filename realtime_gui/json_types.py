"""The JSON value types every module passes around (a request body, a form value, a server's answer).

Qt-free and import-free, so the catalog and the checks it names can both use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

JsonScalar: TypeAlias = str | int | float | bool | None
JsonValue: TypeAlias = JsonScalar | list["JsonValue"] | dict[str, "JsonValue"]
Values: TypeAlias = Mapping[str, JsonValue]  # a catalog row's JSON path -> its value
