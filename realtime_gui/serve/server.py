"""A local token endpoint for browser prototypes: `GET/POST /token` mints with a template of form values.

Qt-free. `TokenServer` decides every answer (Host and Origin checks, CORS, rate limit, overrides, minting);
serve/handler.py carries the bytes. The window can run one too: `start()`/`stop()` from the GUI thread, `template`
swapped whenever the form changes (the next request uses it), `limiter.per_minute` changed at any time, `stats` and
`on_request` to show what it served. `on_request` is called from the server's threads, and so is a template's
`api_key` when it is a function (the window's keyring may block: it is read where the mint runs, never in the GUI).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from realtime_gui import jsontext
from realtime_gui.jsontext import JsonValue
from realtime_gui.serve.policy import OriginPolicy, RateLimiter, browser_refusal, host_allowed, printable
from realtime_gui.serve.replies import Incoming, Reply, ServedRequest, json_reply, own_error

if TYPE_CHECKING:
    from realtime_gui.api.checks import Problem
    from realtime_gui.api.request import MintRequest
    from realtime_gui.config.connection import Connection
    from realtime_gui.net.calls import Call
    from realtime_gui.net.minted import MintedToken
    from realtime_gui.serve.handler import HttpServer

__all__ = [  # what the command line and the window use
    "DEFAULT_PORT",
    "DEFAULT_RATE",
    "TOKEN_PATH",
    "Minter",
    "ServeStats",
    "ServedRequest",
    "Template",
    "TokenServer",
]

DEFAULT_PORT = 8787
DEFAULT_RATE = 30
TOKEN_PATH = "/token"
log = logging.getLogger(__name__)

Minter = Callable[["MintRequest", "Connection", str, "Call"], "MintedToken"]


@dataclass(frozen=True, kw_only=True)
class Template:
    """What each request mints with: the form's values, where to send them, and the key (or a function that reads
    it, called for each mint in the server's thread; it raises ConfigError or KeyringUnavailable when there is none).
    `problems`: what is wrong with the values that they cannot show themselves (a form field holding text that is
    not a value); while there are any, each request is answered 400 with them and nothing is sent."""

    endpoint_id: str
    values: Mapping[str, JsonValue]
    connection: Connection
    api_key: str | Callable[[], str] = field(repr=False)
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ServeStats:
    requests: int = 0
    tokens: int = 0
    refused: int = 0  # answered 4xx or 5xx
    last_origin: str | None = None  # of the last token served (None: no Origin header, e.g. curl)


def _shared_minter(request: MintRequest, connection: Connection, api_key: str, call: Call) -> MintedToken:
    from realtime_gui.net.client import shared_client

    return shared_client().mint(request, connection=connection, api_key=api_key, call=call)


class TokenServer:
    """Answers `/token` on a loopback address; `serve_forever()` in the caller's thread, or `start()`/`stop()`."""

    def __init__(
        self,
        template: Template,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        allow_origins: Iterable[str] = (),
        rate: int = DEFAULT_RATE,
        on_request: Callable[[ServedRequest], None] | None = None,
        minter: Minter = _shared_minter,
        client_timeout: float = 5.0,
    ) -> None:
        from realtime_gui.serve.handler import HttpServer
        from realtime_gui.serve.policy import bind_address

        self.origins = OriginPolicy(allow_origins)
        self.limiter = RateLimiter(rate)
        self.on_request = on_request
        self._template = template
        self._minter = minter
        self._stats = ServeStats()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._calls: set[Call] = set()  # mints under way, cancelled by stop()
        self._http: HttpServer = HttpServer(self, bind_address(host), port, client_timeout=client_timeout)

    # -- for the owner --

    @property
    def port(self) -> int:
        return self._http.port

    @property
    def url(self) -> str:
        host = self._http.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}{TOKEN_PATH}"

    @property
    def template(self) -> Template:
        with self._lock:
            return self._template

    @template.setter
    def template(self, template: Template) -> None:
        with self._lock:
            self._template = template

    @property
    def stats(self) -> ServeStats:
        with self._lock:
            return self._stats

    def serve_forever(self) -> None:
        # stop() wakes the loop at once (net/listening.py); the poll is how soon Ctrl+C reaches `realtime-gui serve`
        # on Windows, whose select() a signal does not interrupt.
        self._http.serve_forever(poll_interval=0.1)

    def start(self) -> TokenServer:
        self._thread = threading.Thread(target=self.serve_forever, name="token-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, cut open connections and cancel the mints under way (their pages are gone); nothing is
        reported after this returns."""
        with self._lock:
            self._stopped = True
            calls, self._calls = self._calls, set()
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join(timeout=5)
        self._http.close()
        for call in calls:  # after the pages' connections are cut: a cancelled mint answers no one
            call.cancel()

    def __enter__(self) -> TokenServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- for the HTTP layer --

    def answer(self, incoming: Incoming) -> Reply:
        """The reply to one request. Never raises: anything unexpected is a 500 with a sentence."""
        try:
            reply = self._decide(incoming)
        except Exception:
            log.exception("unexpected error while answering a token request")
            reply = own_error(500, "unexpected", "realtime-gui could not answer; run it with REALTIME_GUI_DEBUG=1.")
        return self.with_cors(incoming.origin, reply)

    def record(self, served: ServedRequest) -> None:
        with self._lock:
            if self._stopped:
                return
            s = self._stats
            self._stats = ServeStats(
                requests=s.requests + 1,
                tokens=s.tokens + int(served.minted),
                refused=s.refused + int(served.status >= 400),
                last_origin=served.origin if served.minted else s.last_origin,
            )
        if self.on_request is not None:
            try:
                self.on_request(served)
            except Exception:
                log.exception("the on_request callback failed")

    def with_cors(self, origin: str | None, reply: Reply) -> Reply:
        """`reply` with CORS headers for an allowed origin; never cached, whoever asks."""
        headers = {**reply.headers, "Vary": "Origin", "Cache-Control": "no-store"}
        if origin is not None and self.origins.allows(origin):
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Allow-Methods"] = "GET, POST"
            headers["Access-Control-Allow-Headers"] = "Content-Type"
            headers["Access-Control-Expose-Headers"] = "Retry-After, x-request-id"
        return replace(reply, headers=headers)

    # -- the rules --

    def _decide(self, incoming: Incoming) -> Reply:
        if incoming.host is None:
            return own_error(400, "missing_host", "The request has no Host header.")
        if not host_allowed(incoming.host, self.port):
            return own_error(
                403,
                "host_not_allowed",
                f"Only requests addressed to this machine (localhost, 127.0.0.1 or [::1] with port {self.port}) "
                "are served; a page reaching this port through another name is refused (DNS rebinding).",
            )
        origin = incoming.origin
        if origin is not None and not self.origins.allows(origin):
            return own_error(
                403,
                "origin_not_allowed",
                f"Pages from {printable(origin, 80)} may not get tokens. Allowed: {self.origins.describe()}; "
                "add one with `realtime-gui serve --allow-origin ORIGIN`. Open pages over http://, not file://.",
            )
        if incoming.path.split("?", 1)[0] not in (TOKEN_PATH, TOKEN_PATH + "/"):  # a trailing slash is the same
            return own_error(404, "not_found", f"Nothing here; tokens are at {TOKEN_PATH}.")
        if incoming.method == "OPTIONS":
            return Reply(status=204, headers={"Access-Control-Max-Age": "600"})
        if incoming.method not in ("GET", "POST"):
            return own_error(405, "method_not_allowed", "Use GET or POST.", headers={"Allow": "GET, POST, OPTIONS"})
        # Before the template, the rate and the key are touched: a page must not spend either (policy.py says why).
        refusal = browser_refusal(
            origin=origin,
            site=incoming.fetch_site,
            mode=incoming.fetch_mode,
            dest=incoming.fetch_dest,
            user_agent=incoming.user_agent,
        )
        if refusal is not None:
            return own_error(403, "not_cors", refusal)
        template = self.template
        overrides = _overrides(incoming.body) if incoming.method == "POST" else {}
        if isinstance(overrides, Reply):
            return overrides
        return self._mint(template, overrides)

    def _mint(self, template: Template, overrides: dict[str, JsonValue]) -> Reply:
        from realtime_gui.api.request import InvalidRequest
        from realtime_gui.config.sendable import sendable_request
        from realtime_gui.errors import (
            ApiError,
            ConfigError,
            InputError,
            NetworkError,
            RealtimeGuiError,
            ResponseError,
            RetiredEndpointError,
        )
        from realtime_gui.redaction import redact

        try:
            request = sendable_request(
                template.endpoint_id,
                {**template.values, **overrides},
                connection=template.connection,
                problems=template.problems,
            )
        except ConfigError as err:  # the profile's base URL must not get the key
            return own_error(500, "config_error", str(err))
        except InvalidRequest as err:
            first = err.problems[0] if err.problems else None
            lines = "; ".join(str(p) for p in err.problems)
            return own_error(
                400,
                "invalid_value",
                f"The request is not valid; nothing was sent: {lines}",
                param=first.path if first else None,
                extra={"problems": [{"path": p.path, "message": p.message} for p in err.problems]},
            )
        wait = self.limiter.acquire()
        if wait is not None:
            return own_error(
                429,
                "rate_limited",
                f"At most {self.limiter.per_minute} tokens a minute are served (--rate); try again in {wait} s.",
                headers={"Retry-After": str(wait)},
            )
        from realtime_gui.net.calls import Call

        api_key = ""
        call = Call()
        with self._lock:
            if self._stopped:
                call.cancel()  # stop() has run: this mint must not start
            else:
                self._calls.add(call)
        try:
            api_key = template.api_key() if callable(template.api_key) else template.api_key
            token = self._minter(request, template.connection, api_key, call)
        except ApiError as err:
            d = err.details
            message = err.server_message if isinstance(err, RetiredEndpointError) else d.message
            error = {"message": redact(message, api_key), "type": d.type, "param": d.param, "code": d.code}
            headers = {"Retry-After": f"{d.retry_after:.0f}"} if d.retry_after is not None else {}
            return json_reply(d.status, {"error": error}, headers=headers, request_id=d.request_id, note="API error")
        except InputError as err:  # the settings or the keyring: nothing was sent
            return own_error(500, "config_error", redact(str(err), api_key))
        except RealtimeGuiError as err:
            reason = err.reason if isinstance(err, NetworkError) else "bad_response"
            request_id = err.request_id if isinstance(err, ResponseError) else None
            return own_error(502, reason, redact(str(err), api_key), request_id=request_id)
        finally:
            with self._lock:
                self._calls.discard(call)
        return json_reply(200, token.response, request_id=token.request_id, minted=True)


def _overrides(body: bytes) -> dict[str, JsonValue] | Reply:
    """A POST body: nothing, or a JSON object of PATH -> VALUE (as a preset file holds)."""
    example = 'e.g. {"session.audio.output.voice": "marin"}'
    if not body.strip():
        return {}
    try:
        data: Any = jsontext.loads(body)
    except jsontext.JsonTextError:
        return own_error(
            400, "invalid_json", f"The body is not valid JSON; send an object of PATH -> VALUE, {example}."
        )
    if not isinstance(data, dict):
        return own_error(400, "invalid_json", f"The body must be a JSON object of PATH -> VALUE, {example}.")
    return data
