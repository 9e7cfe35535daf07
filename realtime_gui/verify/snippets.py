"""Code that uses a minted token, to paste elsewhere: a browser WebRTC call, a browser WebSocket, `realtime-gui verify`.

Qt-free. Each snippet carries the token only when asked (`with_token=False` puts a placeholder in its place), never
the API key. The base URL is the profile's, checked as for a mint (ConfigError or VerifyInputError otherwise); it and
the model are quoted for the snippet's language: JSON string literals in JavaScript, shlex quoting in the shell.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from realtime_gui.api.catalog import ENDPOINTS
from realtime_gui.config.connection import check_base_url
from realtime_gui.verify.findings import VerifyRequest, session_url

JS_PLACEHOLDER = "EPHEMERAL_TOKEN"  # stands out in a page, and is what OpenAI's own examples call it
SHELL_PLACEHOLDER = '"$REALTIME_TOKEN"'
SNIPPET_KINDS = ("webrtc", "websocket", "verify")


@dataclass(frozen=True, kw_only=True)
class TokenUse:
    """Where a token opens its session: what it was minted for, and the base URL of the server that minted it."""

    endpoint: str
    base_url: str
    model: str | None = None
    token: str = field(repr=False)  # a live credential: kept out of reprs


def available(kind: str, endpoint: str) -> str | None:
    """None when a `kind` snippet fits a token of `endpoint`, else why not (a sentence)."""
    if kind == "webrtc" and endpoint in ENDPOINTS and not ENDPOINTS[endpoint].webrtc:
        return "Translation sessions open over WebSocket only; the API has no WebRTC call for them."
    return None


def snippet(kind: str, use: TokenUse, *, with_token: bool) -> str:
    """The `kind` snippet (one of SNIPPET_KINDS) for `use`; the token in it only when `with_token`."""
    builders = {"webrtc": webrtc_snippet, "websocket": websocket_snippet, "verify": verify_command}
    if kind not in builders:
        raise ValueError(f"unknown snippet kind {kind!r}; use one of {', '.join(SNIPPET_KINDS)}")
    return builders[kind](use, with_token=with_token)


def _js_token(use: TokenUse, with_token: bool) -> str:
    if with_token:
        return f"const token = {json.dumps(use.token)};  // expires soon: fetch a fresh one from your server"
    return f'const token = "{JS_PLACEHOLDER}";  // an ek_… token from your server (never your API key)'


def webrtc_snippet(use: TokenUse, *, with_token: bool) -> str:
    """Browser JavaScript (in an async function or a module) that opens a WebRTC call with the token."""
    url = check_base_url(use.base_url) + "/realtime/calls"
    return "\n".join(
        [
            "// Opens a Realtime call over WebRTC: microphone in, the model's voice out, events on a data channel.",
            _js_token(use, with_token),
            "const peer = new RTCPeerConnection();",
            'const speaker = document.createElement("audio");',
            "speaker.autoplay = true;",
            "peer.ontrack = (event) => { speaker.srcObject = event.streams[0]; };",
            "const mic = await navigator.mediaDevices.getUserMedia({ audio: true });",
            "peer.addTrack(mic.getAudioTracks()[0], mic);",
            'const events = peer.createDataChannel("oai-events");',
            "events.onmessage = (event) => console.log(JSON.parse(event.data));",
            "const offer = await peer.createOffer();",
            "await peer.setLocalDescription(offer);",
            f"const answer = await fetch({json.dumps(url)}, {{",
            '  method: "POST",',
            "  body: offer.sdp,",
            '  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/sdp" },',
            "});",
            "if (!answer.ok) throw new Error(`HTTP ${answer.status}: ${await answer.text()}`);",
            'await peer.setRemoteDescription({ type: "answer", sdp: await answer.text() });',
        ]
    )


def websocket_snippet(use: TokenUse, *, with_token: bool) -> str:
    """Browser JavaScript that opens the session over WebSocket, passing the token as a subprotocol (a browser
    cannot set the Authorization header on a WebSocket)."""
    url = session_url(_request(use))
    return "\n".join(
        [
            "// Opens a Realtime session over WebSocket; the first event is session.created.",
            _js_token(use, with_token),
            f"const socket = new WebSocket({json.dumps(url)}, [",
            '  "realtime",',
            "  `openai-insecure-api-key.${token}`,",
            "]);",
            "socket.onmessage = (event) => console.log(JSON.parse(event.data));",
            'socket.onclose = (event) => console.log("closed", event.code, event.reason);',
        ]
    )


def verify_command(use: TokenUse, *, with_token: bool) -> str:
    """`realtime-gui verify` for this token. The token goes through standard input, never in verify's argv
    (`printf` is a shell builtin, so it does not show in `ps` either)."""
    source = shlex.quote(use.token) if with_token else SHELL_PLACEHOLDER
    parts = [f"printf '%s' {source} | realtime-gui verify", f"--endpoint {shlex.quote(use.endpoint)}"]
    if use.model:
        parts.append(f"--model {shlex.quote(use.model)}")
    parts.append(f"--base-url {shlex.quote(check_base_url(use.base_url))}")
    return " ".join(parts)


def _request(use: TokenUse) -> VerifyRequest:
    # session_url checks the token's text too: a placeholder that is a valid token shape keeps that check quiet.
    return VerifyRequest(token="ek_placeholder", endpoint=use.endpoint, base_url=use.base_url, model=use.model)
