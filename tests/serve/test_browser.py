"""examples/browser/index.html in a real headless Chromium: a page on this machine gets a token from
`realtime-gui serve` through CORS (preflight included) and opens a WebRTC call with it; the same page from a foreign
origin is refused. And the window's "Copy as…" snippets, pasted into a page, open a session and post an offer.
Everything stays on loopback: the page's server also stands in for the API's /realtime/calls,
and Chromium is told that no host name resolves. Each page is read once it says it is done (tests/headless_chromium.py),
not after a time budget."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from realtime_gui.demo import FakeOpenAI
from realtime_gui.net.listening import PromptShutdown

from conftest import TEST_KEY, require_programs
from headless_chromium import Chromium
from processes import cli_env
from serve_process import Serving

PAGE = Path(__file__).parents[2] / "examples" / "browser" / "index.html"
# When the example page is done: the token refused (no call follows), or the call it opened has failed or connected.
PAGE_DONE = """document.getElementById("token").dataset.state === "refused"
  || ["failed", "connected"].includes(document.getElementById("call").dataset.state)"""
# When a page whose every <output> reports once is done: each has said something.
EVERY_OUTPUT_SAID = '[...document.querySelectorAll("output")].every((output) => output.textContent !== "")'


@dataclass
class Call:
    authorization: str
    content_type: str
    sdp: str


class _PageHandler(BaseHTTPRequestHandler):
    """Serves the example page, and records what it posts to /v1/realtime/calls (answering as the API would
    to a token it does not know)."""

    server: _PageServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = PAGE.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        sdp = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.server.calls.append(Call(self.headers.get("Authorization", ""), self.headers.get("Content-Type", ""), sdp))
        body = json.dumps({"error": {"message": "stand-in for the API", "code": "invalid_api_key"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """One headless Chromium for the module's pages; each page gets a fresh browser context."""
    require_programs("chromium", packages="chromium")
    browser = Chromium(tmp_path_factory.mktemp("chromium"))
    yield browser
    browser.close()


class _PageServer(PromptShutdown, ThreadingHTTPServer):  # shutdown() wakes its loop at once
    daemon_threads = True
    calls: list[Call]


