"""Finds workflow conditions that can never see the value they test: a step's `if` reading an env var only that
step's own `env` sets (GitHub evaluates the `if` first, so the var is empty there and the step never runs), and a
job's `if` reading `env` at all (the env context does not exist there).

`python tests/workflow_env.py .github/workflows` prints one line per finding and exits 1 if there is any (.ci/run).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

_ENV_READ = re.compile(r"\benv\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\]|\[\s*\"([^\"]+)\"\s*\])")


def env_reads(condition: object) -> set[str]:
    """The env var names an `if` expression reads (env.NAME, env['NAME'])."""
    if not isinstance(condition, str):
        return set()
    return {next(name for name in match.groups() if name) for match in _ENV_READ.finditer(condition)}


def _names(env: object) -> set[str]:
    return set(env) if isinstance(env, Mapping) else set()  # an expression (`env: ${{ fromJSON(…) }}`) names none


def findings(workflow: Mapping[str, Any], *, source: str) -> Iterator[str]:
    """One sentence per condition in `workflow` (a parsed workflow file) that reads an env it cannot see."""
    outer = _names(workflow.get("env"))
    jobs = workflow.get("jobs")
    for job_id, job in jobs.items() if isinstance(jobs, Mapping) else ():
        if not isinstance(job, Mapping):
            continue
        for name in sorted(env_reads(job.get("if"))):
            yield f"{source}: job {job_id}: `if` reads env.{name}, but a job's `if` has no env context."
        shared = outer | _names(job.get("env"))
        steps = job.get("steps")
        for number, step in enumerate(steps if isinstance(steps, list) else (), start=1):
            if not isinstance(step, Mapping):
                continue
            own = _names(step.get("env")) - shared
            for name in sorted(env_reads(step.get("if")) & own):
                label = step.get("name") or step.get("uses") or f"step {number}"
                yield (
                    f"{source}: job {job_id}, step {label!r}: `if` reads env.{name}, which only this step's env sets; "
                    "GitHub evaluates `if` before that env exists, so the step never runs. Set it at the job level."
                )


def check_folder(folder: Path) -> list[str]:
    found: list[str] = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(workflow, Mapping):
            found += findings(workflow, source=path.name)
    return found


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else ".github/workflows")
    found = check_folder(folder)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
