"""OpenAI's own request schemas (vendored in tests/openapi/) as a fake-server check and as test helpers.

The GA and translation requests are judged by the 2026-08-21 cut, the beta ones by the 2025-04-29 cut (the last
whose beta request schema is clean). Two adjustments, both read from the spec itself:
- OpenAPI's "nullable", a default of null, and prose saying a field "can be set to null" all mean null is
  accepted; JSON Schema needs that spelled out, so such nodes become `anyOf: [node, null]`.
- beta `speed` and `tracing` (taken from the 2026 spec) and the beta token lifetimes (docs/api.md) came after
  2025-04 and are added to the beta request schemas.
From the official SDK of 2026-11, newer than both: beta sessions need the lifetime's `anchor` and accept three more
models, and the GA requests take `noise_reduction.strength` (a number).
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from realtime_gui.demo import ErrorReply

HERE = Path(__file__).parent / "openapi"
GA_FILE = "realtime-subset-2026-08-21.json"
BETA_FILE = "realtime-subset-2025-04-29.json"

REQUEST_SCHEMAS = {
    "realtime": (GA_FILE, "RealtimeCreateClientSecretRequest"),
    "transcription": (GA_FILE, "RealtimeCreateClientSecretRequest"),
    "translation": (GA_FILE, "RealtimeTranslationClientSecretCreateRequest"),
    "beta-sessions": (BETA_FILE, "RealtimeSessionCreateRequest"),
    "beta-transcription": (BETA_FILE, "RealtimeTranscriptionSessionCreateRequest"),
}
_SAYS_NULLABLE = re.compile(r"set (?:this )?to `?null`?", re.IGNORECASE)


def _lifetime(name: str, *, anchor_required: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            name: {
                "type": "object",
                "properties": {
                    "anchor": {"type": "string", "enum": ["created_at"]},
                    "seconds": {"type": "integer", "minimum": 10, "maximum": 7200},
                },
                "required": ["anchor"] if anchor_required else [],
            }
        },
    }


# Beta models the SDK of 2026-11 lists beyond the 2025-04 spec.
_BETA_MODELS_SINCE = ["gpt-4o-realtime-preview-2025-06-03", "gpt-realtime", "gpt-realtime-2025-08-28"]
_GA_NOISE_REDUCTION_OWNERS = (
    "RealtimeSessionCreateRequestGA",
    "RealtimeTranscriptionSessionCreateRequestGA",
    "RealtimeTranslationSessionCreateRequest",
)


def _add_noise_strength(schemas: dict[str, Any]) -> None:
    for owner in _GA_NOISE_REDUCTION_OWNERS:
        node = schemas[owner]["properties"]["audio"]["properties"]["input"]["properties"]["noise_reduction"]
        for alternative in node.get("anyOf", [node]):
            if alternative.get("type") == "object":
                alternative.setdefault("properties", {})["strength"] = {"type": "number"}


def _with_nulls(node: Any) -> Any:
    if isinstance(node, list):
        return [_with_nulls(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _with_nulls(v) for k, v in node.items()}
    description = node.get("description")
    says_null = isinstance(description, str) and bool(_SAYS_NULLABLE.search(description))
    if out.pop("nullable", False) or ("default" in node and node["default"] is None) or says_null:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def document(file: str) -> dict[str, Any]:
    doc = json.loads((HERE / file).read_text(encoding="utf-8"))
    if file == BETA_FILE:
        later = json.loads((HERE / GA_FILE).read_text(encoding="utf-8"))
        beta_later = later["components"]["schemas"]["RealtimeSessionCreateRequest"]["properties"]
        schemas = doc["components"]["schemas"]
        sessions = schemas["RealtimeSessionCreateRequest"]["properties"]
        sessions["speed"] = copy.deepcopy(beta_later["speed"])
        sessions["tracing"] = copy.deepcopy(beta_later["tracing"])
        sessions["tracing"]["nullable"] = True
        sessions["model"]["enum"] += _BETA_MODELS_SINCE
        sessions["client_secret"] = _lifetime("expires_after", anchor_required=True)
        schemas["RealtimeTranscriptionSessionCreateRequest"]["properties"]["client_secret"] = _lifetime(
            "expires_at", anchor_required=False
        )
    else:
        _add_noise_strength(doc["components"]["schemas"])
    doc = _with_nulls(doc)
    assert isinstance(doc, dict)
    return doc


@cache
def _registry(file: str) -> Registry:
    return Registry().with_resources([(f"urn:{file}", DRAFT202012.create_resource(document(file)))])


@cache
def validator(endpoint_id: str) -> Draft202012Validator:
    file, name = REQUEST_SCHEMAS[endpoint_id]
    return Draft202012Validator({"$ref": f"urn:{file}#/components/schemas/{name}"}, registry=_registry(file))


def schema_errors(endpoint_id: str, body: Any) -> list[str]:
    """Every way `body` breaks the official request schema, as 'path: message'."""
    return [f"{_path(e.absolute_path)}: {e.message}" for e in validator(endpoint_id).iter_errors(body)]


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"


def _resolve(file: str, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = document(file)["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _alternatives(file: str, node: Any) -> list[dict[str, Any]]:
    node = _resolve(file, node)
    if not isinstance(node, dict):
        return []
    found = [node]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            found += _alternatives(file, sub)
    return found


def _admits_type(file: str, alt: dict[str, Any], given: Any) -> bool:
    """False when `alt` is a variant whose `type` discriminator rules out `given`."""
    declared = alt.get("properties", {}).get("type")
    declared = _resolve(file, declared) if declared is not None else None
    if given is None or not isinstance(declared, dict):
        return True
    allowed = declared.get("enum") or ([declared["const"]] if "const" in declared else None)
    return allowed is None or given in allowed


def unknown_parameters(endpoint_id: str, body: Any) -> list[str]:
    """JSON paths in `body` that the official schema does not declare (what OpenAI calls unknown_parameter)."""
    file, name = REQUEST_SCHEMAS[endpoint_id]
    found: list[str] = []

    def walk(node: Any, value: Any, path: str) -> None:
        alts = _alternatives(file, node)
        if isinstance(value, dict):
            alts = [a for a in alts if _admits_type(file, a, value.get("type"))]
            declared = [a["properties"] for a in alts if isinstance(a.get("properties"), dict)]
            free = any(a.get("additionalProperties") not in (None, False) for a in alts)
            if not declared or free:
                return
            for key, inner in value.items():
                subs = [d[key] for d in declared if key in d]
                where = f"{path}.{key}" if path else key
                if not subs:
                    found.append(where)
                for sub in subs:
                    walk(sub, inner, where)
        elif isinstance(value, list):
            for alt in alts:
                if "items" in alt:
                    for i, item in enumerate(value):
                        walk(alt["items"], item, f"{path}[{i}]")

    walk({"$ref": f"#/components/schemas/{name}"}, body, "")
    return list(dict.fromkeys(found))


def check(endpoint_id: str, body: dict[str, Any]) -> ErrorReply | None:
    """The fake server's plug-in: answer as OpenAI does to an unknown or invalid parameter."""
    unknown = unknown_parameters(endpoint_id, body)
    if unknown:
        return ErrorReply(400, f"Unknown parameter: '{unknown[0]}'.", param=unknown[0], code="unknown_parameter")
    error = best_match(validator(endpoint_id).iter_errors(body))
    if error is not None:
        param = _path(error.absolute_path)
        return ErrorReply(400, f"Invalid '{param}': {error.message}", param=param, code="invalid_value")
    return None