@pytest.fixture
def page_at() -> Iterator[Any]:
    """Serves the page at http://HOST:PORT/ on a loopback address; yields a function that starts one."""
    running: list[tuple[_PageServer, threading.Thread]] = []

    def start(host: str) -> _PageServer:
        httpd = _PageServer((host, 0), _PageHandler)
        httpd.calls = []
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        running.append((httpd, thread))
        return httpd

    yield start
    for httpd, thread in running:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class _Outputs(HTMLParser):
    """The page's <output id=… data-state=…> elements: id -> (state, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, tuple[str, str]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "output":
            named = dict(attrs)
            self._open = named.get("id") or ""
            self.found[self._open] = (named.get("data-state") or "", "")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            state, text = self.found[self._open]
            self.found[self._open] = (state, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "output":
            self._open = None


def read_outputs(chromium: Chromium, url: str, *, until: str) -> dict[str, tuple[str, str]]:
    """The <output>s of the page at `url` once `until` holds in it."""
    outputs = _Outputs()
    outputs.feed(chromium.read(url, until=until))
    return outputs.found


def page_url(httpd: _PageServer, endpoint: str, overrides: dict[str, object]) -> str:
    host, port = httpd.server_address[:2]
    # mic=0: listen only (headless Chromium has no microphone).
    query = urlencode(
        {"endpoint": endpoint, "api": f"http://{host!s}:{port}/v1", "set": json.dumps(overrides), "mic": 0, "start": 1}
    )
    return f"http://{host!s}:{port}/index.html?{query}"


@pytest.mark.long
def test_the_example_page_gets_a_token_and_a_foreign_origin_does_not(
    server: FakeOpenAI, chromium: Chromium, page_at: Any, tmp_path: Path
) -> None:
    served = Serving(["--base-url", server.base_url], env=cli_env(config=tmp_path / "config"))
    try:
        # On this machine: http://127.0.0.1:PORT is one of the default origins.
        local = page_at("127.0.0.1")
        local_origin = f"http://127.0.0.1:{local.server_address[1]}"
        url = page_url(local, served.url, {"session.audio.output.voice": "cedar"})
        shown = read_outputs(chromium, url, until=PAGE_DONE)
        state, text = shown["token"]
        assert state == "received", text
        assert "Token: received ek_…" in text
        minted = [r for r in server.requests if r.method == "POST"]
        assert len(minted) == 1
        assert minted[0].json()["session"]["audio"]["output"]["voice"] == "cedar", "the page's POST overrides"
        lines = served.wait_for_log(2)
        assert lines[0].split()[2:5] == ["204", "OPTIONS", "/token"], "the browser's preflight"
        assert f"origin={local_origin} " in lines[0]
        assert lines[1].split()[2:5] == ["200", "POST", "/token"]
        assert f"origin={local_origin} " in lines[1]
        # Then the WebRTC offer went to the API with that token.
        assert len(local.calls) == 1, shown["call"]
        [call] = local.calls
        assert call.authorization.startswith("Bearer ek_")
        assert call.authorization.endswith(text.split("ek_…", 1)[1][:4]), "the token the page was given"
        assert call.content_type == "application/sdp"
        assert call.sdp.startswith("v=0")
        assert "m=audio" in call.sdp
        assert "a=recvonly" in call.sdp
        assert "m=application" in call.sdp, "the oai-events data channel"
        assert shown["call"][0] == "failed"
        assert "HTTP 401" in shown["call"][1]

        # The same page from another origin (127.0.0.2 is loopback too, but not an allowed origin).
        foreign = page_at("127.0.0.2")
        foreign_origin = f"http://127.0.0.2:{foreign.server_address[1]}"
        shown = read_outputs(chromium, page_url(foreign, served.url, {}), until=PAGE_DONE)
        state, text = shown["token"]
        assert state == "refused", text
        assert "Failed to fetch" in text
        assert shown["call"][0] == "idle"
        assert foreign.calls == []
        assert len([r for r in server.requests if r.method == "POST"]) == 1, "nothing minted for it"
        [line] = served.wait_for_log(1, since=2)
        assert line.split()[2:5] == ["403", "OPTIONS", "/token"]
        assert f"origin={foreign_origin} " in line
        assert "(origin_not_allowed)" in line
    finally:
        assert served.stop() == 0
    assert TEST_KEY not in served.stderr


# -- the window's "Copy as…" snippets, pasted into a page ------------------------------------------------------------

SNIPPET_PAGE = """<!doctype html>
<meta charset="utf-8">
<output id="websocket"></output>
<output id="webrtc"></output>
<script type="module">
  // No microphone in headless Chromium: an audio track from a silent AudioContext stands in for it.
  navigator.mediaDevices.getUserMedia = async () => new AudioContext().createMediaStreamDestination().stream;
  const into = (id) => (...args) => { document.getElementById(id).textContent += JSON.stringify(args) + "\\n"; };
  {
    const console = { log: into("websocket") };
    WEBSOCKET
  }
  try {
    const console = { log: into("webrtc") };
    WEBRTC
  } catch (error) {
    into("webrtc")("failed", error.message);
  }
