"""What each Realtime token endpoint accepts: one table of parameters for the form, the CLI and validation.

Qt-free data. Each `Parameter` is one row: its JSON path in the request body (as the API reference spells it),
its kind, allowed values, the API's default, a help line in our words, and the form section it belongs to.
Adding a parameter is adding a row; request building (`request.py`) and the window read nothing else.

Objects the API lets you switch off with `null`, or replace by a keyword (tracing `"auto"`, truncation
`"disabled"`), are `GROUP` rows: their own value is unset (omitted), `None` (null), one of their `literals`, or
`{}` meaning "an object built from my member rows". Plain intermediate objects (`session.audio.input`) have no row:
they appear when a member is set.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from realtime_gui.api import checks
from realtime_gui.api.checks import JsonCheck
from realtime_gui.api.endpoint_sockets import DEFAULT_ENDPOINT as DEFAULT_ENDPOINT  # its home; said here too
from realtime_gui.jsontext import JsonScalar, JsonValue


class Kind(enum.StrEnum):
    STRING = "string"  # one line of free text
    TEXT = "text"  # free text that may span lines
    CHOICE = "choice"  # one of `choices`; with `open`, any other string too
    NUMBER = "number"  # a number within [minimum, maximum]
    INTEGER = "integer"  # a whole number within [minimum, maximum], or one of `choices` when given
    BOOL = "bool"
    STRING_LIST = "string_list"  # a list of free strings
    MULTI_CHOICE = "multi_choice"  # a list drawn from `choices`
    JSON = "json"  # a JSON value, checked structurally by its `check`
    GROUP = "group"  # an object of the rows below its path; off-able when `nullable`


class Unset(enum.Enum):
    """Marks "the API documents no default" (distinct from a default of null)."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


@dataclass(frozen=True)
class Condition:
    """A row applies only while the row at `path` holds one of `values` (its default when unset)."""

    path: str
    values: tuple[JsonScalar, ...]
    negate: bool = False

    def holds(self, value: JsonValue) -> bool:
        return (value in self.values) != self.negate


# Each dataclass has a docstring: without one, @dataclass writes one from inspect.signature, ~0.1-0.2 ms each at
# import (0.9 ms of the window's start-up in all).
@dataclass(frozen=True, kw_only=True)
class Parameter:
    """One row of an endpoint's table: a value the request body may carry, and how the form shows it."""

    path: str
    kind: Kind
    label: str
    help: str
    section: str
    choices: tuple[JsonScalar, ...] = ()
    open: bool = False  # CHOICE: strings beyond `choices` are accepted (new models, gateways)
    custom_key: str | None = None  # CHOICE: `{custom_key: s}` is accepted too (custom voices) ...
    custom_prefix: str = ""  # ... and a free string starting with this is sent in that form
    literals: tuple[str, ...] = ()  # keywords accepted in place of the value ("inf", "auto")
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    default: JsonValue | Unset = UNSET  # what the API uses when the parameter is omitted
    required: bool = False  # must be present whenever its enclosing object is sent
    nullable: bool = False  # null is a meaningful value (for a GROUP: "off")
    when: Condition | None = None
    pattern: str | None = None  # STRING: a regular expression the whole value must match
    pattern_hint: str = ""  # says in words what `pattern` allows
    min_items: int = 0
    max_items: int | None = None
    check: JsonCheck = checks.ANY  # JSON: its structural check (checks.py), with its wording and an example
    choice_words: tuple[tuple[str, str], ...] = ()  # MULTI_CHOICE: words shown for choices spelled for machines
    # Beta rows: the GA path of the same setting (members of a group or object carry their own), and how the value is
    # spelled there when it differs. None on a beta row: the GA API has no such setting.
    ga_path: str | None = None
    to_ga: Callable[[JsonValue], JsonValue] | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def fixed(self) -> bool:
        """A required row with a single allowed value: the builder fills it in (e.g. `session.type`)."""
        return self.required and len(self.choices) == 1 and not self.open and not self.literals

    # The one place that knows a custom value's wire form: the custom voice `voice_x` is sent as {"id": "voice_x"}.

    def custom_value(self, text: str) -> dict[str, JsonValue] | None:
        """`text` as the API takes a custom value (`voice_x` -> {"id": "voice_x"}); None when it is not one."""
        if self.custom_key and self.custom_prefix and text.startswith(self.custom_prefix):
            return {self.custom_key: text}
        return None

    def custom_text(self, value: object) -> str | None:
        """The text of a custom value in its wire form ({"id": "voice_x"} -> voice_x); None when it is not one."""
        if not (self.custom_key and self.custom_prefix and isinstance(value, dict) and set(value) == {self.custom_key}):
            return None
        text = value[self.custom_key]
        return text if isinstance(text, str) and text.startswith(self.custom_prefix) else None


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """A token endpoint: where it is, what its answer looks like, and the rows of its request body."""

    id: str
    title: str
    path: str  # appended to the base URL
    token_in_client_secret: bool  # beta answers carry the token at client_secret.value
    retired: bool = False
    ga_equivalent: str | None = None
    summary: str = ""
    parameters: tuple[Parameter, ...] = field(default=())
    # The Realtime WebSocket a token from here opens is in endpoint_sockets.py (verify loads that alone).
    webrtc: bool = True  # its sessions can also be opened over WebRTC
    whisper_detects_turns: bool = False  # with WHISPER_STREAMING, turn detection must be off (null)

    @cached_property
    def by_path(self) -> dict[str, Parameter]:
        return {p.path: p for p in self.parameters}

    @cached_property
    def sections(self) -> tuple[str, ...]:
        """The sections holding a row a person sets (one of fixed rows only is no section to show), in the order
        of SECTIONS, whatever the order of the rows."""
        used = {p.section for p in self.parameters if not p.fixed}
        return tuple(section for section in SECTIONS if section in used)

    def parameter(self, path: str) -> Parameter | None:
        return self.by_path.get(path)

    @cached_property
    def _groups(self) -> dict[str, Parameter | None]:
        # The form asks for every row's group at each refresh (at every key typed): looked up once per endpoint.
        return {p.path: self._find_group(p.path) for p in self.parameters}

    def enclosing_group(self, path: str) -> Parameter | None:
        """The nearest GROUP row whose object holds `path`, if any."""
        return self._groups[path] if path in self._groups else self._find_group(path)

    def _find_group(self, path: str) -> Parameter | None:
        head = path
        while "." in head:
            head = head.rsplit(".", 1)[0]
            row = self.by_path.get(head)
            if row is not None and row.kind is Kind.GROUP:
                return row
        return None

    @cached_property
    def deciding_paths(self) -> tuple[str, ...]:
        """The rows whose values decide whether other rows apply: the groups and the rows conditions name (what
        structure.applies reads)."""
        groups = (g.path for p in self.parameters if (g := self.enclosing_group(p.path)) is not None)
        named = (p.when.path for p in self.parameters if p.when is not None)
        return tuple(dict.fromkeys((*groups, *named)))

    def members(self, group_path: str) -> tuple[Parameter, ...]:
        """Rows whose nearest enclosing group is `group_path`."""
        return tuple(
            p for p in self.parameters if (g := self.enclosing_group(p.path)) is not None and g.path == group_path
        )


