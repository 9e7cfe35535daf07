"""The key stays secret: hints, redaction in messages and logs, and no plaintext keyring fallback."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import fail

from realtime_gui import redaction
from realtime_gui.keys import store as secrets
from realtime_gui.keys.api_key import InvalidKey, KeyringUnavailable
from realtime_gui.logs import RedactingFilter

from conftest import TEST_KEY
from memory_keyring import MemoryKeyring
from processes import modules_loaded


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("sk-proj-abcdefghijklmnopqrstuvwxyz1234", "sk-proj-…1234"),
        ("sk-abcdefghijklmnop5678", "sk-…5678"),
        ("ek_68af296e8e408191a1120ab6383263c2", "ek_…63c2"),
        ("azure0123456789abcdef", "…cdef"),
        ("short", "…rt"),
    ],
)
def test_key_hint_shows_only_prefix_and_last_four(key: str, hint: str) -> None:
    assert redaction.key_hint(key) == hint


def test_redact_replaces_given_secrets_and_key_shapes() -> None:
    text = f"bad {TEST_KEY} and sk-proj-AAAAAAAAAAAAAAAAAAAA9999 and ek_0123456789abcdef0123"
    clean = redaction.redact(text, TEST_KEY)
    assert TEST_KEY not in clean
    assert "AAAAAAAAAAAA" not in clean
    assert "0123456789abcdef0123" not in clean
    assert "sk-…WXYZ" in clean
    assert "sk-proj-…9999" in clean
    assert "ek_…0123" in clean


def test_log_records_are_redacted_including_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("realtime_gui.test")
    caplog.handler.addFilter(RedactingFilter())
    try:
        raise RuntimeError(f"boom with {TEST_KEY}")
    except RuntimeError:
        logger.exception("while sending key %s", TEST_KEY)
    assert TEST_KEY not in caplog.text
    assert "sk-…WXYZ" in caplog.text


def test_keyring_round_trip_per_profile(memory_keyring: MemoryKeyring) -> None:
    secrets.store_key("work", f"  {TEST_KEY}\n")
    assert memory_keyring.entries == {("realtime-gui", "work"): TEST_KEY}
    loaded = secrets.resolve_key("work")
    assert loaded is not None
    assert loaded.value == TEST_KEY
    assert loaded.source == "keyring"
    assert secrets.resolve_key("home") is None
    assert TEST_KEY not in repr(loaded)
    assert secrets.delete_key("work") is True
    assert secrets.delete_key("work") is False


def test_environment_wins_over_the_keyring(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("realtime-gui", "default", "sk-test-stored-0000000000")
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    loaded = secrets.resolve_key("default")
    assert loaded is not None
    assert loaded.source == "environment"
    assert loaded.value == TEST_KEY


def test_a_key_given_for_this_run_wins_then_the_environment_then_the_keyring(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    stored, from_env, typed = "sk-test-stored-0000000000", "sk-test-environment-1111", "sk-test-typed-2222222222"
    memory_keyring.set_password("realtime-gui", "work", stored)
    monkeypatch.setenv("OPENAI_API_KEY", from_env)
    found = [secrets.resolve_key("work", in_memory=typed), secrets.resolve_key("work")]
    monkeypatch.delenv("OPENAI_API_KEY")
    found.append(secrets.resolve_key("work"))
    assert [(k.value, k.source) if k else None for k in found] == [
        (typed, "memory"),
        (from_env, "environment"),
        (stored, "keyring"),
    ]


def test_no_keyring_raises_a_clear_error() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable, match="No OS keyring is available"):
        secrets.store_key("default", TEST_KEY)


def test_keyring_failures_become_keyring_unavailable() -> None:
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise keyring.errors.KeyringLocked("the collection is locked")

    keyring.set_keyring(Locked())
    with pytest.raises(KeyringUnavailable, match="Could not read the OS keyring: the collection is locked"):
        secrets.resolve_key("default")


@pytest.mark.parametrize("text", ["", "   ", "sk-has space", "sk-ünïcode"])
def test_keys_that_cannot_be_keys_are_refused(text: str, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(InvalidKey) as caught:
        secrets.store_key("default", text)
    assert memory_keyring.entries == {}
    if text.strip():
        assert text.strip() not in str(caught.value)


def test_core_modules_never_import_qt() -> None:
    probe = modules_loaded(
        "import realtime_gui.api.catalog, realtime_gui.api.request, realtime_gui.api.checks, realtime_gui.net.client\n"
        "import realtime_gui.keys.store, realtime_gui.cli, realtime_gui.logs, realtime_gui.demo\n"
    )
    assert probe.done.returncode == 0, probe.done.stderr
    assert probe.modules == []
