"""`realtime-gui --smoke-test` from the installed package, and the icons derived from the SVG."""

from __future__ import annotations

import json
import os
import platform
import struct
import subprocess
import sys
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_test_mints_through_the_window_and_reports_json(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("realtime-gui")
    report_file = tmp_path / "report.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "REALTIME_GUI_SMOKE_REPORT": str(report_file)}
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        env.pop(name, None)
    done = subprocess.run([str(script), "--smoke-test"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"] is True
    assert report["frozen"] is False
    assert report["checks"]["mint"].startswith("token ek_")
    assert report["checks"]["demo_server"].startswith("http://127.0.0.1:")
    assert report["checks"]["keyring"]["platform_backend"] == "keyring.backends.SecretService"
    assert set(report["steps_ms"]) == {"qt", "refcount", "window", "mint", "keyring", "trust_store"}
    trust = report["checks"]["trust_store"]  # Linux: the distribution's bundle, as OpenSSL was built to find it
    assert trust["source"] == "system"
    assert trust["trust_store"].startswith("the system's certificates (/")
    assert trust["certificates_loaded"] > 0
    assert report["python"] == platform.python_version()
    assert report["pyside6"] == PySide6.__version__
    assert report["checks"]["void_calls"] == {"calls": 3000, "none_refcount_drift": 0}
    assert done.stderr == "", "Qt's messages go to the log, not the terminal"
    assert json.loads(report_file.read_text()) == report, "the same report, for builds without a stdout"


def test_smoke_test_fails_loudly_when_a_check_fails(tmp_path: Path) -> None:
    # A keyring that cannot load is a broken build: the report says so and the exit code is 1.
    (tmp_path / "keyring").mkdir()
    (tmp_path / "keyring" / "__init__.py").write_text("raise ImportError('simulated missing package')\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(tmp_path)}
    code = "import sys; from realtime_gui.cli import main; sys.exit(main(['--smoke-test']))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"] is False
    assert "simulated missing package" in report["error"]


def test_smoke_test_fails_when_pyside6_loses_references_to_none() -> None:
    # QLabel.setText made to drop a reference to None per call, as every void method of PySide6-Essentials 6.12.0
    # does on Python 3.11: the build is refused before a long session could abort, and the report says why.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT / "tests")}
    code = (
        "import sys, faulty_pyside; faulty_pyside.install()\n"
        "from realtime_gui.cli import main; sys.exit(main(['--smoke-test']))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, "still one JSON line"
    report = json.loads(lines[0])
    assert report["ok"] is False
    assert report["pyside6"] == PySide6.__version__
    assert report["python"] == platform.python_version()
    assert f"PySide6 {PySide6.__version__} on Python {platform.python_version()}" in report["error"]
    assert "by -500 over 3000 void calls (QLabel.setText -500, QFormLayout.setRowVisible 0" in report["error"]
    assert "none_dealloc" in report["error"]
    assert "Traceback" not in done.stdout + done.stderr


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_committed_icons_are_the_svg_rendered() -> None:
    icons = ROOT / "resources" / "icons"
    for size in (32, 64, 128, 256, 512):
        assert _png_size((icons / f"realtime-gui-{size}.png").read_bytes()) == (size, size)
    assert _png_size((ROOT / "realtime_gui" / "qt" / "icon.png").read_bytes()) == (256, 256)
    ico = (icons / "realtime-gui.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    for i in range(count):
        width, _, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i])
        side = width or 256
        assert _png_size(ico[offset : offset + length]) == (side, side)
    icns = (icons / "realtime-gui.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    position, kinds = 8, []
    while position < len(icns):
        kind, length = icns[position : position + 4], struct.unpack(">I", icns[position + 4 : position + 8])[0]
        kinds.append(kind)
        assert icns[position + 8 : position + 16] == b"\x89PNG\r\n\x1a\n"
        position += length
    assert {b"icp4", b"ic10"} <= set(kinds)


def test_make_icons_reproduces_the_committed_files(qapp: object) -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.pop(0)
    pngs = {size: make_icons.render(size) for size in make_icons.PNG_SIZES}
    assert make_icons.ico(pngs)[:22] == (ROOT / "resources/icons/realtime-gui.ico").read_bytes()[:22]
    assert _png_size(pngs[1024]) == (1024, 1024)
