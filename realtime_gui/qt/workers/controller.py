"""The window's link to the Qt-free core: mints and keyring calls run as jobs in worker threads; results come back
as plain data through signals in the GUI thread. Widgets never call httpx2 or keyring themselves.

The key is read inside the worker (the keyring may block or prompt) and never handed to a widget: the window
only ever sees a `KeyStatus` with a hint such as `sk-…abcd`. Without a usable keyring, a key typed in the key
dialog is kept in this object's memory for this run only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from realtime_gui.config.profiles import Profile
from realtime_gui.errors import MintError, MissingKeyError
from realtime_gui.qt.workers.jobs import Job, Jobs
from realtime_gui.qt.workers.verifier import Verifier

if TYPE_CHECKING:
    from realtime_gui.api.request import MintRequest
    from realtime_gui.keys.api_key import ApiKey, KeySource
    from realtime_gui.net.calls import Call
    from realtime_gui.net.minted import MintedToken

log = logging.getLogger(__name__)

# Mints alive at once, cancelled ones included. A cancel shuts the call's connection, so its thread ends in
# milliseconds; only a step nothing can interrupt (an OS keyring prompt) keeps one alive longer, and repeated
# Create/Cancel must not pile those up.
MAX_MINT_THREADS = 3
# Closing the window stops every call, then waits this long in all for the threads (they end in milliseconds).
# What is still running then is blocked where nothing reaches it, and the app exits without it (qt/app.py):
# this wait is most of the time from closing the window to the end of the process, which must stay under 1 s.
SHUTDOWN_WAIT_MS = 300

# Keyring calls run one at a time per lane: "read" (the key status, asked for on every profile switch) and
# "write" (store and delete, in the order asked). A keyring that never answers then holds one thread per lane,
# not one per request. A request made while its lane is busy waits; a later one replaces it: for reads any
# later one (only the profile shown now matters), for writes a later one for the same profile.
_READ, _WRITE = "read", "write"


class TooManyCalls(MintError):
    """Earlier mints are still ending in a step that cannot be interrupted; nothing was sent."""


@dataclass(frozen=True)
class KeyStatus:
    """What the window may know about a profile's key: never the key itself."""

    profile: str
    hint: str | None  # e.g. "sk-…abcd"; None when there is no key
    source: KeySource | None
    keyring_problem: str | None = None  # why the OS keyring cannot be used, if it cannot

    @property
    def describe(self) -> str:
        where = {
            "environment": "from OPENAI_API_KEY",
            "keyring": "from the OS keyring",
            "memory": "kept in memory for this run only",
        }
        if self.hint is None or self.source is None:
            return "No API key: choose Key… to add one"
        return f"Key {self.hint} {where[self.source]}"


@dataclass(frozen=True)
class KeySaved:
    """A key was stored: in the keyring, or (without a usable one) in memory for this run."""

    status: KeyStatus
    in_memory_only: bool


@dataclass(frozen=True)
class _KeyJob:
    """A keyring call waiting for (or running in) its lane."""

    kind: str  # what its result is: "status", "saved" or "deleted"
    work: Callable[[], KeyStatus]
    pending: tuple[str, str] | None = None  # (profile, key) being stored