# -- Shared value lists -------------------------------------------------------------------------------

# Every list keeps a name before the longer names it begins (gpt-realtime-2 before gpt-realtime-2.1): the window's
# model box completes what is typed with the first match.
REALTIME_MODELS = (
    "gpt-realtime",
    "gpt-realtime-2",
    "gpt-realtime-2.1",
    "gpt-realtime-2.1-mini",
    "gpt-realtime-1.5",
    "gpt-realtime-mini",
    "gpt-realtime-2025-08-28",
    "gpt-realtime-mini-2025-10-06",
    "gpt-realtime-mini-2025-12-15",
    "gpt-audio-1.5",
    "gpt-audio-mini",
    "gpt-audio-mini-2025-10-06",
    "gpt-audio-mini-2025-12-15",
    "gpt-4o-realtime-preview",
    "gpt-4o-realtime-preview-2025-06-03",
    "gpt-4o-realtime-preview-2024-12-17",
    "gpt-4o-realtime-preview-2024-10-01",
    "gpt-4o-mini-realtime-preview",
    "gpt-4o-mini-realtime-preview-2024-12-17",
)
BETA_REALTIME_MODELS = (
    "gpt-4o-realtime-preview",
    "gpt-4o-realtime-preview-2025-06-03",
    "gpt-4o-realtime-preview-2024-12-17",
    "gpt-4o-realtime-preview-2024-10-01",
    "gpt-4o-mini-realtime-preview",
    "gpt-4o-mini-realtime-preview-2024-12-17",
    "gpt-realtime",
    "gpt-realtime-2025-08-28",
)
TRANSCRIPTION_MODELS = (
    "gpt-live-transcribe",
    "gpt-transcribe",
    "gpt-realtime-whisper",
    "gpt-4o-transcribe",
    "gpt-4o-mini-transcribe",
    "gpt-4o-mini-transcribe-2025-12-15",
    "gpt-4o-transcribe-diarize",
    "whisper-1",
)
BETA_TRANSCRIPTION_MODELS = ("gpt-4o-transcribe", "gpt-4o-mini-transcribe", "whisper-1")
TRANSLATION_MODELS = ("gpt-realtime-translate",)
# fable, onyx and nova are text-to-speech voices: the Realtime API rejects them.
VOICES = ("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar")
AUDIO_FORMATS = ("audio/pcm", "audio/pcmu", "audio/pcma")
BETA_AUDIO_FORMATS = ("pcm16", "g711_ulaw", "g711_alaw")
EFFORTS = ("minimal", "low", "medium", "high", "xhigh")
LOGPROBS = "item.input_audio_transcription.logprobs"
WHISPER_STREAMING = "gpt-realtime-whisper"


@dataclass(frozen=True)
class Deprecation:
    """OpenAI has announced that a model stops working on `shutdown`. `replacement` is the model to move to, when
    one is known; `suggested` marks one OpenAI names nowhere (our pick from our own lists, labelled as such), `aside`
    is a few words more on it."""

    shutdown: date
    replacement: str | None = None
    suggested: bool = False
    aside: str = ""


