"""Blocking calls (a mint, a keyring read, a token check) in worker threads; each submitted call is a `Job` whose
signals arrive in the GUI thread.

One QObject worker per job, moved to its own QThread (the pattern on PySide6's QThread page; superqt's
`_qthreading.py` is the model). The `Job` lives in the GUI thread and holds its (thread, worker) until the worker says
it finished; the worker's signals are connected to the Job's bound slots, so they arrive queued, in the GUI thread.
`Jobs` keeps every job alive until its thread ended. Cancelling a job drops its late answer and calls its `stop`
hook, which for a mint shuts its connection (calls.py), so the thread ends within milliseconds instead of at its
timeout.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

log = logging.getLogger(__name__)


class _Worker(QObject):
    """Runs `work` in the thread it was moved to; its signals are emitted there."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work

    @Slot()
    def run(self) -> None:
        # Nothing may escape run(): an exception here would be lost, and `finished` must always come.
        try:
            result = self._work()
        except BaseException as err:
            self.failed.emit(err)
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()


class Job(QObject):
    """One call in a thread of its own. Its signals arrive in the GUI thread, through the event loop (so connecting
    right after `Jobs.submit` misses nothing): `succeeded(result)` or `failed(exception)` unless it was cancelled,
    then `finished()` always, once its thread has ended."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Callable[[], Any], *, name: str, stop: Callable[[], None] | None) -> None:
        super().__init__()
        self.name = name
        self._stop = stop
        self._cancelled = False
        self._thread: QThread | None = QThread()
        self._thread.setObjectName(name)
        self._worker: _Worker | None = _Worker(work)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.succeeded.connect(self._on_worker_succeeded)
        self._worker.failed.connect(self._on_worker_failed)
        self._worker.finished.connect(self._on_worker_finished)

    def start(self) -> None:
        assert self._thread is not None
        self._thread.start()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def running(self) -> bool:
        """True until its thread has ended (a cancelled job's too)."""
        return self._thread is not None

    def cancel(self) -> None:
        """Drop whatever it answers later and stop its work (the `stop` hook, in this thread; it must not block)."""
        self._cancelled = True
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()

    def wait(self, wait_ms: int) -> bool:
        """Wait up to `wait_ms` for its thread to end; True (and `finished` emitted) if it did."""
        if self._thread is None:
            return True
        self._thread.quit()
        if not self._thread.wait(wait_ms):
            return False
        self._end()  # its queued `finished` may never be delivered now
        return True

    @Slot(object)
    def _on_worker_succeeded(self, result: object) -> None:
        if not self._cancelled:
            self.succeeded.emit(result)

    @Slot(object)
    def _on_worker_failed(self, error: object) -> None:
        if not self._cancelled:
            self.failed.emit(error)

    @Slot()
    def _on_worker_finished(self) -> None:
        self._end()

    def _end(self) -> None:
        if self._thread is None:
            return
        self._thread.quit()
        self._thread.wait()
        self._thread = self._worker = None  # the strong references held until now
        self._stop = None
        self.finished.emit()


class Jobs(QObject):
    """Starts jobs and keeps each one (with its thread and worker) alive until its thread has ended."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: list[Job] = []
        self._ended: list[Job] = []  # dropped once the event that ended them is over (not inside their own slot)
        self._closed = False

    def submit(
        self, work: Callable[[], Any], *, name: str = "job", stop: Callable[[], None] | None = None
    ) -> Job | None:
        """Start `work` in a new thread and return its job. `stop` (called in the GUI thread on cancel or shutdown)
        must make `work` return soon, and must not block. After `close()` nothing starts (returns None)."""
        if self._closed:
            return None
        job = Job(work, name=name, stop=stop)
        job.finished.connect(self._on_job_finished)
        self._running.append(job)
        job.start()
        return job

    def running(self, name: str | None = None) -> int:
        """How many threads of jobs submitted as `name` (of all jobs, without it) are alive, cancelled ones
        included."""
        return sum(1 for job in self._running if name is None or job.name == name)

    def close(self) -> None:
        """Refuse new jobs and cancel every running one."""
        self._closed = True
        for job in list(self._running):
            job.cancel()

    def wait_all(self, wait_ms: int) -> bool:
        """Wait up to `wait_ms` in all for every thread to end; False if one is still running."""
        deadline = time.monotonic() + wait_ms / 1000
        for job in list(self._running):
            left_ms = max(0, int((deadline - time.monotonic()) * 1000))
            if not job.wait(left_ms):
                log.warning("job %s still running after %s ms", job.name, wait_ms)
        return not self._running

    @Slot()
    def _on_job_finished(self) -> None:
        job = self.sender()
        if isinstance(job, Job) and job in self._running:
            self._running.remove(job)
            self._ended.append(job)
            QTimer.singleShot(0, self, self._ended.clear)