</script>
"""


class _OnePageServer(_PageServer):
    page: bytes


class _OnePageHandler(_PageHandler):
    """Serves the server's one page at every path, and stands in for the API's /realtime/calls on the same origin."""

    server: _OnePageServer

    def do_GET(self) -> None:
        body = self.server.page
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.long
def test_the_window_s_snippets_run_in_a_browser(server: FakeOpenAI, chromium: Chromium) -> None:
    """The WebSocket snippet opens a session on the fake (the token as a subprotocol); the WebRTC snippet posts its
    SDP offer with the token to /realtime/calls (here a stand-in that refuses it, as the API refuses a token it does
    not know)."""
    from realtime_gui.api.request import build_request
    from realtime_gui.config.connection import Connection
    from realtime_gui.net.client import TokenClient
    from realtime_gui.verify.snippets import TokenUse, webrtc_snippet, websocket_snippet

    with TokenClient() as client:
        token = client.mint(
            build_request("realtime", {}), connection=Connection(base_url=server.base_url, timeout=5), api_key=TEST_KEY
        )
    stand_in = _OnePageServer(("127.0.0.1", 0), _OnePageHandler)
    stand_in.calls = []
    thread = threading.Thread(target=stand_in.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = stand_in.server_address[:2]
        on_fake = TokenUse(endpoint="realtime", base_url=server.base_url, model=token.model, token=token.value)
        on_stand_in = TokenUse(endpoint="realtime", base_url=f"http://{host!s}:{port}/v1", token=token.value)
        stand_in.page = (
            SNIPPET_PAGE.replace("WEBSOCKET", websocket_snippet(on_fake, with_token=True))
            .replace("WEBRTC", webrtc_snippet(on_stand_in, with_token=True))
            .encode()
        )
        shown = read_outputs(chromium, f"http://{host!s}:{port}/", until=EVERY_OUTPUT_SAID)
    finally:
        stand_in.shutdown()
        stand_in.server_close()
        thread.join(timeout=5)
    first = json.loads(shown["websocket"][1].splitlines()[0])[0]
    assert isinstance(first, dict), f"the first thing logged is not an event: {shown['websocket']}"
    assert first["type"] == "session.created"
    assert first["session"]["id"] == token.session_id
    [upgrade] = [r for r in server.requests if r.method == "GET"]
    assert upgrade.headers["sec-websocket-protocol"] == f"realtime, openai-insecure-api-key.{token.value}"
    assert len(stand_in.calls) == 1, shown["webrtc"]
    [call] = stand_in.calls
    assert call.authorization == f"Bearer {token.value}"
    assert call.content_type == "application/sdp"
    assert call.sdp.startswith("v=0")
    assert "m=audio" in call.sdp
    assert "m=application" in call.sdp, "the oai-events data channel"
    assert json.loads(shown["webrtc"][1]) == [
        "failed",
        'HTTP 401: {"error": {"message": "stand-in for the API", "code": "invalid_api_key"}}',
    ]


# -- a foreign page that makes the browser ask without CORS ----------------------------------------------------------

# Every way a page can make a browser send a request it cannot read the answer of. Each try reports on its own
# <output> once the browser is done with it; navigating the whole page is a second load (it would replace this DOM).
FOREIGN_PAGE = """<!doctype html>
<meta charset="utf-8">
<output id="img"></output><output id="stylesheet"></output><output id="preload"></output>
<output id="script"></output><output id="form"></output><output id="fetch-get"></output>
<output id="fetch-post"></output><output id="iframe"></output>
<iframe name="sink" id="sink-frame"></iframe>
<script>
  const url = (via) => `TOKEN_URL?via=${via}`;
  const done = (id, how) => { document.getElementById(id).textContent = how; };
  const element = (tag, attrs, id) => {
    const made = Object.assign(document.createElement(tag), attrs);
    made.onload = () => done(id, "load");
    made.onerror = () => done(id, "error");
    document.body.append(made);
  };
  element("img", { src: url("img") }, "img");
  element("link", { rel: "stylesheet", href: url("stylesheet") }, "stylesheet");
  element("link", { rel: "preload", as: "fetch", href: url("preload") }, "preload");
  element("script", { src: url("script") }, "script");
  // A form POST, submitted by the page itself into a frame (the page stays to report).
  const frame = document.getElementById("sink-frame");
  frame.onload = () => done("form", "load");
  const form = Object.assign(document.createElement("form"), { method: "POST", action: url("form"), target: "sink" });
  form.append(Object.assign(document.createElement("input"), { name: "a", value: "b" }));
  document.body.append(form);
  form.submit();
  const opaque = (id, init) => fetch(url(id), { mode: "no-cors", ...init }).then(
    (r) => done(id, r.type), (e) => done(id, "error " + e.message));
  opaque("fetch-get", {});
  opaque("fetch-post", { method: "POST", body: "{}", headers: { "Content-Type": "text/plain" } });
  element("iframe", { src: url("iframe") }, "iframe");