@dataclass(frozen=True)
class ParameterDeprecation:
    """OpenAI has announced that a parameter stops working on `shutdown`: `what` names it for people ("saved
    prompts"), `instead` says what to do, `url` is where OpenAI explains it."""

    shutdown: date
    what: str
    instead: str
    url: str


DEPRECATIONS_URL = "https://developers.openai.com/api/docs/deprecations"
# Shutdown dates: the model docs of the official SDK (`openai` 3.63.0, realtime_session_create_request_param.py and
# audio_transcription_param.py), which point to DEPRECATIONS_URL. OpenAI's docs name gpt-live-transcribe (and
# gpt-transcribe for audio files) as the transcription models' successor; no OpenAI page names a successor for the
# realtime models, so gpt-realtime-2.1 and gpt-realtime-2.1-mini are shown as our suggestion, not OpenAI's.
_REALTIME_SHUTDOWN = date(2027, 1, 20)
_TRANSCRIBE_SHUTDOWN = date(2027, 2, 26)
_REALTIME_NEXT = Deprecation(_REALTIME_SHUTDOWN, "gpt-realtime-2.1", suggested=True)
_REALTIME_MINI_NEXT = Deprecation(_REALTIME_SHUTDOWN, "gpt-realtime-2.1-mini", suggested=True)
_TRANSCRIBE_NEXT = Deprecation(_TRANSCRIBE_SHUTDOWN, "gpt-live-transcribe", aside="gpt-transcribe for audio files")
DEPRECATIONS: dict[str, Deprecation] = {
    "gpt-realtime": _REALTIME_NEXT,
    "gpt-realtime-2025-08-28": _REALTIME_NEXT,
    "gpt-realtime-mini": _REALTIME_MINI_NEXT,
    "gpt-realtime-mini-2025-12-15": _REALTIME_MINI_NEXT,
    "gpt-audio-mini": Deprecation(_REALTIME_SHUTDOWN),
    "gpt-audio-mini-2025-12-15": Deprecation(_REALTIME_SHUTDOWN),
    "whisper-1": _TRANSCRIBE_NEXT,
    "gpt-4o-transcribe": _TRANSCRIBE_NEXT,
    "gpt-4o-mini-transcribe": _TRANSCRIBE_NEXT,
    "gpt-4o-mini-transcribe-2025-12-15": _TRANSCRIBE_NEXT,
    "gpt-4o-transcribe-diarize": _TRANSCRIBE_NEXT,
}
# Parameters, by key path: the SDK's 3.63.0 docstring of `session.prompt` ("OpenAI scheduled the shutdown of saved
# prompts for November 30, 2026"), linking the migration guide.
PARAMETER_DEPRECATIONS: dict[str, ParameterDeprecation] = {
    "session.prompt": ParameterDeprecation(
        date(2026, 11, 30),
        what="saved prompts",
        instead="put the prompt's text in session.instructions instead",
        url="https://developers.openai.com/api/docs/guides/prompting/migrate-from-prompt-object",
    ),
}

ISO_639_1 = r"[a-z]{2}"
ISO_639_1_HINT = "a two-letter ISO-639-1 code such as en, de or ja"

# Form sections, in the order the window shows them.
MODEL = "Model & voice"
INPUT = "Input audio"
TURNS = "Turn detection"
TRANSCRIBE = "Transcription"
TOOLS = "Tools"
OUTPUT = "Output"
TRACING = "Tracing"
PROMPT = "Prompt"
LIFETIME = "Token lifetime"
SECTIONS = (MODEL, INPUT, TURNS, TRANSCRIBE, TOOLS, OUTPUT, TRACING, PROMPT, LIFETIME)  # one order, every endpoint


# -- Row builders for blocks several endpoints share ---------------------------------------------------


def _lifetime(prefix: str, *, default: int, anchor_required: bool = False) -> tuple[Parameter, ...]:
    # A required anchor has one possible value, so the request builder sends it whenever the lifetime is sent.
    return (
        Parameter(
            path=f"{prefix}.anchor",
            kind=Kind.CHOICE,
            label="Anchor",
            help="What the lifetime counts from; the API knows only the creation time.",
            section=LIFETIME,
            choices=("created_at",),
            default="created_at",
            required=anchor_required,
        ),
        Parameter(
            path=f"{prefix}.seconds",
            kind=Kind.INTEGER,
            label="Lifetime",
            help="How long the token can be used to start a session (a running session is not cut).",
            section=LIFETIME,
            minimum=10,
            maximum=7200,
            unit="s",
            default=default,
        ),
    )


def _audio_format(prefix: str, *, direction: str, section: str) -> tuple[Parameter, ...]:
    return (
        Parameter(
            path=f"{prefix}.type",
            kind=Kind.CHOICE,
            label=f"{direction} format",
            help=f"{direction} audio encoding: 24 kHz 16-bit PCM, or 8 kHz G.711 mu-law / A-law.",
            section=section,
            choices=AUDIO_FORMATS,
            default="audio/pcm",
        ),
        Parameter(
            path=f"{prefix}.rate",
            kind=Kind.INTEGER,
            label=f"{direction} sample rate",
            help="Samples per second of PCM audio; 24000 is the only rate the API takes.",
            section=section,
            choices=(24000,),
            unit="Hz",
            default=24000,
            when=Condition(f"{prefix}.type", ("audio/pcm",)),
        ),
    )


