"""What the fake answers a valid token request with: the effective session (the request merged over the API's
defaults, as the real API echoes it) and a fresh token."""

from __future__ import annotations

import secrets
from typing import Any

from realtime_gui.demo.state import new_id as _id


def _ttl(body: dict[str, Any], *path: str, default: int) -> int:
    node: Any = body
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, int) and not isinstance(node, bool) else default


def token_answer(endpoint_id: str, body: dict[str, Any], *, now: float) -> dict[str, Any]:
    """A realistic success answer: the effective session (defaults filled in) and a fresh token."""
    token = "ek_" + secrets.token_hex(16)
    if endpoint_id == "beta-sessions":
        expires = int(now) + _ttl(body, "client_secret", "expires_after", "seconds", default=60)
        return {
            "id": _id("sess_"),
            "object": "realtime.session",
            "model": "gpt-4o-realtime-preview",
            "modalities": ["text", "audio"],
            "instructions": "",
            "voice": "alloy",
            "input_audio_format": "pcm16",
            "output_audio_format": "pcm16",
            "input_audio_transcription": None,
            "turn_detection": {
                "type": "server_vad",
                "threshold": 0.5,
                "prefix_padding_ms": 300,
                "silence_duration_ms": 200,
            },
            "tools": [],
            "tool_choice": "auto",
            "temperature": 0.8,
            "max_response_output_tokens": "inf",
            "speed": 1.0,
            "tracing": None,
            **{k: v for k, v in body.items() if k != "client_secret"},
            "client_secret": {"value": token, "expires_at": expires},
        }
    if endpoint_id == "beta-transcription":
        expires = int(now) + _ttl(body, "client_secret", "expires_at", "seconds", default=600)
        return {
            "id": _id("sess_"),
            "object": "realtime.transcription_session",
            "modalities": ["text"],
            "input_audio_format": "pcm16",
            "input_audio_transcription": {"model": "gpt-4o-transcribe"},
            "turn_detection": {
                "type": "server_vad",
                "threshold": 0.5,
                "prefix_padding_ms": 300,
                "silence_duration_ms": 200,
            },
            **{k: v for k, v in body.items() if k != "client_secret"},
            "client_secret": {"value": token, "expires_at": expires},
        }
    expires = int(now) + _ttl(body, "expires_after", "seconds", default=600)
    requested = body.get("session")
    requested = requested if isinstance(requested, dict) else {}
    session: dict[str, Any]
    if endpoint_id == "translation":
        session = {
            "id": _id("sess_"),
            "type": "translation",
            "expires_at": 0,
            "audio": {"input": {"transcription": None, "noise_reduction": None}, "output": {}},
        }
    elif endpoint_id == "transcription":
        session = {
            "type": "transcription",
            "id": _id("sess_"),
            "object": "realtime.transcription_session",
            "expires_at": 0,
            "include": [],
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "transcription": None,
                    "noise_reduction": None,
                    "turn_detection": {"type": "server_vad", "threshold": 0.5},
                }
            },
        }
    else:
        session = {
            "type": "realtime",
            "object": "realtime.session",
            "id": _id("sess_"),
            "model": "gpt-realtime",
            "output_modalities": ["audio"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
            "tracing": None,
            "truncation": "auto",
            "prompt": None,
            "expires_at": 0,
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "transcription": None,
                    "noise_reduction": None,
                    "turn_detection": {
                        "type": "server_vad",
                        "threshold": 0.5,
                        "prefix_padding_ms": 300,
                        "silence_duration_ms": 200,
                        "idle_timeout_ms": None,
                        "create_response": True,
                        "interrupt_response": True,
                    },
                },
                "output": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "voice": "alloy",
                    "speed": 1.0,
                },
            },
        }
    _merge(session, requested)
    _name_custom_voice(session)
    return {"value": token, "expires_at": expires, "session": session}


def _name_custom_voice(session: dict[str, Any]) -> None:
    """A custom voice is requested as {"id": "voice_…"} but reported by its id alone, as the SDK's session type says."""
    audio = session.get("audio")
    output = audio.get("output") if isinstance(audio, dict) else None
    if not isinstance(output, dict):
        return
    voice = output.get("voice")
    if isinstance(voice, dict) and isinstance(voice.get("id"), str):
        output["voice"] = voice["id"]


def _merge(into: dict[str, Any], update: dict[str, Any]) -> None:
    """Deep-merge `update` over the defaults, as the API reports the effective session."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict) and key != "turn_detection":
            _merge(into[key], value)
        else:
            into[key] = value