</script>
"""
NAVIGATING_PAGE = (
    """<!doctype html><meta charset="utf-8"><script>location.replace("TOKEN_URL?via=navigation");</script>"""
)


@contextmanager
def foreign_page(page: str, token_url: str) -> Iterator[str]:
    """`page` served at http://127.0.0.2:PORT/ (loopback, but not an allowed origin), with TOKEN_URL filled in."""
    foreign = _OnePageServer(("127.0.0.2", 0), _OnePageHandler)
    foreign.calls = []
    foreign.page = page.replace("TOKEN_URL", token_url).encode()
    thread = threading.Thread(target=foreign.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{foreign.server_address[1]}/"
    finally:
        foreign.shutdown()
        foreign.server_close()
        thread.join(timeout=5)


@pytest.mark.long
def test_a_foreign_page_cannot_make_the_browser_mint_or_spend_the_rate(
    server: FakeOpenAI, chromium: Chromium, page_at: Any, tmp_path: Path
) -> None:
    """img, stylesheet, preload, script, an auto-submitted form, no-cors fetch (GET and POST), a frame and a top-level
    navigation from http://127.0.0.2 are all refused before minting; with --rate 2 the allowed page then still gets
    its token, and exactly one more request fits in the minute."""
    served = Serving(["--base-url", server.base_url, "--rate", "2"], env=cli_env(config=tmp_path / "config"))
    try:
        outputs = _Outputs()
        with foreign_page(FOREIGN_PAGE, served.url) as page:
            outputs.feed(chromium.read(page, until=EVERY_OUTPUT_SAID))
        tries = {name: text for name, (_, text) in outputs.found.items()}
        assert all(tries.values()), f"the browser did not finish every try: {tries}"
        assert tries["fetch-get"] == tries["fetch-post"] == "opaque", "no-cors fetch: sent, answer unreadable"
        with foreign_page(NAVIGATING_PAGE, served.url) as page:
            # Done when the page has gone: the browser shows where it navigated to.
            navigated = chromium.read(page, until=f"location.origin !== {json.dumps(page.rstrip('/'))}")
        assert "not_cors" in navigated, "the top-level navigation shows serve's refusal"
        assert "a navigation" in navigated

        # Eight tries, then the navigation (after which Chromium may ask serve for /favicon.ico: a 404).
        lines = served.wait_for_log(9)
        tries_seen = lines[:9]
        assert [line.split()[2:5:2] for line in tries_seen] == [["403", "/token"]] * 9, lines
        assert {line.rsplit("(", 1)[1].rstrip(")") for line in tries_seen} == {"not_cors", "origin_not_allowed"}
        assert sum(line.split()[3] == "POST" for line in tries_seen) == 2, "the form and the no-cors POST"
        foreign_origin = re.search(r"origin=(http://127\.0\.0\.2:\d+) ", "\n".join(lines))
        assert foreign_origin, "the POSTs carry the page's Origin, which is refused"
        assert all(line.split()[2] not in ("200", "429") for line in lines), lines
        assert [r for r in server.requests if r.method == "POST"] == [], "nothing minted"

        # The rate is untouched: the allowed page gets its token, then exactly one more fits in the minute.
        local = page_at("127.0.0.1")
        shown = read_outputs(chromium, page_url(local, served.url, {}), until=PAGE_DONE)
        assert shown["token"][0] == "received", shown["token"][1]
        assert len([r for r in server.requests if r.method == "POST"]) == 1
        assert served.request().status == 200
        assert served.request().status == 429
    finally:
        assert served.stop() == 0
    assert TEST_KEY not in served.stderr
