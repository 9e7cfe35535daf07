"""The fake's Realtime sessions: the WebSocket upgrade on the token server's own port, only for tokens it issued.

After the upgrade it sends `session.created` with the session the token was minted with, answers a text turn
(`conversation.item.create` + `response.create`) with a canned reply streamed in deltas.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from realtime_gui.demo import frames
from realtime_gui.demo.state import ErrorReply, Issued, State, masked, new_id

REPLY = "Hello from the fake Realtime API. You said: {text}"
# Where each kind of token opens its session: (path, intent query).
_WHERE = {
    "realtime": ("/v1/realtime", None),
    "beta-sessions": ("/v1/realtime", None),
    "transcription": ("/v1/realtime", "transcription"),
    "beta-transcription": ("/v1/realtime", "transcription"),
    "translation": ("/v1/realtime/translations", None),
}
_INSECURE_PREFIX = "openai-insecure-api-key."  # how browsers pass the token: as a subprotocol


def serve_session(
    handler: BaseHTTPRequestHandler,
    state: State,
    *,
    refuse: Callable[[ErrorReply], None],
    session: type[Session],
) -> None:
    """Answer one WebSocket upgrade and run the `session` until the client leaves."""
    parts = urlsplit(handler.path)
    token, browser = _token(handler)
    admitted = _admit(state, parts.path, parse_qs(parts.query), token)
    if isinstance(admitted, ErrorReply):
        refuse(admitted)
        return
    key = handler.headers.get("Sec-WebSocket-Key", "")
    if handler.headers.get("Sec-WebSocket-Version") != "13" or not key:
        refuse(ErrorReply(400, "A WebSocket upgrade needs Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key."))
        return
    handler.send_response(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", frames.accept_key(key))
    handler.send_header("x-request-id", new_id("req_"))
    if browser:
        handler.send_header("Sec-WebSocket-Protocol", "realtime")
    handler.end_headers()
    session(handler, state, admitted).run()


def _token(handler: BaseHTTPRequestHandler) -> tuple[str | None, bool]:
    """The token, and whether it came the browser's way (a subprotocol) rather than in Authorization."""
    auth = handler.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth[len("Bearer ") :].strip(), False
    for proto in handler.headers.get("Sec-WebSocket-Protocol", "").split(","):
        if proto.strip().startswith(_INSECURE_PREFIX):
            return proto.strip()[len(_INSECURE_PREFIX) :], True
    return None, False


