"""Why a mint failed: one small exception tree, each with a `str()` that is a sentence for people.

Qt-free and httpx2-free, so the window can tell errors apart without importing the HTTP stack at start-up.
None of these ever contains the API key or a control character: every message and every field a server filled in
is cleaned (shown.py) when the error is made, so no caller that prints or shows one can forget to.

    MintError                      anything that stopped a mint
     ├── ConfigError               unusable connection settings (base URL, auth style, key); nothing was sent
     │    └── MissingKeyError      no API key for the profile
     ├── ApiError                  the API answered with an error: status, message, type, param, code, request id
     │    └── RetiredEndpointError a retired beta endpoint answered `beta_api_shape_disabled`
     ├── NetworkError              no answer: refused, DNS, TLS, timeout, connection lost
     └── ResponseError             an answer we cannot use: HTML or empty body, truncated JSON, no token
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from realtime_gui.api.catalog import Endpoint
from realtime_gui.shown import DEFAULT_LIMIT, shown

RETIRED_CODE = "beta_api_shape_disabled"
_FIELD_LIMIT = 200  # type, code, param, request id: short names, never paragraphs


class MintError(Exception):
    """Anything that stopped a mint; str() is a sentence for people, then the `hint` when one was added."""

    hint = ""  # what probably caused it, from what the caller knows (the base URL): a sentence, or empty

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))

    def __str__(self) -> str:
        said = super().__str__()
        if not self.hint:
            return said
        return f"{said}{'' if said.endswith(('.', '!', '?')) else '.'} {self.hint}"


class ConfigError(MintError):
    """The connection settings cannot be used; nothing was sent."""


class MissingKeyError(ConfigError):
    """No API key for the profile (none in this run, OPENAI_API_KEY or the keyring); nothing was sent."""


@dataclass(frozen=True)
class ErrorDetails:
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


class ApiError(MintError):
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
    """A retired beta endpoint refused the request; `ga_endpoint` takes the same settings."""

    def __init__(self, details: ErrorDetails, *, retired: Endpoint, ga_endpoint: Endpoint) -> None:
        self.retired = retired
        self.ga_endpoint = ga_endpoint
        message = (
            f"OpenAI has retired the beta endpoint POST /v1{retired.path} ({retired.id}). "
            f"Use the GA endpoint {ga_endpoint.id!r} (POST /v1{ga_endpoint.path}) instead; "
            "it takes the same settings under their GA names."
        )
        super().__init__(ErrorDetails(**{**details.__dict__, "message": message}))
        self.server_message = details.message  # cleaned by ErrorDetails


class NetworkError(MintError):
    """No answer came back. `reason` is one of refused, dns, tls, proxy, timeout, connection."""

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class ResponseError(MintError):
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
        pairs = [("request id", getattr(error, "request_id", None))]
    return [(label, value) for label, value in pairs if value]