def _noise_reduction(prefix: str, *, section: str, type_required: bool, strength: bool) -> tuple[Parameter, ...]:
    rows = (
        Parameter(
            path=prefix,
            kind=Kind.GROUP,
            label="Noise reduction",
            help="Filter the microphone audio before voice detection and the model; off (null) disables it.",
            section=section,
            nullable=True,
            default=None,
        ),
        Parameter(
            path=f"{prefix}.type",
            kind=Kind.CHOICE,
            label="Microphone",
            help="near_field for headsets and close microphones, far_field for laptops and rooms.",
            section=section,
            choices=("near_field", "far_field"),
            required=type_required,
        ),
    )
    if not strength:  # the beta endpoints predate it
        return rows
    return (
        *rows,
        Parameter(
            path=f"{prefix}.strength",
            kind=Kind.NUMBER,
            label="Strength",
            help="How much noise to suppress; higher suppresses more.",
            section=section,
            minimum=0.0,  # the API states no range; a negative suppression means nothing
            default=1.0,  # "defaults to 1 when noise reduction is first enabled"
        ),
    )


def _turn_detection(
    prefix: str, *, types: tuple[str, ...], responses: bool, idle_timeout: bool
) -> tuple[Parameter, ...]:
    kind_path = f"{prefix}.type"
    server = Condition(kind_path, ("server_vad",))
    rows = [
        Parameter(
            path=prefix,
            kind=Kind.GROUP,
            label="Turn detection",
            help="Detect when the speaker has finished; off (null) means the client ends each turn itself.",
            section=TURNS,
            nullable=True,
        ),
        Parameter(
            path=kind_path,
            kind=Kind.CHOICE,
            label="Detector",
            help="server_vad listens for silence; semantic_vad judges from the words whether the turn is over.",
            section=TURNS,
            choices=types,
            default="server_vad",
            required=True,
        ),
        Parameter(
            path=f"{prefix}.threshold",
            kind=Kind.NUMBER,
            label="Threshold",
            help="Loudness needed to count as speech; raise it in noisy places.",
            section=TURNS,
            minimum=0.0,
            maximum=1.0,
            default=0.5,
            when=server,
        ),
        Parameter(
            path=f"{prefix}.prefix_padding_ms",
            kind=Kind.INTEGER,
            label="Prefix padding",
            help="Audio kept from before speech was detected.",
            section=TURNS,
            minimum=0,
            unit="ms",
            default=300,
            when=server,
        ),
        Parameter(
            path=f"{prefix}.silence_duration_ms",
            kind=Kind.INTEGER,
            label="Silence duration",
            help="Silence that ends a turn; shorter answers faster but may cut the speaker off.",
            section=TURNS,
            minimum=0,
            unit="ms",
            default=500,
            when=server,
        ),
    ]
    if idle_timeout:
        rows.append(
            Parameter(
                path=f"{prefix}.idle_timeout_ms",
                kind=Kind.INTEGER,
                label="Idle timeout",
                help="After this much silence the model is prompted to speak; null disables it.",
                section=TURNS,
                minimum=5000,
                maximum=30000,
                unit="ms",
                nullable=True,
                when=server,
            )
        )
    if "semantic_vad" in types:
        rows.append(
            Parameter(
                path=f"{prefix}.eagerness",
                kind=Kind.CHOICE,
                label="Eagerness",
                help="How soon semantic detection ends a turn; auto is medium.",
                section=TURNS,
                choices=("low", "medium", "high", "auto"),
                default="auto",
                when=Condition(kind_path, ("semantic_vad",)),
            )
        )
    if responses:
        rows += [
            Parameter(
                path=f"{prefix}.create_response",
                kind=Kind.BOOL,
                label="Respond at end of turn",
                help="Start a model response automatically when a turn ends.",
                section=TURNS,
                default=True,
            ),
            Parameter(
                path=f"{prefix}.interrupt_response",
                kind=Kind.BOOL,
                label="Let speech interrupt",
                help="Stop the model's response when the user starts speaking.",
                section=TURNS,
                default=True,
            ),
        ]
    return tuple(rows)


