"""Helpers of the hostile-input suite: run the real command line in a child process, bounded in time, and
check that a fault ends the way the README promises (one short message, the right exit code, no
traceback) and that nothing changed that should not have.

Each test area has its own file (``test_<area>.py``); every case asserts the exit code, a message that
names the fault and a clean stderr.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Run:
    """What a finished ``b12kg`` child process did."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


def run_b12kg(args: Iterable[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
              input: bytes | None = None, timeout: float = 60.0) -> Run:
    """Run ``python -m b12kg ARGS`` with a time bound (a hang fails the test instead of blocking the suite)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("B12KG_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "b12kg", *args], env=full_env, cwd=cwd, input=input,
                          capture_output=True, timeout=timeout, check=False)
    return Run(tuple(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


def assert_clean_failure(run: Run, *mentions: str, code: int = 2) -> None:
    """Exit ``code``, no traceback, a short message on stderr that contains every one of ``mentions``."""
    assert run.code == code, (run.args, run.code, run.stderr[-2000:])
    assert "Traceback (most recent call last)" not in run.stderr, run.stderr[-2000:]
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert lines, f"{run.args}: no message on stderr"
    assert len(run.stderr) < 4000, f"{run.args}: the message is {len(run.stderr)} characters long"
    for m in mentions:
        assert m.lower() in run.stderr.lower(), (run.args, m, run.stderr[-2000:])


def tree_digest(root: Path) -> dict[str, str]:
    """Path -> sha256 of every file under ``root`` (to prove that nothing changed)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def isolated_cache(tmp_path: Path) -> dict[str, str]:
    """An environment with a cache folder of its own (so a case cannot damage the shared one)."""
    return {"B12KG_CACHE_DIR": str(tmp_path / "cache")}
