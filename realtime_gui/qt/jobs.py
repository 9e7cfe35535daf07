"""Blocking calls (a mint, a keyring read) in worker threads, with results delivered in the GUI thread.

One QObject worker per job, moved to its own QThread (the pattern on PySide6's QThread page). `Jobs` lives in the
GUI thread and keeps strong references to each (thread, worker) until the worker says it finished; worker signals
are connected to Jobs' bound slots so they arrive queued, in the GUI thread. A blocked httpx read cannot be
interrupted, so cancelling forgets the job id at once and its late answer is dropped; timeouts bound the thread.
"""

from __future__ import annotations

import logging
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
        self._wanted: set[int] = set()
        self._closed = False

    def submit(self, work: Callable[[], Any], *, name: str = "job") -> int:
        """Start `work` in a new thread; returns its id. After shutdown nothing starts (returns 0)."""
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
        self._wanted.add(job_id)
        thread.start()
        return job_id

    def cancel(self, job_id: int) -> None:
        """Forget `job_id`: whatever it returns later is ignored."""
        self._wanted.discard(job_id)

    @property
    def running_count(self) -> int:
        return len(self._running)

    def shutdown(self, wait_ms: int = 3000) -> bool:
        """Cancel everything, refuse new jobs, and wait for the threads; False if one is still blocked after
        `wait_ms` (it ends within its own timeout; `wait_all` waits for it)."""
        self._closed = True
        self._wanted.clear()
        clean = True
        for job_id, (thread, _) in list(self._running.items()):
            thread.quit()
            if thread.wait(wait_ms):
                del self._running[job_id]  # its queued `finished` may never be delivered now
            else:
                log.warning("job %s still running at shutdown", job_id)
                clean = False
        return clean

    def wait_all(self) -> None:
        """Block until every thread has ended (used after the window has closed, before the process exits)."""
        for thread, _ in list(self._running.values()):
            thread.quit()
            thread.wait()

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
        entry = self._running.pop(job_id, None)
        if entry is not None:
            thread, _worker = entry
            thread.quit()
            thread.wait()
