"""Waiting in a test for a state another thread or process reaches, as qtbot.waitUntil does for Qt: the wait ends
as soon as the condition holds, and the timeout only bounds a failure."""

from __future__ import annotations

import time
from collections.abc import Callable

_POLL_S = 0.005  # how often the condition is checked: nothing waits longer than this once it holds


def wait_until(condition: Callable[[], object], *, timeout: float = 10.0, what: str = "the condition") -> None:
    """Return once `condition()` is true; AssertionError naming `what` if it is still false after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(_POLL_S)
