"""Blocking calls (a mint, a keyring read) in worker threads, with results delivered in the GUI thread.

One QObject worker per job, moved to its own QThread (the pattern on PySide6's QThread page). `Jobs` lives in the
GUI thread and keeps strong references to each (thread, worker) until the worker says it finished; worker signals
are connected to Jobs' bound slots so they arrive queued, in the GUI thread. Cancelling forgets the job id at once
(its late answer is dropped) and calls the job's `stop` hook, which for a mint shuts its connection (calls.py), so
the thread ends within milliseconds instead of at its timeout.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class _Worker(QObject):
    succeeded = Signal(int, object)
    failed = Signal(int, object)
    finished = Signal(int)

    def __init__(self, job_id: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self._job_id = job_id
        self._work = work

    @Slot()
    def run(self) -> None:
        # Nothing may escape run(): an exception here would be lost, and `finished` must always come.
        try:
            result = self._work()
        except BaseException as err:
            self.failed.emit(self._job_id, err)
        else:
            self.succeeded.emit(self._job_id, result)
        finally:
            self.finished.emit(self._job_id)


class Jobs(QObject):
    """Runs callables off the GUI thread. `succeeded(id, result)` / `failed(id, exception)` arrive in the GUI
    thread, only for jobs that were not cancelled."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._next_id = 0
        self._running: dict[int, tuple[QThread, _Worker]] = {}
        self._names: dict[int, str] = {}
        self._stops: dict[int, Callable[[], None]] = {}
        self._wanted: set[int] = set()
        self._closed = False

    def submit(self, work: Callable[[], Any], *, name: str = "job", stop: Callable[[], None] | None = None) -> int:
        """Start `work` in a new thread; returns its id. `stop` (called in the GUI thread on cancel or shutdown)
        must make `work` return soon, and must not block. After shutdown nothing starts (returns 0)."""
        if self._closed:
            return 0
        self._next_id += 1
        job_id = self._next_id
        thread = QThread()
        thread.setObjectName(f"{name}-{job_id}")
        worker = _Worker(job_id, work)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.succeeded.connect(self._on_worker_succeeded)
        worker.failed.connect(self._on_worker_failed)
        worker.finished.connect(self._on_worker_finished)
        self._running[job_id] = (thread, worker)
        self._names[job_id] = name
        if stop is not None:
            self._stops[job_id] = stop
        self._wanted.add(job_id)
        thread.start()
        return job_id

    def cancel(self, job_id: int) -> None:
        """Forget `job_id` (whatever it returns later is ignored) and stop its work."""
        self._wanted.discard(job_id)
        stop = self._stops.pop(job_id, None)
        if stop is not None:
            stop()

    @property
    def running_count(self) -> int:
        return len(self._running)

    def running(self, name: str) -> int:
        """How many threads of jobs submitted as `name` are alive, cancelled ones included."""
        return sum(1 for job_name in self._names.values() if job_name == name)

    def shutdown(self, wait_ms: int = 500) -> bool:
        """Stop everything, refuse new jobs, and wait up to `wait_ms` in all for the threads; False if one is
        still blocked where its stop hook cannot reach (a keyring prompt)."""
        self._closed = True
        self._wanted.clear()
        for job_id in list(self._stops):
            self.cancel(job_id)
        return self.wait_all(wait_ms)

    def wait_all(self, wait_ms: int) -> bool:
        """Wait up to `wait_ms` in all for every thread to end; False if one is still running."""
        deadline = time.monotonic() + wait_ms / 1000
        for job_id, (thread, _) in list(self._running.items()):
            thread.quit()
            left_ms = max(0, int((deadline - time.monotonic()) * 1000))
            if thread.wait(left_ms):
                self._forget(job_id)  # its queued `finished` may never be delivered now
            else:
                log.warning("job %s still running after %s ms", self._names.get(job_id, job_id), wait_ms)
        return not self._running

    @Slot(int, object)
    def _on_worker_succeeded(self, job_id: int, result: object) -> None:
        if job_id in self._wanted:
            self.succeeded.emit(job_id, result)

    @Slot(int, object)
    def _on_worker_failed(self, job_id: int, error: object) -> None:
        if job_id in self._wanted:
            self.failed.emit(job_id, error)

    @Slot(int)
    def _on_worker_finished(self, job_id: int) -> None:
        self._wanted.discard(job_id)
        entry = self._running.get(job_id)
        if entry is not None:
            thread, _worker = entry
            thread.quit()
            thread.wait()
            self._forget(job_id)

    def _forget(self, job_id: int) -> None:
        self._running.pop(job_id, None)
        self._names.pop(job_id, None)
        self._stops.pop(job_id, None)
