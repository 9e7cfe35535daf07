"""Proxies: plain http:// stays on this machine. With every proxy variable set, `mint` and `verify` to a loopback
server never contact the proxy; a proxy that refuses a tunnel to another host is quoted escaped and without the
credentials it echoes. A hostile proxy on 127.0.0.1 records what it is sent; the other host is a name only the
proxy could resolve, so nothing leaves the machine."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from realtime_gui.demo import FakeOpenAI
from realtime_gui.net import proxies
from realtime_gui.net.client import TokenClient
from realtime_gui.net.minted import MintedToken

from conftest import TEST_KEY, Ran
from processes import cli_env, run_cli
from proxy_server import RecordingProxy

ELSEWHERE = "https://api.example.test/v1"  # resolved by no one but the proxy
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
USER, PASSWORD = "proxyuser", "hunter2pw"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
A_TOKEN = "ek_0123456789abcdefghij"


def proxied_env(proxy_url: str) -> dict[str, str]:
    env = cli_env()
    for name in (*PROXY_VARIABLES, "no_proxy", "NO_PROXY"):
        env.pop(name, None)
    env.update(dict.fromkeys(PROXY_VARIABLES, proxy_url))
    return env


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    with RecordingProxy() as recording:
        yield recording


@pytest.fixture
def token(token_client: TokenClient, server: FakeOpenAI) -> MintedToken:
    from realtime_gui.api.request import build_request
    from realtime_gui.config.connection import Connection

    return token_client.mint(
        build_request("realtime", {}), connection=Connection(base_url=server.base_url), api_key=TEST_KEY
    )


# -- this machine: never through a proxy ------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_mint_to_this_machine_never_goes_through_a_proxy(host: str, proxy: RecordingProxy, server: FakeOpenAI) -> None:
    base_url = server.base_url.replace("127.0.0.1", host)
    ran = run_cli("mint", "--base-url", base_url, env=proxied_env(proxy.url))
    assert ran.code == 0, ran.err
    assert ran.out.startswith("ek_")
    assert proxy.connections == 0, f"the proxy was sent {proxy.received!r}"
    assert len(server.requests) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_verify_to_this_machine_never_goes_through_a_proxy(
    host: str, proxy: RecordingProxy, server: FakeOpenAI, token: MintedToken
) -> None:
    base_url = server.base_url.replace("127.0.0.1", host)
    ran = run_cli("verify", "--base-url", base_url, env=proxied_env(proxy.url), stdin=token.value)
    assert ran.code == 0, ran.err
    assert f"session {token.session_id} opened" in ran.out
    assert proxy.connections == 0, f"the proxy was sent {proxy.received!r}"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/v1", "http://127.9.8.7/v1", "http://[::1]:1/v1", "ws://localhost/", "wss://LOCALHOST/"],
)
def test_no_proxy_setting_reaches_this_machine(url: str) -> None:
    environment = {"http": "http://p:1", "https": "http://p:1", "all": "http://p:1", "no": ""}
    assert proxies.proxy_for(url, environment) is None


@pytest.mark.parametrize(
    ("url", "environment", "expected"),
    [
        ("https://api.example.test/v1", {"https": "p:3128"}, "http://p:3128"),
        ("wss://api.example.test/v1/realtime", {"https": "http://p:1"}, "http://p:1"),  # wss as https
        ("wss://api.example.test/v1/realtime", {"all": "http://p:2"}, "http://p:2"),
        ("https://api.example.test/v1", {"http": "http://p:1"}, None),
        ("https://api.example.test/v1", {"https": "http://p:1", "no": ".example.test"}, None),
        ("https://api.example.test:8443/v1", {"https": "http://p:1", "no": "api.example.test:443"}, "http://p:1"),
    ],
)
def test_other_hosts_go_through_the_environment_s_proxy(
    url: str, environment: dict[str, str], expected: str | None
) -> None:
    assert proxies.proxy_for(url, environment) == expected


# -- a proxy's refusal: escaped, without its credentials -------------------------------------------------------------


def _authorization(head: bytes) -> bytes:
    found = re.search(rb"(?im)^proxy-authorization: *(.*?)\r$", head)
    return found.group(1) if found else b""


def echoing_407(head: bytes) -> bytes:
    """Refuses with a reason phrase that echoes the credentials, with a tab and a C1 control (obs-text, which
    HTTP parsers let through)."""
    auth = _authorization(head)
    decoded = base64.b64decode(auth.split()[-1]) if auth else b""
    reason = b"Proxy Authentication Required\t\x9b2J for " + auth + b" (" + decoded + b")"
    return b"HTTP/1.1 407 " + reason + b'\r\nProxy-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n\r\n'


def escaping_502(head: bytes) -> bytes:
    """A status line no HTTP parser accepts (ESC in it), echoing the credentials."""
    auth = _authorization(head)
    return b"HTTP/1.1 502 \x1b[31mBad Gateway " + auth + b"\r\nContent-Length: 0\r\n\r\n"


def run_through(refusal: Callable[[bytes], bytes], command: str) -> tuple[Ran, RecordingProxy]:
    with RecordingProxy(refusal=refusal) as hostile:
        env = proxied_env(hostile.url_with(USER, PASSWORD))
        ran = run_cli(command, "--base-url", ELSEWHERE, env=env, stdin=A_TOKEN)
    return ran, hostile


def assert_no_credentials(ran: Ran) -> None:
    for secret in (PASSWORD, USER, BASIC, f"{USER}:{PASSWORD}"):
        assert secret not in ran.out + ran.err, f"the proxy's credentials were printed: {ran.err!r}"


@pytest.mark.parametrize("command", ["mint", "verify"])
def test_a_proxy_s_refusal_is_shown_escaped_without_its_credentials(command: str) -> None:
    ran, hostile = run_through(echoing_407, command)
    assert ran.code == 4, ran.err
    where = urlsplit(hostile.url).netloc
    assert f"The proxy http://{where} did not connect us to api.example.test" in ran.err
    # httpcore2 drops what is not ASCII from a reason phrase; websockets keeps it as Latin-1 (escaped here).
    said = "407 Proxy Authentication Required\\t2J for Basic … (…)"
    if command == "verify":
        said = "HTTP 407 Proxy Authentication Required\\t\\x9b2J for Basic … (…)"
    assert said in ran.err
    assert "Check the proxy settings (https_proxy, all_proxy, no_proxy) and its credentials." in ran.err
    assert_no_credentials(ran)
    (head,) = hostile.received
    assert head.startswith(b"CONNECT api.example.test:443 HTTP/1.1\r\n")
    assert _authorization(head) == f"Basic {BASIC}".encode(), "the proxy was asked with its credentials"
    assert TEST_KEY.encode() not in head
    assert A_TOKEN.encode() not in head


@pytest.mark.parametrize("command", ["mint", "verify"])
def test_a_proxy_named_by_a_host_name_is_asked_with_its_credentials(command: str) -> None:
    """The proxy's name is looked up within the deadline, and each of its addresses tried (localhost may be ::1
    first, where this proxy does not listen); the message names it as the environment does."""
    with RecordingProxy(refusal=echoing_407) as hostile:
        named = hostile.url_with(USER, PASSWORD).replace("@127.0.0.1:", "@localhost:")
        ran = run_cli(command, "--base-url", ELSEWHERE, env=proxied_env(named), stdin=A_TOKEN)
    assert ran.code == 4, ran.err
    port = urlsplit(hostile.url).port
    assert f"The proxy http://localhost:{port} did not connect us to api.example.test" in ran.err
    assert_no_credentials(ran)
    (head,) = hostile.received
    assert _authorization(head) == f"Basic {BASIC}".encode()


@pytest.mark.parametrize("command", ["mint", "verify"])
def test_a_proxy_answer_that_is_not_http_is_a_sentence_without_its_credentials(command: str) -> None:
    ran, _ = run_through(escaping_502, command)
    assert ran.code == 4, ran.err
    assert "did not connect us to api.example.test: " in ran.err
    # h11 lets the line through (escaped here); websockets' parser refuses it.
    said = "502 \\x1b[31mBad Gateway Basic …" if command == "mint" else "did not receive a valid HTTP response"
    assert said in ran.err
    assert_no_credentials(ran)


def test_proxy_said_cuts_every_form_of_the_credentials() -> None:
    proxy = f"http://{USER}:{PASSWORD}@proxy.example:3128"
    text = f"no {USER}:{PASSWORD} no {BASIC} no {PASSWORD} no {USER}\x1b[2J"
    assert proxies.proxy_said(text, proxy=proxy) == "no … no … no … no …\\x1b[2J"
    percent = "http://us%40er:p%3Ass@proxy.example"  # as a URL must spell "us@er" and "p:ss"
    assert proxies.proxy_said("us@er:p:ss and p:ss", proxy=percent) == "… and …"
    assert proxies.where(proxy) == "http://proxy.example:3128"
