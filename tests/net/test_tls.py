"""One TLS policy, trusted like the operating system: a server whose authority the system trusts (its bundle, or
SSL_CERT_FILE) is trusted by `mint` and `verify` alike, and one it does not trust is refused by both with the same
sentence and exit 4. Real HTTPS and WSS over loopback, with an authority made for the test; the system bundle is
changed only in a private mount namespace of the child, so nothing on the machine changes."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpcore2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection
from realtime_gui.config.profiles import Profile
from realtime_gui.demo import FakeOpenAI
from realtime_gui.net import tls
from realtime_gui.net.client import TokenClient
from realtime_gui.net.minted import MintedToken

from conftest import TEST_KEY, OpenWindow, require_programs
from driving import WAIT_MS, child
from processes import cli_env, modules_loaded, run_cli
from tls_certs import Certs, make_certs

TRUST_ENV = (tls.CERT_FILE_ENV, tls.CERT_DIR_ENV)
UNVERIFIED = "could not be verified"
CAUSE = "A proxy that intercepts HTTPS, or a wrong base URL, is the usual cause."


@pytest.fixture
def certs(tmp_path: Path) -> Certs:
    return make_certs(tmp_path / "certs")


@pytest.fixture
def tls_server(certs: Certs) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=TEST_KEY, tls=certs.server_context()) as fake:
        yield fake


@pytest.fixture
def token(tls_server: FakeOpenAI, certs: Certs, monkeypatch: pytest.MonkeyPatch) -> MintedToken:
    """A token the TLS server minted (this process trusts its authority for the moment)."""
    monkeypatch.setenv(tls.CERT_FILE_ENV, str(certs.ca))
    with TokenClient() as client:
        minted = client.mint(
            build_request("realtime", {}), connection=Connection(base_url=tls_server.base_url), api_key=TEST_KEY
        )
    monkeypatch.delenv(tls.CERT_FILE_ENV)
    return minted


def system_bundle() -> Path:
    """The bundle this system's OpenSSL trusts when no SSL_CERT_* is set (the file, not a link to it)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in TRUST_ENV:
            patch.delenv(name, raising=False)
        store = tls.trust_store()
    assert store.source == "system"
    assert store.cafile is not None, "this test needs a system bundle file (Debian: ca-certificates)"
    return Path(os.path.realpath(store.cafile))


def in_private_mount(bundle: Path, over: Path) -> list[str]:
    """Runs a command in a mount namespace of its own where `over` shows `bundle`: the machine's own is untouched."""
    require_programs("unshare", "mount", packages="util-linux mount")
    as_root = [] if os.geteuid() == 0 else ["--map-root-user"]
    script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
    return [
        "unshare",
        *as_root,
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        "sh",
        str(bundle),
        str(over),
    ]


def trusting(trusted_by: str, certs: Certs, tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    """The environment and command prefix of a child that trusts the test's authority through `trusted_by`: the
    system bundle, SSL_CERT_FILE, or nothing."""
    env = cli_env()
    for name in TRUST_ENV:  # whatever the machine sets (some set SSL_CERT_FILE to the system bundle)
        env.pop(name, None)
    if trusted_by == "system":
        system = system_bundle()
        return env, in_private_mount(certs.bundle_with(system, tmp_path / "bundle.pem"), system)
    if trusted_by == tls.CERT_FILE_ENV:
        env[tls.CERT_FILE_ENV] = str(certs.ca)
    return env, []


# -- trusted: through the system bundle, or SSL_CERT_FILE ----------------------------------------------------------


@pytest.mark.parametrize("trusted_by", ["system", tls.CERT_FILE_ENV])
def test_mint_trusts_a_server_the_system_trusts(
    trusted_by: str, certs: Certs, tls_server: FakeOpenAI, tmp_path: Path
) -> None:
    env, prefix = trusting(trusted_by, certs, tmp_path)
    ran = run_cli("mint", "--base-url", tls_server.base_url, env=env, prefix=prefix)
    assert ran.code == 0, ran.err
    assert ran.out.startswith("ek_")
    assert len(tls_server.requests) == 1


@pytest.mark.parametrize("trusted_by", ["system", tls.CERT_FILE_ENV])
def test_verify_trusts_the_same_server(
    trusted_by: str, certs: Certs, tls_server: FakeOpenAI, token: MintedToken, tmp_path: Path
) -> None:
    env, prefix = trusting(trusted_by, certs, tmp_path)
    ran = run_cli("verify", "--base-url", tls_server.base_url, env=env, stdin=token.value, prefix=prefix)
    assert ran.code == 0, ran.err
    assert f"session {token.session_id} opened" in ran.out
    assert [r.method for r in tls_server.requests] == ["POST", "GET"], "the session opened over wss://"


def test_the_bundle_is_changed_only_inside_the_child(certs: Certs, tmp_path: Path) -> None:
    system = system_bundle()
    before = system.read_bytes()
    env, prefix = trusting("system", certs, tmp_path)
    ran = run_cli("--version", env=env, prefix=prefix)
    assert ran.code == 0, ran.err
    assert system.read_bytes() == before
    assert certs.ca.read_bytes() not in before


# -- untrusted: one sentence, exit 4, nothing sent ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["mint", "verify"])
def test_an_untrusted_certificate_is_refused_alike(
    command: str, certs: Certs, tls_server: FakeOpenAI, tmp_path: Path
) -> None:
    env, _ = trusting("nothing", certs, tmp_path)
    ran = run_cli(command, "--base-url", tls_server.base_url, env=env, stdin="ek_0123456789abcdefghij")
    assert ran.code == 4
    host = tls_server.base_url.split("/")[2]
    assert f"The TLS certificate of {host} {UNVERIFIED} (unable to get local issuer certificate). {CAUSE}" in ran.err
    assert ran.out == ""
    assert tls_server.requests == [], "nothing reaches a server that is not trusted"


@pytest.mark.parametrize("command", ["mint", "verify"])
@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("SSL_CERT_FILE", "missing.pem", "cannot be used as a file of PEM certificates (no such file or directory)"),
        ("SSL_CERT_FILE", "empty.pem", "cannot be used as a file of PEM certificates (no certificate in it could"),
        ("SSL_CERT_DIR", "missing", "cannot be used as a folder of hashed certificates (no such folder)"),
    ],
)
def test_an_unusable_trust_setting_is_a_sentence(
    command: str, name: str, value: str, said: str, tls_server: FakeOpenAI, tmp_path: Path
) -> None:
    (tmp_path / "empty.pem").write_text("not a certificate\n")
    env = {k: v for k, v in cli_env().items() if k not in TRUST_ENV}
    env[name] = str(tmp_path / value)
    ran = run_cli(command, "--base-url", tls_server.base_url, env=env, stdin="ek_0123456789abcdefghij")
    assert ran.code == 2, ran.err
    assert f"{name} names '{tmp_path / value}', which {said}" in ran.err
    assert "or unset it to trust the system's certificates." in ran.err
    assert tls_server.requests == []


