"""Whether PySide6's void C++ methods keep `None`'s reference count: a build that drops one per call aborts the app.

PySide6-Essentials 6.12.0 on Python 3.11 returns `None` from every void C++ method (QLabel.setText, …) without
taking the reference it hands back. Before Python 3.12 `None` is not immortal, so after some thousands of calls
its count reaches zero and the process dies with "Fatal Python error: none_dealloc" (issue 7). The checks here run
such calls on throwaway widgets and compare `sys.getrefcount(None)` before and after; they hand back whatever a
faulty build dropped, so measuring one never brings the process down. From Python 3.12 on None is immortal: its
count never moves, and these checks pass by nature.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# A sound build moves the count by a few references at most (a cache filled on first use, another thread running
# Python meanwhile); a faulty one by one per call, thousands here.
TOLERANCE = 10
# Measured in batches far smaller than the ~3,600 references None holds once Python has started, and each batch's
# loss handed back before the next, so the count never gets near zero.
_BATCH = 200

VOID_METHODS = (
    "QLabel.setText",
    "QFormLayout.setRowVisible",
    "QLineEdit.setText",
    "QPlainTextEdit.setPlainText",
    "QWidget.setEnabled",
    "QWidget.setToolTip",
)


def measure(call: Callable[[], object], calls: int) -> int:
    """Net change of sys.getrefcount(None) over `calls` calls of `call` (after one warm-up call): 0 when sound,
    -calls on PySide6-Essentials 6.12.0 under Python 3.11."""
    enabled = gc.isenabled()
    gc.disable()  # a collection in the middle would free unrelated objects that point at None
    drift = 0
    try:
        call()
        left = calls
        while left > 0:
            batch = min(_BATCH, left)
            before = sys.getrefcount(None)
            for _ in range(batch):
                call()
            delta = sys.getrefcount(None) - before
            if delta < 0:
                _hand_back(-delta)
            drift += delta
            left -= batch
    finally:
        if enabled:
            gc.enable()
    return drift


def _hand_back(count: int) -> None:
    """Give None back `count` references for good. Held by a Python object instead, they would be released again
    when the interpreter shuts down, and the count would reach zero then."""
    import ctypes

    incref = ctypes.PYFUNCTYPE(None, ctypes.py_object)(("Py_IncRef", ctypes.pythonapi))
    for _ in range(count):
        incref(None)


@contextmanager
def void_calls() -> Iterator[dict[str, Callable[[], object]]]:
    """Each of VOID_METHODS, callable, on widgets like the window's (hidden; a QApplication must exist)."""
    from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

    holder = QWidget()  # owns the rest: deleted with them all when the with-block ends
    form = QFormLayout(holder)
    label, line, text = QLabel(), QLineEdit(), QPlainTextEdit()
    form.addRow("label", label)
    form.addRow("line", line)
    form.addRow("text", text)
    # Each lambda returns what the method returned, so nothing but the method touches None's count.
    calls: dict[str, Callable[[], object]] = {
        "QLabel.setText": lambda: label.setText("0:42"),
        "QFormLayout.setRowVisible": lambda: form.setRowVisible(0, True),
        "QLineEdit.setText": lambda: line.setText("ek_test"),
        "QPlainTextEdit.setPlainText": lambda: text.setPlainText("{}"),
        "QWidget.setEnabled": lambda: line.setEnabled(True),
        "QWidget.setToolTip": lambda: label.setToolTip("tip"),
    }
    yield calls


def drift_per_method(calls_each: int) -> dict[str, int]:
    """VOID_METHODS -> the change of None's reference count over `calls_each` calls of it."""
    with void_calls() as calls:
        return {name: measure(call, calls_each) for name, call in calls.items()}
