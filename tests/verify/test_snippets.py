"""The "Copy as…" snippets that use a token: the token only where chosen, values quoted for their language, and the
verify command run for real through a shell against the fake server."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.demo import FakeOpenAI
from realtime_gui.net.client import TokenClient
from realtime_gui.net.minted import MintedToken
from realtime_gui.verify.snippets import (
    JS_PLACEHOLDER,
    SHELL_PLACEHOLDER,
    SNIPPET_KINDS,
    TokenUse,
    available,
    snippet,
    verify_command,
    websocket_snippet,
)

from conftest import TEST_KEY

TOKEN = "ek_68a1b2c3d4e5f60718293a4b5c6d7e8f"


def use(
    endpoint: str = "realtime", base_url: str = "https://api.openai.com/v1", model: str | None = "gpt-realtime"
) -> TokenUse:
    return TokenUse(endpoint=endpoint, base_url=base_url, model=model, token=TOKEN)


@pytest.mark.parametrize("kind", SNIPPET_KINDS)
def test_the_token_is_in_a_snippet_only_when_chosen(kind: str) -> None:
    with_token = snippet(kind, use(), with_token=True)
    placeholder = snippet(kind, use(), with_token=False)
    assert TOKEN in with_token
    assert TOKEN not in placeholder
    assert (SHELL_PLACEHOLDER if kind == "verify" else JS_PLACEHOLDER) in placeholder
    assert TOKEN not in repr(use()), "the token stays out of reprs"


def test_webrtc_posts_the_sdp_offer_to_the_profile_s_calls_url() -> None:
    text = snippet("webrtc", use(base_url="https://example.test/openai/v1/"), with_token=False)
    assert 'fetch("https://example.test/openai/v1/realtime/calls", {' in text
    assert "body: offer.sdp" in text
    assert '"Content-Type": "application/sdp"' in text
    assert "Authorization: `Bearer ${token}`" in text
    assert 'createDataChannel("oai-events")' in text


@pytest.mark.parametrize(
    ("endpoint", "base_url", "url"),
    [
        ("realtime", "https://api.openai.com/v1", "wss://api.openai.com/v1/realtime?model=gpt-realtime"),
        ("transcription", "https://api.openai.com/v1", "wss://api.openai.com/v1/realtime?intent=transcription"),
        (
            "translation",
            "https://api.openai.com/v1",
            "wss://api.openai.com/v1/realtime/translations?model=gpt-realtime",
        ),
        ("realtime", "http://127.0.0.1:8080/v1", "ws://127.0.0.1:8080/v1/realtime?model=gpt-realtime"),
    ],
)
def test_websocket_opens_the_url_the_sdk_opens_with_the_browser_subprotocols(
    endpoint: str, base_url: str, url: str
) -> None:
    text = websocket_snippet(use(endpoint, base_url), with_token=True)
    assert f"new WebSocket({json.dumps(url)}, [" in text
    assert '"realtime",' in text
    assert "`openai-insecure-api-key.${token}`" in text
    assert f"const token = {json.dumps(TOKEN)};" in text


def test_a_translation_token_has_no_webrtc_snippet() -> None:
    assert available("webrtc", "translation") == (
        "Translation sessions open over WebSocket only; the API has no WebRTC call for them."
    )
    assert all(available(kind, "realtime") is None for kind in SNIPPET_KINDS)


def test_hostile_values_stay_inside_their_quotes() -> None:
    model = "gpt\"; alert(1); //'$(touch /tmp/x)`id`"
    js = websocket_snippet(use(model=model), with_token=False)
    literal = re.search(r"new WebSocket\((\".*?(?<!\\)\"), \[", js)
    assert literal is not None
    assert json.loads(literal.group(1)).endswith(
        "?model=gpt%22%3B+alert%281%29%3B+%2F%2F%27%24%28touch+%2Ftmp%2Fx%29%60id%60"
    )
    words = shlex.split(verify_command(use(model=model), with_token=True))
    assert words[words.index("--model") + 1] == model
    assert words[:3] == ["printf", "%s", TOKEN]


def test_the_verify_command_never_puts_the_token_in_verify_s_argv() -> None:
    command = verify_command(use(), with_token=True)
    feeder, verify = command.split(" | ")
    assert TOKEN in feeder
    assert TOKEN not in verify
    assert shlex.split(verify) == [
        "realtime-gui",
        "verify",
        "--endpoint",
        "realtime",
        "--model",
        "gpt-realtime",
        "--base-url",
        "https://api.openai.com/v1",
    ]


@pytest.fixture
def minted(server: FakeOpenAI) -> MintedToken:
    with TokenClient() as client:
        return client.mint(
            build_request("realtime", {"session.audio.output.voice": "cedar"}),
            connection=Connection(base_url=server.base_url, timeout=5),
            api_key=TEST_KEY,
        )


@pytest.mark.parametrize("with_token", [True, False])
def test_the_verify_command_works_when_pasted_into_a_shell(
    minted: MintedToken, server: FakeOpenAI, with_token: bool
) -> None:
    command = verify_command(
        TokenUse(endpoint=minted.endpoint, base_url=server.base_url, model=minted.model, token=minted.value),
        with_token=with_token,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if not with_token:
        env["REALTIME_TOKEN"] = minted.value  # the placeholder is this variable
    done = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"session {minted.session_id} opened in ")
    assert "voice cedar" in done.stdout
    [upgrade] = [r for r in server.requests if r.method == "GET"]
    assert upgrade.headers["authorization"] == f"Bearer {minted.value}"
