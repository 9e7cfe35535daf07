"""Debian's headless Chromium driven over the DevTools protocol: a page is read once it says it is done (a condition
in the page, watched by a MutationObserver), not after a guessed time budget, which WebRTC, running in real time,
would outlast under load. Nothing can leave this machine: no host name resolves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections import deque
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from websockets.sync.client import ClientConnection, connect

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves (IP literals are mapped too, hence the exclusions): nothing can leave this machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",  # any free port: Chromium prints which on stderr
]
# Bounds a failure only: a page that never reaches its condition is read as it is then, and the test's own
# assertions say what is missing. Generous, so that a loaded machine is never mistaken for a broken page.
PAGE_TIMEOUT_S = 60.0
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")
# The page is read when `until` holds after it has loaded, or when the timeout passes: whichever comes first.
_READ_WHEN = """new Promise((resolve) => {
  const read = () => resolve(document.documentElement.outerHTML);
  const check = () => { if (document.readyState === "complete" && (UNTIL)) read(); };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true,
    characterData: true });
  addEventListener("load", check);
  setTimeout(read, TIMEOUT_MS);
  check();
})"""
# What the protocol answers when a navigation replaced the document an evaluation was waiting in.
_REPLACED = ("Execution context was destroyed", "Inspected target navigated or closed", "Cannot find context")


class Chromium:
    """One headless Chromium; `read(url, until=…)` loads each page in a fresh browser context (no cookies, cache or
    CORS preflight cache shared with the pages before it)."""

    def __init__(self, profile: Path) -> None:
        chromium = shutil.which("chromium") or "chromium"
        self._proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="backslashreplace",
        )
        self._stderr: deque[str] = deque(maxlen=40)
        self._address: str | None = None
        self._listening = threading.Event()
        self._exits = ExitStack()
        self._last_id = 0
        self._events: deque[dict[str, Any]] = deque()
        assert self._proc.stderr is not None
        self._reader = threading.Thread(target=self._read_stderr, args=(self._proc.stderr,), daemon=True)
        self._reader.start()
        try:
            if not self._listening.wait(timeout=PAGE_TIMEOUT_S) or self._address is None:
                raise AssertionError(f"Chromium opened no DevTools port: {self.stderr}")
            self._socket: ClientConnection = self._exits.enter_context(
                connect(self._address, max_size=None, open_timeout=PAGE_TIMEOUT_S)
            )
        except BaseException:
            self._end(kill=True)
            raise

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)[-2000:]

    def _read_stderr(self, stream: IO[str]) -> None:
        for line in stream:
            self._stderr.append(line)
            found = _LISTENING.search(line)
            if found and not self._listening.is_set():
                self._address = found.group(1)
                self._listening.set()
        self._listening.set()  # Chromium ended: whoever waits for the port learns it now

    def _receive(self) -> dict[str, Any]:
        try:
            message: dict[str, Any] = json.loads(self._socket.recv(timeout=PAGE_TIMEOUT_S + 30))
        except TimeoutError:
            raise AssertionError(f"Chromium said nothing for {PAGE_TIMEOUT_S + 30:g} s: {self.stderr}") from None
        return message

    def _call(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> dict[str, Any]:
        """The answer to one command (its `result`, or its `error` under "error"); events met on the way are kept."""
        self._last_id += 1
        command: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if session is not None:
            command["sessionId"] = session
        self._socket.send(json.dumps(command))
        while True:
            message = self._receive()
            if message.get("id") == self._last_id:
                if "error" in message:
                    return {"error": message["error"]}
                result: dict[str, Any] = message["result"]
                return result
            if "method" in message:
                self._events.append(message)

    def _next_event(self, method: str, *, session: str) -> None:
        """Waits for (and uses up) the next `method` event of `session`."""
        while True:
            event = self._events.popleft() if self._events else self._receive()
            if event.get("method") == method and event.get("sessionId") == session:
                return
            # An answer to no pending command, or another event: nothing waits for it.

    def read(self, url: str, *, until: str = "true") -> str:
        """The DOM of `url` (its outerHTML) once it has loaded and the JavaScript expression `until` holds in it, or
        as it is after PAGE_TIMEOUT_S. If the page navigates away, `until` is asked of the page it went to."""
        context = self._call("Target.createBrowserContext")["browserContextId"]
        target = self._call("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        try:
            session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._call("Page.enable", session=session)
            navigated = self._call("Page.navigate", {"url": url}, session=session)
            assert "error" not in navigated, navigated
            assert "errorText" not in navigated, navigated
            expression = _READ_WHEN.replace("UNTIL", until).replace("TIMEOUT_MS", str(int(PAGE_TIMEOUT_S * 1000)))
            while True:
                self._next_event("Page.loadEventFired", session=session)
                evaluated = self._call(
                    "Runtime.evaluate",
                    {"expression": expression, "awaitPromise": True, "returnByValue": True},
                    session=session,
                )
                error = str(evaluated.get("error", "")) + str(evaluated.get("exceptionDetails", ""))
                if not any(replaced in error for replaced in _REPLACED):
                    break  # else the page navigated while it was watched: ask the page it loaded next
            assert not error, f"the page could not be read: {error}"
            dom: str = evaluated["result"]["value"]
            return dom
        finally:
            self._call("Target.closeTarget", {"targetId": target})
            self._call("Target.disposeBrowserContext", {"browserContextId": context})

    def close(self) -> None:
        """Asks Chromium to quit, and waits until it has."""
        try:
            # Chromium may hang up before it answers: its exit, not the answer, says it is done.
            self._socket.send(json.dumps({"id": self._last_id + 1, "method": "Browser.close"}))
        finally:
            self._end(kill=False)
            self._exits.close()

    def _end(self, *, kill: bool) -> None:
        if kill:
            self._proc.kill()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=30)
        assert self._proc.stderr is not None
        self._proc.stderr.close()