@pytest.mark.parametrize("command", ["mint", "verify"])
def test_plain_http_on_this_machine_needs_no_trust_store(command: str, tmp_path: Path) -> None:
    """The trust store is read only for a connection that uses TLS: against the demo server on this machine, an
    SSL_CERT_FILE that cannot be used is nobody's business."""
    env = {**cli_env(), tls.CERT_FILE_ENV: str(tmp_path / "missing.pem")}
    with FakeOpenAI(api_key=TEST_KEY) as plain:
        token = run_cli("mint", "--base-url", plain.base_url, env=env).out if command == "verify" else ""
        ran = run_cli(command, "--base-url", plain.base_url, env=env, stdin=token)
    assert ran.code == 0, ran.err
    assert ran.out.startswith("ek_" if command == "mint" else "session sess_")


# -- one policy, the one httpx2 has ---------------------------------------------------------------------------------


@pytest.mark.parametrize("trusted_by", ["system", tls.CERT_FILE_ENV, tls.CERT_DIR_ENV])
def test_the_context_trusts_what_httpx2_trusts(
    trusted_by: str, certs: Certs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in TRUST_ENV:
        monkeypatch.delenv(name, raising=False)
    if trusted_by == tls.CERT_FILE_ENV:
        monkeypatch.setenv(trusted_by, str(certs.ca))
    elif trusted_by == tls.CERT_DIR_ENV:
        monkeypatch.setenv(trusted_by, str(tmp_path))
    ours, theirs = tls.client_context(), httpcore2.default_ssl_context()
    assert tls.trust_store().source == trusted_by
    assert ours.get_ca_certs() == theirs.get_ca_certs()
    assert (ours.verify_mode, ours.check_hostname) == (theirs.verify_mode, theirs.check_hostname)
    assert ours.verify_mode == ssl.CERT_REQUIRED
    assert ours.check_hostname


def test_mint_loads_httpx2_and_never_httpx_or_certifi(tls_server: FakeOpenAI, certs: Certs) -> None:
    code = "import sys\nfrom realtime_gui.cli import main\nmain(sys.argv[1:])"
    env = {**cli_env(), tls.CERT_FILE_ENV: str(certs.ca)}
    probe = modules_loaded(
        code,
        ["httpx", "httpcore", "certifi", "httpx2", "httpcore2"],
        args=["mint", "--base-url", tls_server.base_url, "--verify"],
        env=env,
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert {m.split(".")[0] for m in probe.modules} == {"httpx2", "httpcore2"}


# -- the window: Create and Test on the same policy -----------------------------------------------------------------


@pytest.fixture
def fresh_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window's shared token client made anew in this test, so its TLS context is built with this test's trust."""
    from realtime_gui.net import client

    monkeypatch.setattr(client, "_shared", None)
    yield
    made = client._shared
    if made is not None:
        made.close()


def test_the_window_s_create_and_test_trust_what_the_cli_trusts(
    qtbot: QtBot,
    open_window: OpenWindow,
    tls_server: FakeOpenAI,
    certs: Certs,
    fresh_client: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in TRUST_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(tls.CERT_FILE_ENV, str(certs.ca))
    window = open_window()
    window.profiles["test"] = Profile("test", Connection(base_url=tls_server.base_url, timeout=10))
    with qtbot.waitSignal(window.controller.minted, timeout=WAIT_MS):
        qtbot.mouseClick(window.mint_button, Qt.MouseButton.LeftButton)
    test_button = child(window, QAbstractButton, "verifyToken")
    verifier = window.controller.verifier

    with qtbot.waitSignal(verifier.verified, timeout=WAIT_MS):
        qtbot.mouseClick(test_button, Qt.MouseButton.LeftButton)
    assert [r.method for r in tls_server.requests] == ["POST", "GET"]

    monkeypatch.delenv(tls.CERT_FILE_ENV)  # each Test makes its context anew: now it trusts the system alone
    with qtbot.waitSignal(verifier.failed, timeout=WAIT_MS):
        qtbot.mouseClick(test_button, Qt.MouseButton.LeftButton)
    shown = child(window, QLabel, "verifyResult").text()
    host = tls_server.base_url.split("/")[2]
    assert f"The TLS certificate of {host} {UNVERIFIED} (unable to get local issuer certificate). {CAUSE}" in shown
    assert len(tls_server.requests) == 2, "nothing reached the server the second time"