def _ga_transcription(prefix: str) -> tuple[Parameter, ...]:
    model = f"{prefix}.model"
    return (
        Parameter(
            path=prefix,
            kind=Kind.GROUP,
            label="Transcription",
            help="Transcribe what the user says, alongside the conversation; off (null) disables it.",
            section=TRANSCRIBE,
            nullable=True,
        ),
        Parameter(
            path=model,
            kind=Kind.CHOICE,
            label="Transcription model",
            help="The speech-to-text model; gpt-realtime-whisper streams words as they are spoken.",
            section=TRANSCRIBE,
            choices=TRANSCRIPTION_MODELS,
            open=True,
        ),
        Parameter(
            path=f"{prefix}.language",
            kind=Kind.STRING,
            label="Language",
            help="The language spoken, if known; it improves accuracy and speed.",
            section=TRANSCRIBE,
            pattern=ISO_639_1,
            pattern_hint=ISO_639_1_HINT,
        ),
        Parameter(
            path=f"{prefix}.languages",
            kind=Kind.STRING_LIST,
            label="Languages",
            help="Several languages that may be spoken, as ISO-639-1 codes.",
            section=TRANSCRIBE,
            min_items=1,
            pattern=ISO_639_1,
            pattern_hint=ISO_639_1_HINT,
        ),
        Parameter(
            path=f"{prefix}.keywords",
            kind=Kind.STRING_LIST,
            label="Keywords",
            help="Names and terms the transcriber should expect to hear.",
            section=TRANSCRIBE,
        ),
        Parameter(
            path=f"{prefix}.prompt",
            kind=Kind.TEXT,
            label="Prompt",
            help="Text that guides the transcriber (whisper-1: keywords; gpt-4o models: free text).",
            section=TRANSCRIBE,
            when=Condition(model, (WHISPER_STREAMING,), negate=True),
        ),
        Parameter(
            path=f"{prefix}.delay",
            kind=Kind.CHOICE,
            label="Delay",
            help="How long gpt-realtime-whisper waits for context before committing words.",
            section=TRANSCRIBE,
            choices=EFFORTS,
            when=Condition(model, (WHISPER_STREAMING,)),
        ),
    )


def _tracing(prefix: str) -> tuple[Parameter, ...]:
    return (
        Parameter(
            path=prefix,
            kind=Kind.GROUP,
            label="Tracing",
            help="Write session traces to the Traces dashboard: auto, named fields, or off (null).",
            section=TRACING,
            nullable=True,
            literals=("auto",),
            default=None,
        ),
        Parameter(
            path=f"{prefix}.workflow_name",
            kind=Kind.STRING,
            label="Workflow name",
            help="The name the trace is filed under.",
            section=TRACING,
        ),
        Parameter(
            path=f"{prefix}.group_id",
            kind=Kind.STRING,
            label="Group id",
            help="Groups related traces together.",
            section=TRACING,
        ),
        Parameter(
            path=f"{prefix}.metadata",
            kind=Kind.JSON,
            label="Metadata",
            help="A JSON object of extra fields to attach to the trace.",
            section=TRACING,
            check=checks.OBJECT,
        ),
    )


def _voice(path: str, *, custom: bool) -> Parameter:
    # Custom voices ({"id": "voice_…"}) came with the GA API; the beta endpoints take names only.
    return Parameter(
        path=path,
        kind=Kind.CHOICE,
        label="Voice",
        help="The voice the model speaks with" + ("; a custom voice is given by its id (voice_…)." if custom else "."),
        section=MODEL,
        choices=VOICES,
        open=True,
        custom_key="id" if custom else None,
        custom_prefix="voice_" if custom else "",
        default="alloy",
    )


def _speed(path: str) -> Parameter:
    return Parameter(
        path=path,
        kind=Kind.NUMBER,
        label="Speed",
        help="How fast the model speaks, from a quarter speed to one and a half.",
        section=MODEL,
        minimum=0.25,
        maximum=1.5,
        unit="x",
        default=1.0,
    )


def _token_limit(path: str) -> Parameter:
    return Parameter(
        path=path,
        kind=Kind.INTEGER,
        label="Max output tokens",
        help="Cap on tokens in one response, tool calls included; inf means the model's maximum.",
        section=OUTPUT,
        minimum=1,
        maximum=4096,
        literals=("inf",),
        default="inf",
    )


def _instructions(path: str) -> Parameter:
    return Parameter(
        path=path,
        kind=Kind.TEXT,
        label="Instructions",
        help="The system message: how the model should behave and sound.",
        section=MODEL,
    )


def _session_type(value: str) -> Parameter:
    return Parameter(
        path="session.type",
        kind=Kind.CHOICE,
        label="Session type",
        help="Set by the endpoint.",
        section=MODEL,
        choices=(value,),
        required=True,
    )


def _include(path: str) -> Parameter:
    return Parameter(
        path=path,
        kind=Kind.MULTI_CHOICE,
        label="Include",
        help="Extra data in server events: log probabilities of the input transcription.",
        section=TRANSCRIBE,
        choices=(LOGPROBS,),
        choice_words=((LOGPROBS, "log probabilities of the transcription"),),
    )


def _beta_format(path: str, *, direction: str, section: str, ga_path: str) -> Parameter:
    return Parameter(
        path=path,
        kind=Kind.CHOICE,
        label=f"{direction} format",
        help="pcm16 is 24 kHz 16-bit mono PCM; g711 formats are 8 kHz telephone audio.",
        section=section,
        choices=BETA_AUDIO_FORMATS,
        default="pcm16",
        ga_path=ga_path,
        to_ga=_ga_audio_format,
    )


