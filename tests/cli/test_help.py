"""Help that fits and teaches: one-line summaries in ``b12kg --help`` without "…", an example in every
command's help, and shell completion (click's ``_B12KG_COMPLETE``) of commands, query names, parameters,
export formats and concepts — checked through the real bash script too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import Result

from b12kg.cli import cli

Invoke = Callable[..., Result]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands(cli))


def test_summaries_fit_without_ellipsis(b12kg: Invoke) -> None:
    res = b12kg("--help")
    listing = res.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(listing) == len(cli.commands)
    for line in listing:
        assert not line.endswith(("...", "…")), line
        assert len(line) <= 80, line


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_an_example(b12kg: Invoke, command: tuple[str, ...]) -> None:
    res = b12kg(*command, "--help")
    assert res.exit_code == 0, res.output
    assert "Example" in res.stdout, f"b12kg {' '.join(command)} --help shows no example"
    examples = res.stdout.split("Example", 1)[1]
    assert "b12kg " in examples or "_B12KG_" in examples


def _complete(b12kg: Invoke, words: str) -> list[str]:
    """What bash completion offers for the command line ``words`` (the last word is being typed)."""
    parts = words.split(" ")
    res = b12kg(env={"_B12KG_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)})
    assert res.exit_code == 0, res.output
    return [line.split(",", 1)[1] for line in res.stdout.splitlines()]


@pytest.mark.parametrize(("words", "offered"), [
    ("b12kg sh", ["show"]),
    ("b12kg query vegan", ["vegan-sources"]),
    ("b12kg query about-concept -p con", ["concept="]),
    ("b12kg export -f kg", ["kgx", "kgx-jsonl"]),
    ("b12kg query vegan-sources -f ts", ["tsv"]),
    ("b12kg show b12kg:muscle_sp", ["b12kg:muscle_spasm"]),
    ("b12kg show parae", ["b12kg:paraesthesia"]),
    ("b12kg cache c", ["clear"]),
])
def test_completion_offers(b12kg: Invoke, words: str, offered: list[str]) -> None:
    assert _complete(b12kg, words) == offered


def test_bash_completion_script_works_in_bash(cli_env: dict[str, str], tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    exe = Path(sys.executable).parent / "b12kg"
    if not exe.exists():
        pytest.skip("the b12kg console script is not installed beside this Python")
    env = {**os.environ, **cli_env, "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = ('eval "$(_B12KG_COMPLETE=bash_source b12kg)"\n'
              'COMP_WORDS=(b12kg query symptoms-by); COMP_CWORD=2\n'
              '_b12kg_completion b12kg\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    out = subprocess.run([bash, "--norc", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["symptoms-by-kind"]