class Controller(QObject):
    minted = Signal(object)  # MintedToken
    failed = Signal(object)  # Exception (MintError, KeyringUnavailable, …)
    busy_changed = Signal(bool)
    key_status_changed = Signal(object)  # KeyStatus
    key_saved = Signal(object)  # KeySaved
    key_failed = Signal(object)  # Exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = Jobs(self)
        self.verifier = Verifier(self._jobs, self)  # token checks (Test): stopped and waited for with the rest
        self._mint_job: Job | None = None
        self._key_lanes: dict[str, Job] = {}  # lane -> the job running in it
        self._key_waiting: dict[str, dict[str, _KeyJob]] = {_READ: {}, _WRITE: {}}  # lane -> profile -> request
        self._shut_down: bool | None = None  # what shutdown() found: every thread ended, or not
        self._memory_keys: dict[str, str] = {}

    # -- minting --

    @property
    def busy(self) -> bool:
        return self._mint_job is not None

    def mint(self, request: MintRequest, profile: Profile) -> None:
        """Start minting `request` with `profile`; ignored while a mint is in flight."""
        if self._mint_job is not None:
            return
        ending = self._jobs.running("mint")
        if ending >= MAX_MINT_THREADS:
            self.failed.emit(
                TooManyCalls(
                    f"Nothing was sent: {ending} earlier calls are still ending (a keyring that does not answer "
                    "cannot be interrupted). Try again in a moment."
                )
            )
            return
        from realtime_gui.net.calls import Call  # here, not at start-up: with socket, ~3 ms (serving.py)

        memory_key = self._memory_keys.get(profile.name)
        call = Call()
        job = self._jobs.submit(
            lambda: _mint_blocking(request, profile, memory_key, call), name="mint", stop=call.cancel
        )
        if job is not None:
            job.succeeded.connect(self._on_mint_succeeded)
            job.failed.connect(self._on_mint_failed)
            self._mint_job = job
            self.busy_changed.emit(True)

    def cancel(self) -> None:
        """Return to idle at once and close the call's connection; a late answer would be ignored."""
        if self._mint_job is None:
            return
        self._mint_job.cancel()
        self._mint_job = None
        self.busy_changed.emit(False)

    def warm_up(self) -> Job | None:
        """Import httpx2 and build the shared client (TLS context) in the background, after the window shows."""
        job = self._jobs.submit(_warm_up, name="warm-up")
        if job is not None:
            job.failed.connect(self._on_background_job_failed)
        return job

    # -- threads --

    def running_jobs(self, kind: str | None = None) -> int:
        """Threads alive, a cancelled call's included until its thread has ended: of one `kind` ("mint",
        "key-read", "key-write", "verify", "warm-up") or, without it, of all."""
        return self._jobs.running(kind)

    def wait_for_threads(self, wait_ms: int) -> bool:
        """Wait up to `wait_ms` in all for every thread to end; False if one is still running."""
        return self._jobs.wait_all(wait_ms)

    # -- the key --

    def refresh_key_status(self, profile: str) -> None:
        memory = self._memory_keys.get(profile)
        self._key_job(_READ, profile, _KeyJob("status", partial(_key_status, profile, memory)))

    def store_key(self, profile: str, text: str) -> None:
        """Store in the OS keyring; without one, keep it in memory for this run (never in a file)."""
        from realtime_gui.keys.api_key import InvalidKey, check_key_text

        try:
            key = check_key_text(text)
        except InvalidKey as err:
            self.key_failed.emit(err)
            return
        self._key_job(_WRITE, profile, _KeyJob("saved", partial(_store_key, profile, key), pending=(profile, key)))

    def key_reader(self, profile: str) -> Callable[[], str]:
        """A function that reads `profile`'s key exactly as this window's mints do, for another thread to call (the
        local token server's): it may block on the keyring, so never call it in the GUI thread. It raises
        MissingKeyError or KeyringUnavailable."""
        return partial(_api_key, profile, self._memory_keys.get(profile))

    def use_key_in_memory(self, profile: str, key: str) -> None:
        from realtime_gui.keys.api_key import ApiKey, check_key_text

        self._memory_keys[profile] = checked = check_key_text(key)
        self.key_status_changed.emit(_status(profile, ApiKey(checked, "memory")))

    def delete_key(self, profile: str) -> None:
        self._memory_keys.pop(profile, None)
        self._key_job(_WRITE, profile, _KeyJob("deleted", partial(_delete_key, profile)))

    def _key_job(self, lane: str, profile: str, request: _KeyJob) -> None:
        waiting = self._key_waiting[lane]
        if lane in self._key_lanes:
            if lane == _READ:
                waiting.clear()
            waiting.pop(profile, None)
            waiting[profile] = request
            return
        job = self._jobs.submit(request.work, name=f"key-{lane}")
        if job is not None:
            # The job's signals are emitted in this (the GUI) thread, so these calls run here too.
            job.succeeded.connect(partial(self._on_key_job_succeeded, lane, request))
            job.failed.connect(partial(self._on_key_job_failed, lane, request))
            self._key_lanes[lane] = job

    def _key_job_ended(self, lane: str) -> bool:
        """Free `lane` and start what waits in it; True when the result of the job that ended is stale (a later
        read was asked for meanwhile)."""
        self._key_lanes.pop(lane, None)
        waiting = self._key_waiting[lane]
        if not waiting:
            return False
        profile = next(iter(waiting))
        self._key_job(lane, profile, waiting.pop(profile))
        return lane == _READ

    def shutdown(self) -> bool:
        """Stop every call and wait briefly; False if a thread is still blocked where nothing can interrupt it.
        Called again (the app does, after the window closed), it answers at once with what it found the first
        time: a thread that did not end then is blocked, and waiting for it again would only delay the exit."""
        if self._shut_down is None:
            self._mint_job = None
            self._jobs.close()
            self._shut_down = self.wait_for_threads(SHUTDOWN_WAIT_MS)
        return self._shut_down

    # -- results, in the GUI thread --

    @Slot(object)
    def _on_mint_succeeded(self, result: object) -> None:
        self._mint_job = None
        self.busy_changed.emit(False)
        from realtime_gui.net.minted import MintedToken  # not at start-up, once no widget imports it either: ~1.4 ms

        assert isinstance(result, MintedToken)
        self.minted.emit(result)

    @Slot(object)
    def _on_mint_failed(self, error: object) -> None:
        self._mint_job = None
        self.busy_changed.emit(False)
        self.failed.emit(error)

    @Slot(object)
    def _on_background_job_failed(self, error: object) -> None:
        log.warning("background job failed: %s", error)

    def _on_key_job_succeeded(self, lane: str, request: _KeyJob, result: object) -> None:
        if self._key_job_ended(lane):
            return
        if request.kind in ("status", "deleted") and isinstance(result, KeyStatus):
            self.key_status_changed.emit(result)
        elif request.kind == "saved" and isinstance(result, KeyStatus):
            self.key_saved.emit(KeySaved(result, in_memory_only=False))
            self.key_status_changed.emit(result)

    def _on_key_job_failed(self, lane: str, request: _KeyJob, error: object) -> None:
        if self._key_job_ended(lane):
            return
        from realtime_gui.keys.api_key import ApiKey, KeyringUnavailable

        if request.kind == "saved" and request.pending is not None and isinstance(error, KeyringUnavailable):
            profile, key = request.pending
            self._memory_keys[profile] = key
            status = _status(profile, ApiKey(key, "memory"), keyring_problem=str(error))
            self.key_saved.emit(KeySaved(status, in_memory_only=True))
            self.key_status_changed.emit(status)
            return
        self.key_failed.emit(error)


