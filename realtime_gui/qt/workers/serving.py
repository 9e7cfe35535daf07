"""The window's local token server: `TokenServer` (serve/server.py) run from the GUI thread, its counts brought back
to it.

The server answers and mints in threads of its own; they never touch a widget. Each answer is reported through
`served`, a signal of this GUI-thread object emitted from the server's thread, so Qt queues it into the GUI thread.
The key is read in the server's thread too (the template carries a function that reads it, never the key itself).
"""

from __future__ import annotations

import errno
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from realtime_gui.errors import InputError

if TYPE_CHECKING:
    from realtime_gui.serve.server import ServedRequest, Template, TokenServer

__all__ = ["LocalServer", "PortUnavailable", "free_port_near"]

# realtime_gui.serve.server is imported when serving starts, socket when a port is probed: the window does not
# need them to appear (socket alone: ~3 ms of start-up; net/calls.py loads it too, controller.py at the first mint).
_LOOPBACK = "127.0.0.1"
_SEARCH = 20  # ports tried after a taken one before asking the system for any free port


class PortUnavailable(InputError):
    """The port cannot be listened on; str() says why, `suggestion` is a port that is free right now."""

    def __init__(self, message: str, *, port: int, suggestion: int) -> None:
        super().__init__(message)
        self.port = port
        self.suggestion = suggestion


class LocalServer(QObject):
    """Owns at most one running TokenServer. Lives in the GUI thread; `served` arrives there, queued."""

    served = Signal(object, object)  # ServeStats, ServedRequest: after each answer (emitted from a server thread)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server: TokenServer | None = None
        # Held while reporting, so that once stop() returns no report is emitted into a deleted object.
        self._report_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def template(self) -> Template | None:
        """What the next request mints with (None while stopped)."""
        return self._server.template if self._server is not None else None

    def start(self, template: Template, port: int) -> str:
        """Listen on 127.0.0.1:`port` (0: any free port) and serve `template`; returns the URL.
        PortUnavailable when the port cannot be used (nothing is left running)."""
        from realtime_gui.serve.server import TokenServer

        self.stop()
        try:
            server = TokenServer(template, host=_LOOPBACK, port=port, on_request=self._report)
        except OSError as err:
            raise PortUnavailable(_why_not(port, err), port=port, suggestion=free_port_near(port)) from None
        self._server = server.start()
        return server.url

    def set_template(self, template: Template) -> None:
        """The next request mints with `template`."""
        if self._server is not None:
            self._server.template = template

    def stop(self) -> None:
        """Stop listening and cut open connections; returns at once even while a mint hangs (its thread ends on
        its own timeout, and its answer goes nowhere). The port is free when this returns."""
        server, self._server = self._server, None
        if server is None:
            return
        with self._report_lock:
            server.on_request = None
        server.stop()

    def _report(self, served: ServedRequest) -> None:
        # In a server thread. TokenServer updates its stats before calling this; the snapshot goes with the signal.
        with self._report_lock:
            server = self._server
            if server is not None and server.on_request is not None:
                self.served.emit(server.stats, served)


def free_port_near(port: int) -> int:
    """A port on 127.0.0.1 that is free now: the first after `port` (so a page's URL changes little), else any."""
    import socket

    from realtime_gui.serve.server import DEFAULT_PORT

    start = port if port > 0 else DEFAULT_PORT
    for candidate in range(start + 1, min(start + 1 + _SEARCH, 65536)):
        if _is_free(candidate):
            return candidate
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((_LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _is_free(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no obstacle
        try:
            probe.bind((_LOOPBACK, port))
        except OSError:
            return False
    return True


def _why_not(port: int, err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return f"Port {port} is already in use on this computer (another program, or `realtime-gui serve`)."
    if err.errno == errno.EACCES:
        return f"Port {port} may not be used by this user (ports below 1024 need administrator rights)."
    return f"Cannot listen on port {port}: {err.strerror or type(err).__name__}."
