"""Every error the package raises on purpose, in one tree; each one's `str()` is a sentence for people.

Qt-free, httpx2-free and at the bottom of the import graph (it imports only shown.py), so every layer can raise and
tell these apart. The classes marked with a file live there (their module raises them) and subclass a kind here;
the CLI's exit codes (cli/exits.py) and the window's banners (qt/ui/window/failure.py) each map from the kinds in
one place. None of these ever contains the API key or a control character: a MintError cleans its message and every
field a server filled in (shown.py) when it is made, so no caller that prints or shows one can forget to.

    RealtimeGuiError                      the root: anything this package raises on purpose
     ├── InputError                       nothing was sent: the input, a setting, a file or the key is unusable (exit 2)
     │    ├── ConfigError            M    unusable connection settings (base URL, auth style, key)
     │    │    └── MissingKeyError   M    no API key for the profile
     │    ├── UsageError                  cli/exits.py: a command line that cannot be run
     │    ├── StdinTimeout                cli/bounded_stdin.py: no token arrived on standard input in time
     │    ├── InvalidRequest              api/request.py: values the API would refuse, one Problem per JSON path
     │    ├── PresetError                 api/presets.py: a preset file that cannot be used
     │    ├── JsonTextError               jsontext.py: not JSON, nested too deeply, a number JSON does not allow
     │    ├── InvalidKey                  keys/api_key.py: text that cannot be an API key
     │    ├── KeyringUnavailable          keys/api_key.py: no safe OS keyring to read or write the key
     │    ├── PolicyError                 serve/policy.py: a --host or --allow-origin that cannot be served
     │    ├── PortUnavailable             qt/workers/serving.py: the local token endpoint's port cannot be used
     │    └── VerifyInputError       V    verify/findings.py: a check that cannot be sent
     ├── RefusedError                     the server answered, and said no (exit 3)
     │    ├── ApiError               M    the API's error object: status, message, type, param, code, request id
     │    │    └── RetiredEndpointError M a retired beta endpoint answered `beta_api_shape_disabled`
     │    └── SessionRefused         V    verify/findings.py: the WebSocket session or its turn was refused
     │         ├── UpgradeRefused    V    an HTTP error instead of the WebSocket
     │         ├── ErrorEvent        V    an `error` event
     │         ├── ClosedByServer    V    a close frame with a code and reason
     │         └── ReplyFailed       V    the text turn's response.done said `failed`
     ├── NoAnswerError                    no usable answer came back (exit 4)
     │    ├── NetworkError           M    refused, DNS, TLS, proxy, timeout, connection lost
     │    ├── ResponseError          M    an answer that is not a token: HTML or empty body, truncated JSON
     │    ├── BodyError                   net/bodies.py: a body too large or in an encoding we cannot read
     │    ├── SessionUnreachable     V    verify/findings.py: no WebSocket session (refused, DNS, TLS, proxy, …)
     │    ├── UnusableAnswer         V    verify/findings.py: an answer not in the Realtime protocol
     │    │    └── Redirected        V    a redirect at the upgrade (never followed)
     │    └── VerifyCancelled        V    verify/findings.py: the check was cancelled
     └── OutputFailed                     cli/exits.py: stdout could not take the answer (exit 5)

    M: also a MintError (here), what stopped a mint: a cleaned sentence plus an optional `hint`. TooManyCalls
       (qt/workers/controller.py) is a MintError of no kind: the window refused to start another call.
    V: also a VerifyError (verify/findings.py), what stopped a token check: `opened`, `partial_reply`.
    Apart from the kinds: FrameError (demo/frames.py), a WebSocket frame the demo server cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from realtime_gui.shown import DEFAULT_LIMIT, shown

RETIRED_CODE = "beta_api_shape_disabled"
_FIELD_LIMIT = 200  # type, code, param, request id: short names, never paragraphs


class RealtimeGuiError(Exception):
    """The root: anything this package raises on purpose; str() is a sentence (or a fragment) for people."""


class InputError(RealtimeGuiError):
    """Nothing was sent: the input, a setting, a file or the key cannot be used."""


class RefusedError(RealtimeGuiError):
    """The server answered, and said no."""


class NoAnswerError(RealtimeGuiError):
    """No usable answer came back: no connection, no time left, or an answer that is not one."""


class MintError(RealtimeGuiError):
    """Anything that stopped a mint; str() is a sentence for people, then the `hint` when one was added."""

    hint = ""  # what probably caused it, from what the caller knows (the base URL): a sentence, or empty

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))

    def __str__(self) -> str:
        said = super().__str__()
        if not self.hint:
            return said
        return f"{said}{'' if said.endswith(('.', '!', '?')) else '.'} {self.hint}"


class ConfigError(MintError, InputError):
    """The connection settings cannot be used; nothing was sent."""


class MissingKeyError(ConfigError):
    """No API key for the profile (none in this run, OPENAI_API_KEY or the keyring); nothing was sent."""


@dataclass(frozen=True)
class ErrorDetails:
    """What an API error answer said, each text escaped and redacted."""

    status: int
    message: str
    type: str | None = None
    param: str | None = None
    code: str | None = None
    request_id: str | None = None
    retry_after: float | None = None  # seconds, from Retry-After on 429

    def __post_init__(self) -> None:
        # Every text here came from the server, which may echo the key or send terminal control codes.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                limit = DEFAULT_LIMIT if f.name == "message" else _FIELD_LIMIT
                object.__setattr__(self, f.name, shown(value, limit=limit))


class ApiError(MintError, RefusedError):
    """The API answered with an error object."""

    def __init__(self, details: ErrorDetails) -> None:
        self.details = details
        super().__init__(details.message)

    @property
    def status(self) -> int:
        return self.details.status

    @property
    def param(self) -> str | None:
        return self.details.param

    @property
    def code(self) -> str | None:
        return self.details.code

    @property
    def request_id(self) -> str | None:
        return self.details.request_id


class RetiredEndpointError(ApiError):
    """A retired beta endpoint refused the request; the endpoint `ga_endpoint_id` takes the same settings. Endpoints
    are named by id and path (api/catalog.py knows the rest), so this module stays below the catalog."""

    def __init__(
        self, details: ErrorDetails, *, retired_id: str, retired_path: str, ga_endpoint_id: str, ga_path: str
    ) -> None:
        self.retired_id = retired_id
        self.ga_endpoint_id = ga_endpoint_id
        message = (
            f"OpenAI has retired the beta endpoint POST /v1{retired_path} ({retired_id}). "
            f"Use the GA endpoint {ga_endpoint_id!r} (POST /v1{ga_path}) instead; "
            "it takes the same settings under their GA names."
        )
        super().__init__(ErrorDetails(**{**details.__dict__, "message": message}))
        self.server_message = details.message  # cleaned by ErrorDetails


class NetworkError(MintError, NoAnswerError):
    """No answer came back. `reason` is one of refused, dns, tls, proxy, timeout, connection."""

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class ResponseError(MintError, NoAnswerError):
    """An answer came back that is not a usable token."""

    def __init__(self, message: str, *, status: int, request_id: str | None = None) -> None:
        self.status = status
        self.request_id = shown(request_id, limit=_FIELD_LIMIT) if request_id is not None else None
        super().__init__(message)


def error_facts(error: MintError) -> list[tuple[str, str]]:
    """What a failed mint tells besides its sentence, as (label, value) pairs in reading order: the API's type, code,
    param, request id and when to retry, or the request id of an unusable answer. The CLI prints one a line
    ("  code: …"), the window joins them on one ("code … · request id …"); both after the HTTP status."""
    if isinstance(error, ApiError):
        d = error.details
        retry = f"{d.retry_after:g} s" if d.retry_after is not None else None
        pairs = [
            ("type", d.type),
            ("code", d.code),
            ("param", d.param),
            ("request id", d.request_id),
            ("retry after", retry),
        ]
    else:
        pairs = [("request id", error.request_id if isinstance(error, ResponseError) else None)]
    return [(label, value) for label, value in pairs if value]
