"""The release workflow: no condition reads an env it cannot see (tests/workflow_env.py, which .ci/run also runs, on
the real file and on the mistake it was written for), and zizmor's audits pass at medium and above."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from workflow_env import check_folder, env_reads, findings, main

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"

# The release workflow as it was (issue 17 §6): each signing step tested a secret copied into its own env.
BAD = """
name: release
on: push
env:
  EVERYWHERE: "1"
jobs:
  build:
    if: env.EVERYWHERE == '1'
    runs-on: macos-14
    env:
      SHARED: ${{ secrets.SHARED != '' }}
    steps:
      - name: Sign and notarize (macOS)
        if: runner.os == 'macOS' && env.MACOS_SIGNING_IDENTITY != ''
        env:
          MACOS_SIGNING_IDENTITY: ${{ secrets.MACOS_SIGNING_IDENTITY }}
        run: codesign …
      - uses: some/action@0123456789abcdef0123456789abcdef01234567
        if: ${{ env['WINDOWS_CERTIFICATE'] != '' }}
        env:
          WINDOWS_CERTIFICATE: ${{ secrets.WINDOWS_CERTIFICATE }}
      - name: Fine, the job sets it
        if: env.SHARED == 'true' && env.EVERYWHERE == '1'
        env:
          SHARED: "overridden for the run only"
        run: echo ok
      - name: Fine, no condition
        env:
          TOKEN: x
        run: echo ok
"""


def test_the_check_finds_each_step_that_gates_on_its_own_env_and_a_job_if_reading_env() -> None:
    found = list(findings(yaml.safe_load(BAD), source="bad.yml"))
    assert found == [
        "bad.yml: job build: `if` reads env.EVERYWHERE, but a job's `if` has no env context.",
        "bad.yml: job build, step 'Sign and notarize (macOS)': `if` reads env.MACOS_SIGNING_IDENTITY, which only this "
        "step's env sets; GitHub evaluates `if` before that env exists, so the step never runs. Set it at the job "
        "level.",
        "bad.yml: job build, step 'some/action@0123456789abcdef0123456789abcdef01234567': `if` reads "
        "env.WINDOWS_CERTIFICATE, which only this step's env sets; GitHub evaluates `if` before that env exists, so "
        "the step never runs. Set it at the job level.",
    ]


def test_env_reads_sees_every_spelling() -> None:
    assert env_reads("env.A == '1' && env [ 'B' ] != '' || env[\"C-D\"]") == {"A", "B", "C-D"}
    assert env_reads("runner.os == 'macOS' && github.event.environment == 'x'") == set()
    assert env_reads(None) == set()


def test_the_command_exits_1_on_the_bad_example_and_0_on_the_release_workflow(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(BAD, encoding="utf-8")
    assert len(check_folder(tmp_path)) == 3
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "workflow_env.py"), str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 3
    assert check_folder(WORKFLOWS) == []
    assert main([str(WORKFLOWS)]) == 0


def test_signing_is_switched_by_job_level_env_derived_from_the_secrets() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "release.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]
    for switch, secret in (("MACOS_SIGNING", "MACOS_CERTIFICATE"), ("WINDOWS_SIGNING", "WINDOWS_CERTIFICATE")):
        assert f"secrets.{secret} != ''" in build["env"][switch]
    gated = {step.get("name", ""): step["if"] for step in build["steps"] if "SIGNING" in str(step.get("if"))}
    assert set(gated) == {
        "Import the macOS signing certificate",
        "Check the signature, notarize and staple (macOS)",
        "Sign (Windows)",
    }
    scripts = "\n".join(step.get("run", "") for step in build["steps"])
    assert "codesign --verify" in scripts
    assert "--deep" not in scripts, "the spec signs inside-out as it builds"


def test_zizmor_passes_the_workflows_at_medium_and_above() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    done = subprocess.run(
        [str(zizmor), "--offline", "--min-severity", "medium", str(WORKFLOWS)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout + done.stderr
