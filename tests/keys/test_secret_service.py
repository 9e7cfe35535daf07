"""The key through a real Secret Service: gnome-keyring in a private D-Bus session, driven by the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_gui.demo import FakeOpenAI

from conftest import TEST_KEY, assert_in_no_file, require_programs

SCRIPT = r"""
set -u
printf '%s' 'unlock-for-tests' | gnome-keyring-daemon --unlock --components=secrets > /dev/null
printf '%s\n' "$KEY_FOR_TEST" | "$PY" -m realtime_gui key set --profile ci
echo "set=$?"
"$PY" -m realtime_gui key status --profile ci
echo "status=$?"
"$PY" -m realtime_gui mint --profile ci --base-url "$BASE" > "$OUT/token"
echo "mint=$?"
secret-tool lookup service realtime-gui username ci > "$OUT/lookup"
"$PY" -m realtime_gui key delete --profile ci
"$PY" -m realtime_gui key status --profile ci
echo "status-after-delete=$?"
"""


@pytest.mark.long
@pytest.mark.secret_service
def test_key_set_status_mint_delete_through_gnome_keyring(server: FakeOpenAI, tmp_path: Path) -> None:
    require_programs("dbus-run-session", "gnome-keyring-daemon", "secret-tool")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENAI_API_KEY", "PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_RUNTIME_DIR=str(tmp_path),
        KEY_FOR_TEST=TEST_KEY,
        PY=sys.executable,
        BASE=server.base_url,
        OUT=str(tmp_path),
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    out = done.stdout
    assert "set=0" in out, done.stderr
    assert "in the OS keyring (SecretService Keyring)" in out
    assert "Profile 'ci': key sk-…WXYZ stored" in out
    assert "status=0" in out
    assert "mint=0" in out, done.stderr
    assert (tmp_path / "token").read_text().startswith("ek_")
    assert server.requests[-1].headers["authorization"] == f"Bearer {TEST_KEY}"
    # The secret really is in gnome-keyring: libsecret's own tool reads it back.
    assert (tmp_path / "lookup").read_text().strip() == TEST_KEY
    assert "Deleted the API key of profile 'ci'" in out
    assert "status-after-delete=2" in out
    assert TEST_KEY not in out + done.stderr
    # gnome-keyring encrypts its files: the key is nowhere in plain text under HOME.
    assert_in_no_file(home, TEST_KEY)
