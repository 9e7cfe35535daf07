"""Makes a sound PySide6 behave like PySide6-Essentials 6.12.0 on Python 3.11 (a void method that drops a
reference to None per call), so the tests can show that the checks catch it."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

_decref = ctypes.PYFUNCTYPE(None, ctypes.py_object)(("Py_DecRef", ctypes.pythonapi))


def dropping_none(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, but each call also gives up one reference to None that it never took."""

    def faulty(*args: Any) -> Any:
        result = method(*args)
        _decref(None)
        return result

    return faulty


def install() -> None:
    """QLabel.setText drops a reference to None from now on (for a child process started to fail)."""
    from PySide6.QtWidgets import QLabel

    QLabel.setText = dropping_none(QLabel.setText)  # type: ignore[method-assign]