def _beta_transcription(prefix: str, *, open_models: bool) -> tuple[Parameter, ...]:
    return (
        Parameter(
            path=f"{prefix}.model",
            kind=Kind.CHOICE,
            label="Transcription model",
            help="The speech-to-text model.",
            section=TRANSCRIBE,
            choices=BETA_TRANSCRIPTION_MODELS,
            open=open_models,
        ),
        Parameter(
            path=f"{prefix}.language",
            kind=Kind.STRING,
            label="Language",
            help="The language spoken, if known.",
            section=TRANSCRIBE,
            pattern=ISO_639_1,
            pattern_hint=ISO_639_1_HINT,
        ),
        Parameter(
            path=f"{prefix}.prompt",
            kind=Kind.TEXT,
            label="Prompt",
            help="Text that guides the transcriber.",
            section=TRANSCRIBE,
        ),
    )


# -- Beta rows on the GA API -----------------------------------------------------------------------------

_GA_AUDIO_FORMATS: dict[str, dict[str, JsonValue]] = {
    "pcm16": {"type": "audio/pcm", "rate": 24000},
    "g711_ulaw": {"type": "audio/pcmu"},
    "g711_alaw": {"type": "audio/pcma"},
}


def _ga_audio_format(value: JsonValue) -> JsonValue:
    known = _GA_AUDIO_FORMATS.get(value) if isinstance(value, str) else None
    return dict(known) if known is not None else value


def _ga_modalities(value: JsonValue) -> JsonValue:
    # GA answers in one modality: audio (with its transcript) whenever audio was allowed.
    if isinstance(value, list):
        return ["audio"] if "audio" in value else ["text"]
    return value


def _ga_tool_choice(value: JsonValue) -> JsonValue:
    # Beta names a function by its name alone; GA wants the object form.
    if isinstance(value, str) and value not in ("auto", "none", "required"):
        return {"type": "function", "name": value}
    return value


def _ga(row: Parameter, ga_path: str, to_ga: Callable[[JsonValue], JsonValue] | None = None) -> Parameter:
    return replace(row, ga_path=ga_path, to_ga=to_ga)