def _admit(state: State, path: str, query: dict[str, list[str]], token: str | None) -> Issued | ErrorReply:
    if not token:
        return ErrorReply(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header "
            "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        )
    with state.lock:
        issued = state.tokens.get(token)
    if issued is None:
        if secrets.compare_digest(token.encode(), state.api_key.encode()):
            # The real API would take the key; this fake refuses it, so a client that sends its key fails loudly.
            return ErrorReply(401, "This server opens sessions only with the ephemeral tokens it minted, not a key.")
        return ErrorReply(401, f"Incorrect API key provided: {masked(token)}.", code="invalid_api_key")
    if state.clock() >= issued.expires_at:
        return ErrorReply(401, "The ephemeral token has expired; mint a new one.", code="invalid_api_key")
    want_path, want_intent = _WHERE.get(issued.endpoint, _WHERE["realtime"])
    intent = query["intent"][0] if query.get("intent") else None
    if path != want_path or intent != want_intent:
        where = want_path + (f"?intent={want_intent}" if want_intent else "")
        return ErrorReply(400, f"This token was minted for a {issued.endpoint} session; open it at {where}.")
    return issued


class Session:
    """One Realtime session on an upgraded connection: session.created, then a canned streamed reply to each text
    turn. `misbehave` and `answers` are where the tests' misbehaving server changes that; the demo never does."""

    answers = True  # False: text turns are read and never answered

    def __init__(self, handler: BaseHTTPRequestHandler, state: State, issued: Issued) -> None:
        self._rfile, self._wfile = handler.rfile, handler.wfile
        self._state, self._issued = state, issued
        self._beta_header = handler.headers.get("OpenAI-Beta") is not None
        self._said = ""

    def run(self) -> None:
        try:
            if self._beta_header:  # what the GA API does with the beta header: close code 4000
                self._wfile.write(frames.close_frame(4000, "OpenAI-Beta: realtime=v1 is not supported on GA."))
            elif not self.misbehave():
                self._event("session.created", session=self._issued.session)
                self._converse()
        except (OSError, frames.FrameError):
            pass  # the client went away or sent garbage: the session ends, as a real server's would

    def misbehave(self) -> bool:
        """True when the session went otherwise than well right after the upgrade, and is over; False goes on to
        session.created. Never in the demo (tests/misbehaving.py overrides it)."""
        return False

    def _drain(self, *, until_close: bool = False) -> None:
        """Read and ignore the client until it goes away, or until its close frame comes back."""
        while (message := frames.read_message(self._rfile)) is not None:
            if until_close and message[0] == frames.CLOSE:
                return

    def _converse(self) -> None:
        while not self._state.stopping.is_set():
            message = frames.read_message(self._rfile)
            if message is None:
                return
            opcode, payload = message
            if opcode == frames.CLOSE:
                self._wfile.write(frames.encode(frames.CLOSE, payload[:2]))
                return
            if opcode == frames.PING:
                self._wfile.write(frames.encode(frames.PONG, payload))
            elif opcode == frames.TEXT and self.answers:
                self._on_event(payload)

    def _on_event(self, payload: bytes) -> None:
        try:
            event = json.loads(payload)
        except ValueError:
            event = None
        kind = event.get("type") if isinstance(event, dict) else None
        if kind == "conversation.item.create" and isinstance(event, dict):
            self._said = _input_text(event)
            self._event("conversation.item.added", item={"id": new_id("item_"), **(event.get("item") or {})})
        elif kind == "response.create":
            self._reply()
        else:
            self._event(
                "error",
                error={
                    "type": "invalid_request_error",
                    "code": "invalid_value",
                    "message": f"Invalid value: {kind!r}. This fake supports conversation.item.create "
                    "and response.create.",
                    "param": "type",
                    "event_id": event.get("event_id") if isinstance(event, dict) else None,
                },
            )

    def _reply(self) -> None:
        session = self._issued.session
        modalities = session.get("output_modalities") or session.get("modalities") or ["audio"]
        audio = "audio" in modalities
        text = REPLY.format(text=self._said)
        response_id, item_id = new_id("resp_"), new_id("item_")
        self._event(
            "response.created", response={"id": response_id, "object": "realtime.response", "status": "in_progress"}
        )
        delta_type = "response.output_audio_transcript.delta" if audio else "response.output_text.delta"
        where = {"response_id": response_id, "item_id": item_id, "output_index": 0, "content_index": 0}
        if audio:  # a little silence, as a real audio reply carries: the client must skip it
            self._event("response.output_audio.delta", **where, delta=base64.b64encode(bytes(480)).decode())
        for index, word in enumerate(text.split(" ")):
            self._event(delta_type, **where, delta=word if index == 0 else " " + word)
        content = {"type": "output_audio", "transcript": text} if audio else {"type": "output_text", "text": text}
        self._event(
            "response.done",
            response={
                "id": response_id,
                "object": "realtime.response",
                "status": "completed",
                "status_details": None,
                "output": [{"id": item_id, "type": "message", "role": "assistant", "content": [content]}],
                "usage": {"total_tokens": 42, "input_tokens": 30, "output_tokens": 12},
            },
        )

    def _event(self, kind: str, **fields: Any) -> None:
        event = {"type": kind, "event_id": new_id("event_"), **fields}
        self._wfile.write(frames.encode(frames.TEXT, json.dumps(event).encode()))


def _input_text(event: dict[str, Any]) -> str:
    item = event.get("item")
    content = item.get("content") if isinstance(item, dict) else None
    texts = [c.get("text") for c in content or [] if isinstance(c, dict) and c.get("type") == "input_text"]
    return " ".join(t for t in texts if isinstance(t, str))
