"""A job is an object: what `Jobs.submit` returns carries its own result, failure and end, in the GUI thread; a
cancelled job's answer is dropped but its end still comes, and nothing escapes a worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from realtime_gui.qt.workers.jobs import Job, Jobs

WAIT_MS = 5000


@pytest.fixture
def jobs(qtbot: QtBot) -> Iterator[Jobs]:
    made = Jobs()
    yield made
    made.close()
    assert made.wait_all(WAIT_MS), "every test releases what its jobs wait for"


def _submitted(jobs: Jobs, work: object, **kwargs: object) -> Job:
    job = jobs.submit(work, **kwargs)  # type: ignore[arg-type]
    assert job is not None
    return job


def test_a_result_and_the_end_arrive_in_the_gui_thread(qtbot: QtBot, jobs: Jobs) -> None:
    seen: list[tuple[str, object, bool]] = []
    gui = QThread.currentThread()
    job = _submitted(jobs, lambda: threading.current_thread().name, name="answer")
    job.succeeded.connect(lambda result: seen.append(("succeeded", result, QThread.currentThread() is gui)))
    job.failed.connect(lambda error: seen.append(("failed", error, QThread.currentThread() is gui)))
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert len(seen) == 1
    kind, worker_thread, in_gui_thread = seen[0]
    assert kind == "succeeded"
    assert worker_thread != threading.current_thread().name, "the work ran in a thread of its own"
    assert in_gui_thread
    assert not job.running
    assert jobs.running() == 0


def test_an_exception_in_the_work_is_a_failure_and_the_job_still_ends(qtbot: QtBot, jobs: Jobs) -> None:
    def broken() -> None:
        raise KeyboardInterrupt("not even this escapes the worker")

    job = _submitted(jobs, broken, name="broken")
    with qtbot.waitSignal(job.failed, timeout=WAIT_MS) as failed, qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert isinstance(failed.args[0], KeyboardInterrupt)
    assert jobs.running("broken") == 0


def test_a_cancelled_job_says_nothing_but_its_end(qtbot: QtBot, jobs: Jobs) -> None:
    release = threading.Event()
    stopped: list[bool] = []

    def stop() -> None:
        stopped.append(True)
        release.set()

    job = _submitted(jobs, lambda: release.wait(30), name="slow", stop=stop)
    answers: list[object] = []
    job.succeeded.connect(answers.append)
    job.failed.connect(answers.append)
    assert jobs.running("slow") == 1
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        job.cancel()
    assert stopped == [True], "cancel calls the stop hook at once"
    assert job.cancelled
    assert answers == []
    assert jobs.running("slow") == 0


def test_each_job_has_its_own_signals(qtbot: QtBot, jobs: Jobs) -> None:
    first = _submitted(jobs, lambda: "first")
    second = _submitted(jobs, lambda: "second")
    got: dict[str, list[object]] = {"first": [], "second": []}
    first.succeeded.connect(got["first"].append)
    second.succeeded.connect(got["second"].append)
    with qtbot.waitSignals([first.finished, second.finished], timeout=WAIT_MS):
        pass
    assert got == {"first": ["first"], "second": ["second"]}


def test_after_close_nothing_starts_and_a_blocked_job_is_waited_for_with_a_limit(qtbot: QtBot, jobs: Jobs) -> None:
    release = threading.Event()
    blocked = _submitted(jobs, lambda: release.wait(30), name="blocked")  # no stop hook can reach it
    jobs.close()
    assert jobs.submit(lambda: None) is None
    assert blocked.cancelled
    assert not jobs.wait_all(50), "still blocked"
    assert jobs.running("blocked") == 1, "kept alive (Qt aborts on a destroyed running QThread)"
    release.set()
    qtbot.waitUntil(lambda: jobs.wait_all(0), timeout=WAIT_MS)
    assert jobs.running() == 0
    assert not blocked.running
