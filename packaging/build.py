"""Builds the Realtime GUI bundle for the OS this runs on, from packaging/realtime-gui.spec.

    python packaging/build.py [--smoke-test]

Linux:   dist/realtime-gui/realtime-gui (folder bundle) and dist/realtime-gui-VERSION-linux-ARCH.tar.gz
         (with realtime-gui.desktop and the icon)
macOS:   dist/Realtime GUI.app and dist/Realtime-GUI-VERSION-macos.zip
Windows: dist/realtime-gui-VERSION-windows.exe (one file, no console)

--smoke-test runs the frozen binary's own `--smoke-test` (offscreen demo mint and keyring check) and fails the build
if it does not pass. Needs PyInstaller: pip install -e '.[package]'.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
SPEC = ROOT / "packaging" / "realtime-gui.spec"
APP = "realtime-gui"

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=Realtime GUI
GenericName=Realtime token minter
Comment=Mint short-lived OpenAI Realtime API tokens
Exec=realtime-gui
Icon=realtime-gui
Terminal=false
Categories=Development;Utility;
StartupWMClass=realtime-gui
"""

VERSION_INFO = """# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(filevers=({v}), prodvers=({v}), mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'realtime-gui developers'),
      StringStruct('FileDescription', 'Realtime GUI'),
      StringStruct('FileVersion', '{dotted}'),
      StringStruct('InternalName', 'realtime-gui'),
      StringStruct('OriginalFilename', 'realtime-gui.exe'),
      StringStruct('ProductName', 'Realtime GUI'),
      StringStruct('ProductVersion', '{dotted}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "realtime_gui" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def write_version_info(dotted: str) -> None:
    parts = [int(p) for p in dotted.split(".")[:4] if p.isdigit()]
    parts += [0] * (4 - len(parts))
    text = VERSION_INFO.format(v=", ".join(map(str, parts)), dotted=dotted)
    (ROOT / "packaging" / "version_info.txt").write_text(text, encoding="utf-8")


def run_pyinstaller() -> None:
    cmd = [
        sys.executable, "-m", "PyInstaller", str(SPEC),
        "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(DIST), "--workpath", str(WORK),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, cwd=ROOT)


def size_mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def pack_linux(dotted: str) -> Path:
    folder = DIST / APP
    (folder / f"{APP}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    shutil.copy2(ROOT / "resources" / "icons" / "realtime-gui-256.png", folder / f"{APP}.png")
    archive = DIST / f"{APP}-{dotted}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=APP)
    return archive


def pack_macos(dotted: str) -> Path:
    bundle = DIST / "Realtime GUI.app"
    archive = DIST / f"Realtime-GUI-{dotted}-macos.zip"
    subprocess.run(["ditto", "-c", "-k", "--keepParent", str(bundle), str(archive)], check=True)
    return archive


def pack_windows(dotted: str) -> Path:
    exe = DIST / f"{APP}.exe"
    named = DIST / f"{APP}-{dotted}-windows.exe"
    shutil.move(exe, named)
    return named


def frozen_binary() -> Path:
    if sys.platform == "darwin":
        return DIST / "Realtime GUI.app" / "Contents" / "MacOS" / APP
    if sys.platform == "win32":
        return next(DIST.glob(f"{APP}-*-windows.exe"))
    return DIST / APP / APP


def smoke_test(binary: Path) -> dict[str, object]:
    report_file = WORK / "smoke-report.json"  # read when a windowed build had no stdout to print to
    report_file.unlink(missing_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "REALTIME_GUI_SMOKE_REPORT": str(report_file)}
    started = time.perf_counter()
    done = subprocess.run([str(binary), "--smoke-test"], env=env, capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - started
    lines = done.stdout.splitlines() + (report_file.read_text().splitlines() if report_file.exists() else [])
    line = next((x for x in reversed(lines) if x.startswith("{")), "")
    report: dict[str, object]
    try:
        report = json.loads(line)
    except ValueError:
        report = {"ok": False, "error": "no JSON report"}
    if done.returncode != 0 or not report.get("ok"):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"smoke test of the frozen build failed: {report.get('error')}")
    report["wall_ms"] = round(wall * 1000, 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke-test", action="store_true", help="run the frozen binary's --smoke-test after")
    args = parser.parse_args()
    dotted = version()
    started = time.perf_counter()
    if sys.platform == "win32":
        write_version_info(dotted)
    run_pyinstaller()
    if sys.platform == "darwin":
        artifact = pack_macos(dotted)
        bundle = DIST / "Realtime GUI.app"
    elif sys.platform == "win32":
        artifact = pack_windows(dotted)
        bundle = artifact
    else:
        artifact = pack_linux(dotted)
        bundle = DIST / APP
    print(f"built {bundle} ({size_mib(bundle):.1f} MiB) in {time.perf_counter() - started:.0f} s")
    print(f"artifact {artifact} ({size_mib(artifact):.1f} MiB)")
    if args.smoke_test:
        report = smoke_test(frozen_binary())
        print("smoke test passed:", json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
