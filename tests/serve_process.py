"""Runs the real `realtime-gui serve` command in a process of its own, and talks HTTP to it over loopback."""

from __future__ import annotations

import http.client
import json
import queue
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from processes import CLI


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Serving:
    """`realtime-gui serve --port 0 ARGS`, started and ready; `stop()` sends Ctrl+C (SIGINT)."""

    def __init__(self, args: list[str], *, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [CLI, "serve", "--port", "0", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",
        )
        self._out: queue.Queue[str] = queue.Queue()
        self._err: list[str] = []
        self._err_grew = threading.Condition()  # told of each line stderr gains
        assert self.proc.stdout is not None
        assert self.proc.stderr is not None
        stdout, stderr = self.proc.stdout, self.proc.stderr
        self._readers = [
            threading.Thread(target=_pump, args=(stdout, self._out.put), daemon=True),
            threading.Thread(target=_pump, args=(stderr, self._on_stderr_line), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            first = self._out.get(timeout=30)
        except queue.Empty:
            self.proc.kill()
            self._close()
            raise AssertionError(f"serve printed nothing; stderr: {self.stderr}") from None
        prefix = "Serving tokens at "
        assert first.startswith(prefix), f"unexpected first line {first!r}; stderr: {self.stderr}"
        self.url = first[len(prefix) :].strip()
        self.port = int(self.url.rsplit(":", 1)[1].split("/", 1)[0])
        self.stdout = first

    @property
    def stderr(self) -> str:
        with self._err_grew:
            return "".join(self._err)

    def _on_stderr_line(self, line: str) -> None:
        with self._err_grew:
            self._err.append(line)
            self._err_grew.notify_all()

    def wait_for_stderr(self, condition: Callable[[str], bool], *, timeout: float = 10) -> str:
        """stderr so far, once `condition(stderr)` holds (or after `timeout`)."""
        with self._err_grew:
            self._err_grew.wait_for(lambda: condition("".join(self._err)), timeout=timeout)
            return "".join(self._err)

    def log_lines(self) -> list[str]:
        """The per-request lines so far (the start-up line excluded)."""
        return _request_lines(self.stderr)

    def wait_for_log(self, count: int, *, since: int = 0, timeout: float = 10) -> list[str]:
        """The request lines after the first `since`, once there are `count` of them (or after `timeout`)."""
        self.wait_for_stderr(lambda err: len(_request_lines(err)) >= since + count, timeout=timeout)
        return self.log_lines()[since:]

    def request(
        self,
        method: str = "GET",
        path: str = "/token",
        *,
        origin: str | None = None,
        host: str | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        if origin is not None:
            sent["Origin"] = origin
        sent["Host"] = host if host is not None else f"127.0.0.1:{self.port}"
        logged = len(self.log_lines())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()
        # serve logs each request before it answers, but our reader thread may not have its line yet: a test that
        # counts lines next must not count this one as its own.
        self.wait_for_log(1, since=logged, timeout=5)
        return answer

    def stop(self, sig: int = signal.SIGINT, timeout: float = 10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        finally:
            self._close()
        return code

    def _close(self) -> None:
        self.proc.wait(timeout=10)
        for reader in self._readers:
            reader.join(timeout=5)  # they end with the process's output
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def _request_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("realtime-gui:")]


def _pump(lines: Iterable[str], into: Callable[[str], object]) -> None:
    for line in lines:
        into(line)
