"""The window's token check: one Verification (verify/session.py) at a time in a worker thread, its outcome and the
reply as it streams delivered as plain data in the GUI thread; Cancel and closing stop it at once by shutting its
socket down, which never waits (not even for a server that floods pings and never reads).

The worker's callbacks (the session opened, each piece of the reply) emit the Verifier's `worker_*` signals from the
worker thread; they are connected to its bound slots, so Qt queues them to the GUI thread, where they run in order
and before the job's result (all are posted to the same event queue). The check keeps and passes on no more of the
reply than its request's reply_limit, so a server streaming for ever queues a bounded number of pieces. Widgets
never touch the Verification or websockets. verify/session.py is imported inside a worker (the controller's warm-up
loads it after the first paint) and verify/findings.py when a token first shows: neither slows start-up."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from realtime_gui.qt.workers.jobs import Job, Jobs

if TYPE_CHECKING:
    from realtime_gui.verify.findings import SessionOpened, VerifyRequest, VerifyResult
    from realtime_gui.verify.session import Verification


class _Check:
    """One check's handle, shared by the GUI thread (cancel) and the worker (run): a cancel that comes before the
    Verification exists is kept and honoured when it does. The worker's callbacks name this handle, so the GUI
    thread can tell a cancelled check's late news from the current one's."""

    def __init__(self, request: VerifyRequest, verifier: Verifier) -> None:
        self._request, self._verifier = request, verifier
        self._lock = threading.Lock()
        self._cancelled = False
        self._verification: Verification | None = None

    def run(self) -> VerifyResult:
        from realtime_gui.verify.findings import VerifyCancelled
        from realtime_gui.verify.session import Verification  # websockets loads here, in the worker

        relay = self._verifier
        verification = Verification(
            self._request,
            on_opened=lambda opened: relay.worker_opened.emit(self, opened),
            on_text=lambda text: relay.worker_texted.emit(self, text),
        )
        with self._lock:
            if self._cancelled:
                raise VerifyCancelled("The token check was cancelled.")
            self._verification = verification
        return verification.run()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            verification = self._verification
        if verification is not None:
            verification.cancel()


class Verifier(QObject):
    """Checks tokens, one at a time, in the jobs it is given (the controller's: closing the window stops and waits
    for them with the rest). Every signal arrives in the GUI thread, and only for the check in progress: nothing
    from a cancelled check is ever emitted."""

    opened = Signal(object)  # SessionOpened, when session.created arrives
    texted = Signal(str)  # a piece of the reply, in order
    verified = Signal(object)  # VerifyResult: the session opened (and the reply came, if one was asked for)
    failed = Signal(object)  # VerifyError (never VerifyCancelled), or an unexpected exception
    cancelled = Signal()
    busy_changed = Signal(bool)
    # Emitted from the worker thread with the check they come from. The slots are bound methods of this object,
    # which lives in the GUI thread, so Qt queues each emission to it. Not for use outside this module.
    worker_opened = Signal(object, object)
    worker_texted = Signal(object, str)

    def __init__(self, jobs: Jobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self.worker_opened.connect(self._on_worker_opened)
        self.worker_texted.connect(self._on_worker_texted)
        self._job: Job | None = None
        self._check: _Check | None = None

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def running(self) -> int:
        """Check threads still alive, a cancelled one's until its socket has closed."""
        return self._jobs.running("verify")

    def verify(self, request: VerifyRequest) -> bool:
        """Start checking `request`; False (and nothing sent) while a check is in progress, after shutdown, or when
        the request cannot be sent (then `failed` has already said why)."""
        from realtime_gui.verify.findings import VerifyError, session_url  # loaded at the first Test, not at start-up

        if self._job is not None:
            return False
        try:
            session_url(request)  # checks the whole request here, so a bad one never reaches a thread
        except VerifyError as err:
            self.failed.emit(err)
            return False
        check = _Check(request, self)
        job = self._jobs.submit(check.run, name="verify", stop=check.cancel)
        if job is None:
            return False
        job.succeeded.connect(self._on_job_succeeded)
        job.failed.connect(self._on_job_failed)
        self._job, self._check = job, check
        self.busy_changed.emit(True)
        return True

    def cancel(self) -> bool:
        """Stop the check in progress at once (its socket is closed); True if there was one."""
        if self._job is None:
            return False
        self._job.cancel()  # calls check.cancel
        self._job = self._check = None
        self.busy_changed.emit(False)
        self.cancelled.emit()
        return True

    # -- in the GUI thread --

    @Slot(object, object)
    def _on_worker_opened(self, check: _Check, opened: SessionOpened) -> None:
        if check is self._check:
            self.opened.emit(opened)

    @Slot(object, str)
    def _on_worker_texted(self, check: _Check, text: str) -> None:
        if check is self._check:
            self.texted.emit(text)

    @Slot(object)
    def _on_job_succeeded(self, result: VerifyResult) -> None:
        self._job = self._check = None
        self.busy_changed.emit(False)
        self.verified.emit(result)

    @Slot(object)
    def _on_job_failed(self, error: object) -> None:
        self._job = self._check = None
        self.busy_changed.emit(False)
        self.failed.emit(error)