def _ga_under(ga_prefix: str, beta_prefix: str, rows: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    """`rows`, all under `beta_prefix`, with their GA paths: the same names under `ga_prefix`."""
    return tuple(replace(row, ga_path=ga_prefix + row.path.removeprefix(beta_prefix)) for row in rows)


# -- The endpoints ---------------------------------------------------------------------------------------

_S = "session"
_IN = "session.audio.input"
_OUT = "session.audio.output"

_REALTIME = Endpoint(
    id="realtime",
    title="Realtime (speech-to-speech)",
    path="/realtime/client_secrets",
    token_in_client_secret=False,
    summary="A token for a voice conversation with a realtime model (GA).",
    parameters=(
        _session_type("realtime"),
        Parameter(
            path=f"{_S}.model",
            kind=Kind.CHOICE,
            label="Model",
            help="The realtime model that will talk with the user.",
            section=MODEL,
            choices=REALTIME_MODELS,
            open=True,
            default="gpt-realtime",
        ),
        _instructions(f"{_S}.instructions"),
        Parameter(
            path=f"{_S}.output_modalities",
            kind=Kind.MULTI_CHOICE,
            label="Output",
            help="Answer with audio (plus its transcript) or with text only; not both.",
            section=MODEL,
            choices=("audio", "text"),
            min_items=1,
            max_items=1,
            default=["audio"],
        ),
        _voice(f"{_OUT}.voice", custom=True),
        _speed(f"{_OUT}.speed"),
        *_audio_format(f"{_IN}.format", direction="Input", section=INPUT),
        *_noise_reduction(f"{_IN}.noise_reduction", section=INPUT, type_required=False, strength=True),
        *_turn_detection(
            f"{_IN}.turn_detection",
            types=("server_vad", "semantic_vad"),
            responses=True,
            idle_timeout=True,
        ),
        *_ga_transcription(f"{_IN}.transcription"),
        _include(f"{_S}.include"),
        Parameter(
            path=f"{_S}.tools",
            kind=Kind.JSON,
            label="Tools",
            help="A JSON array of function tools {type, name, description, parameters} and MCP tools.",
            section=TOOLS,
            check=checks.TOOLS,
        ),
        Parameter(
            path=f"{_S}.tool_choice",
            kind=Kind.JSON,
            label="Tool choice",
            help='auto, none, required, {"type": "function", "name": …} or {"type": "mcp", …}.',
            section=TOOLS,
            literals=("auto", "none", "required"),
            check=checks.TOOL_CHOICE,
            default="auto",
        ),
        Parameter(
            path=f"{_S}.parallel_tool_calls",
            kind=Kind.BOOL,
            label="Parallel tool calls",
            help="Let the model call several tools at once.",
            section=TOOLS,
        ),
        *_audio_format(f"{_OUT}.format", direction="Output", section=OUTPUT),
        _token_limit(f"{_S}.max_output_tokens"),
        Parameter(
            path=f"{_S}.reasoning.effort",
            kind=Kind.CHOICE,
            label="Reasoning effort",
            help="How much a reasoning model thinks before answering; more is slower.",
            section=OUTPUT,
            choices=EFFORTS,
            default="low",
        ),
        Parameter(
            path=f"{_S}.truncation",
            kind=Kind.GROUP,
            label="Truncation",
            help="What happens when the conversation outgrows the context: auto, disabled, or a ratio.",
            section=OUTPUT,
            literals=("auto", "disabled"),
            default="auto",
        ),
        Parameter(
            path=f"{_S}.truncation.type",
            kind=Kind.CHOICE,
            label="Strategy",
            help="Set by the ratio form of truncation.",
            section=OUTPUT,
            choices=("retention_ratio",),
            required=True,
        ),
        Parameter(
            path=f"{_S}.truncation.retention_ratio",
            kind=Kind.NUMBER,
            label="Retention ratio",
            help="Share of the conversation kept when it is cut (0 to 1).",
            section=OUTPUT,
            minimum=0.0,
            maximum=1.0,
            required=True,
        ),
        Parameter(
            path=f"{_S}.truncation.token_limits.post_instructions",
            kind=Kind.INTEGER,
            label="Token limit after instructions",
            help="Cut when the conversation after the instructions exceeds this many tokens.",
            section=OUTPUT,
            minimum=0,
        ),
        *_tracing(f"{_S}.tracing"),
        Parameter(
            path=f"{_S}.prompt",
            kind=Kind.GROUP,
            label="Reusable prompt",
            help="A saved prompt to start from (OpenAI shut saved prompts down on 2026-11-30).",
            section=PROMPT,
            nullable=True,
        ),
        Parameter(
            path=f"{_S}.prompt.id",
            kind=Kind.STRING,
            label="Prompt id",
            help="The stored prompt's id (pmpt_…).",
            section=PROMPT,
            required=True,
        ),
        Parameter(
            path=f"{_S}.prompt.version",
            kind=Kind.STRING,
            label="Version",
            help="Which version of the prompt; empty means the current one.",
            section=PROMPT,
            nullable=True,
        ),
        Parameter(
            path=f"{_S}.prompt.variables",
            kind=Kind.JSON,
            label="Variables",
            help="A JSON object of values substituted into the prompt's variables; null sends none.",
            section=PROMPT,
            nullable=True,
            check=checks.PROMPT_VARIABLES,
        ),
        *_lifetime("expires_after", default=600),
    ),
)

_TRANSCRIPTION = Endpoint(
    id="transcription",
    title="Transcription",
    path="/realtime/client_secrets",
    token_in_client_secret=False,
    summary="A token for live speech-to-text only (GA).",
    whisper_detects_turns=True,
    parameters=(
        _session_type("transcription"),
        *_audio_format(f"{_IN}.format", direction="Input", section=INPUT),
        *_noise_reduction(f"{_IN}.noise_reduction", section=INPUT, type_required=False, strength=True),
        *_turn_detection(
            f"{_IN}.turn_detection",
            types=("server_vad", "semantic_vad"),
            responses=True,
            idle_timeout=True,
        ),
        *_ga_transcription(f"{_IN}.transcription"),
        _include(f"{_S}.include"),
        *_lifetime("expires_after", default=600),
    ),
)

_TRANSLATION = Endpoint(
    id="translation",
    title="Translation",
    path="/realtime/translations/client_secrets",
    token_in_client_secret=False,
    summary="A token for live speech translation into a target language (GA).",
    webrtc=False,
    parameters=(
        Parameter(
            path=f"{_S}.model",
            kind=Kind.CHOICE,
            label="Model",
            help="The translation model.",
            section=MODEL,
            choices=TRANSLATION_MODELS,
            open=True,
            required=True,
        ),
        Parameter(
            path=f"{_OUT}.language",
            kind=Kind.STRING,
            label="Target language",
            help="The language to translate into, as a code such as es, fr or pt-BR.",
            section=MODEL,
        ),
        Parameter(
            path=f"{_IN}.transcription",
            kind=Kind.GROUP,
            label="Transcription",
            help="Also transcribe the source speech; off (null) disables it.",
            section=TRANSCRIBE,
            nullable=True,
        ),
        Parameter(
            path=f"{_IN}.transcription.model",
            kind=Kind.CHOICE,
            label="Transcription model",
            help="The speech-to-text model for the source speech.",
            section=TRANSCRIBE,
            choices=TRANSCRIPTION_MODELS,
            open=True,
            required=True,
        ),
        *_noise_reduction(f"{_IN}.noise_reduction", section=INPUT, type_required=True, strength=True),
        *_lifetime("expires_after", default=600),
    ),
)

_BETA_TD = "turn_detection"
_BETA_TX = "input_audio_transcription"
_BETA_NR = "input_audio_noise_reduction"

_BETA_SESSIONS = Endpoint(
    id="beta-sessions",
    title="Beta sessions (retired)",
    path="/realtime/sessions",
    token_in_client_secret=True,
    retired=True,
    ga_equivalent="realtime",
    summary="The original POST /v1/realtime/sessions; OpenAI retired it in May 2026.",
    parameters=(
        Parameter(
            path="model",
            kind=Kind.CHOICE,
            label="Model",
            help="The realtime model (a deployment name on Azure and gateways).",
            section=MODEL,
            choices=BETA_REALTIME_MODELS,
            open=True,
            ga_path=f"{_S}.model",
        ),
        _ga(_instructions("instructions"), f"{_S}.instructions"),
        Parameter(
            path="modalities",
            kind=Kind.MULTI_CHOICE,
            label="Modalities",
            help='What the model may answer with; ["text"] turns audio off.',
            section=MODEL,
            choices=("text", "audio"),
            min_items=1,
            default=["text", "audio"],
            ga_path=f"{_S}.output_modalities",
            to_ga=_ga_modalities,
        ),
        _ga(_voice("voice", custom=False), f"{_OUT}.voice"),
        _ga(_speed("speed"), f"{_OUT}.speed"),
        Parameter(  # no GA equivalent
            path="temperature",
            kind=Kind.NUMBER,
            label="Temperature",
            help="Sampling temperature; 0.8 is recommended for audio.",
            section=MODEL,
            minimum=0.6,
            maximum=1.2,
            default=0.8,
        ),
        _beta_format("input_audio_format", direction="Input", section=INPUT, ga_path=f"{_IN}.format"),
        *_ga_under(
            f"{_IN}.noise_reduction",
            _BETA_NR,
            _noise_reduction(_BETA_NR, section=INPUT, type_required=False, strength=False),
        ),
        *_ga_under(
            f"{_IN}.turn_detection",
            _BETA_TD,
            _turn_detection(_BETA_TD, types=("server_vad", "semantic_vad"), responses=True, idle_timeout=False),
        ),
        *_ga_under(
            f"{_IN}.transcription",
            _BETA_TX,
            (
                Parameter(
                    path=_BETA_TX,
                    kind=Kind.GROUP,
                    label="Transcription",
                    help="Transcribe what the user says; off (null) disables it.",
                    section=TRANSCRIBE,
                    nullable=True,
                ),
                *_beta_transcription(_BETA_TX, open_models=True),
            ),
        ),
        Parameter(
            path="tools",
            kind=Kind.JSON,
            label="Tools",
            help="A JSON array of function tools {type, name, description, parameters}.",
            section=TOOLS,
            check=checks.FUNCTION_TOOLS,
            ga_path=f"{_S}.tools",
        ),
        Parameter(
            path="tool_choice",
            kind=Kind.CHOICE,
            label="Tool choice",
            help="auto, none, required, or the name of one of your functions.",
            section=TOOLS,
            choices=("auto", "none", "required"),
            open=True,
            default="auto",
            ga_path=f"{_S}.tool_choice",
            to_ga=_ga_tool_choice,
        ),
        _beta_format("output_audio_format", direction="Output", section=OUTPUT, ga_path=f"{_OUT}.format"),
        _ga(_token_limit("max_response_output_tokens"), f"{_S}.max_output_tokens"),
        *_ga_under(f"{_S}.tracing", "tracing", _tracing("tracing")),
        *_ga_under(
            "expires_after",
            "client_secret.expires_after",
            _lifetime("client_secret.expires_after", default=60, anchor_required=True),
        ),
    ),
)

_BETA_TRANSCRIPTION = Endpoint(
    id="beta-transcription",
    title="Beta transcription (retired)",
    path="/realtime/transcription_sessions",
    token_in_client_secret=True,
    retired=True,
    ga_equivalent="transcription",
    summary="The original POST /v1/realtime/transcription_sessions; retired in May 2026.",
    parameters=(
        _beta_format("input_audio_format", direction="Input", section=INPUT, ga_path=f"{_IN}.format"),
        *_ga_under(
            f"{_IN}.noise_reduction",
            _BETA_NR,
            _noise_reduction(_BETA_NR, section=INPUT, type_required=False, strength=False),
        ),
        *_ga_under(
            f"{_IN}.turn_detection",
            _BETA_TD,
            _turn_detection(_BETA_TD, types=("server_vad",), responses=False, idle_timeout=False),
        ),
        *_ga_under(f"{_IN}.transcription", _BETA_TX, _beta_transcription(_BETA_TX, open_models=False)),
        _ga(_include("include"), f"{_S}.include"),
        Parameter(  # no GA equivalent
            path="modalities",
            kind=Kind.MULTI_CHOICE,
            label="Modalities",
            help="The modalities of the session's events.",
            section=MODEL,
            choices=("text", "audio"),
            min_items=1,
        ),
        # Sic: this endpoint names its lifetime `expires_at`, unlike beta sessions' `expires_after`.
        *_ga_under("expires_after", "client_secret.expires_at", _lifetime("client_secret.expires_at", default=600)),
    ),
)

ENDPOINTS: dict[str, Endpoint] = {
    e.id: e for e in (_REALTIME, _TRANSCRIPTION, _TRANSLATION, _BETA_SESSIONS, _BETA_TRANSCRIPTION)
}
ENDPOINT_IDS: tuple[str, ...] = tuple(ENDPOINTS)


def endpoint(endpoint_id: str) -> Endpoint:
    """The endpoint named `endpoint_id`; KeyError names the ones that exist."""
    try:
        return ENDPOINTS[endpoint_id]
    except KeyError:
        raise KeyError(f"unknown endpoint {endpoint_id!r}; choose one of {', '.join(ENDPOINT_IDS)}") from None