# -- What the jobs run (in worker threads; no Qt here) -------------------------------------------------------
# The key's modules (keys/) are imported in them and where a key is first handled, not at start-up: ~1.4 ms.


def _mint_blocking(request: MintRequest, profile: Profile, memory_key: str | None, call: Call) -> MintedToken:
    from realtime_gui.net.client import shared_client

    key = _api_key(profile.name, memory_key)
    return shared_client().mint(request, connection=profile.connection, api_key=key, call=call)


def _api_key(profile: str, memory_key: str | None) -> str:
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import ENV_VAR

    key = secrets.resolve_key(profile, in_memory=memory_key)
    if key is None:
        raise MissingKeyError(f"No API key for profile {profile!r}. Choose Key… to add one, or set {ENV_VAR}.")
    return key.value


def _warm_up() -> None:
    from realtime_gui.net.client import shared_client

    shared_client()
    # Loaded here, in the worker, not in the GUI thread when first needed. Turning serving on: the token server's
    # modules (~9 ms less stall, median of 6). The first token shown: the token check's modules (the Test row's state;
    # the first Create's longest stall falls from a median of 81-95 ms to 36-42 ms on a loaded machine, 8 runs each).
    # And the check itself (websockets), so that the first Test is as quick as the next: loaded here, while the window
    # idles, not when the first token shows, where its ~20 ms of imports held the GIL against the token panel's layout
    # (Python layouts: each call into them waited for the GIL): the GUI thread waited 24-88 ms for it, in 5 runs.
    import realtime_gui.config.sendable
    import realtime_gui.serve.handler  # http.server: ~5 ms that turning serving on still paid
    import realtime_gui.serve.server
    import realtime_gui.verify.session
    import realtime_gui.verify.snippets  # noqa: F401


def _key_status(profile: str, memory_key: str | None) -> KeyStatus:
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import KeyringUnavailable

    try:
        key = secrets.resolve_key(profile, in_memory=memory_key)  # the key a mint would use
    except KeyringUnavailable as err:
        return KeyStatus(profile, None, None, keyring_problem=str(err))
    problem = None
    if key is not None and key.source != "keyring":
        # A key from the environment or memory was found without the keyring: whether a key saved now would go
        # into it (the key dialog says where it goes) is still to be seen.
        try:
            secrets.safe_backend()
        except KeyringUnavailable as err:
            problem = str(err)
    return _status(profile, key, keyring_problem=problem)


def _status(profile: str, key: ApiKey | None, *, keyring_problem: str | None = None) -> KeyStatus:
    if key is None:
        return KeyStatus(profile, None, None, keyring_problem=keyring_problem)
    return KeyStatus(profile, key.hint, key.source, keyring_problem=keyring_problem)


def _store_key(profile: str, key: str) -> KeyStatus:
    from realtime_gui.keys import store as secrets

    return _status(profile, secrets.store_key(profile, key))


def _delete_key(profile: str) -> KeyStatus:
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import KeyringUnavailable

    try:
        secrets.delete_key(profile)
    except KeyringUnavailable as err:
        return KeyStatus(profile, None, None, keyring_problem=str(err))
    return _key_status(profile, None)
