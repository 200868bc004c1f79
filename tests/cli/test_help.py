"""Help that fits and teaches: one-line summaries in ``b12kg --help`` without "…", an example in every
command's help, and shell completion (click's ``_B12KG_COMPLETE``) of commands, query names, parameters,
export formats and concepts — checked through the real bash script too. The command modules load only for
the command that runs: ``b12kg --help`` lists the commands from a table, checked here against the real ones."""

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

from b12kg.cli import COMMAND_TABLE, cli, load_all_commands

Invoke = Callable[..., Result]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


load_all_commands()
COMMANDS = list(_commands(cli))


def test_summaries_fit_without_ellipsis(b12kg: Invoke) -> None:
    res = b12kg("--help")
    listing = res.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(listing) == len(COMMAND_TABLE) == len(cli.commands)
    for line in listing:
        assert not line.endswith(("...", "…")), line
        assert len(line) <= 80, line


def test_command_table_is_the_commands() -> None:
    """The table that lists the commands without importing them names each command, its module and its
    short help exactly as the command itself does."""
    commands = load_all_commands()
    assert sorted(commands) == sorted(COMMAND_TABLE)
    for name, command in commands.items():
        module, short_help = COMMAND_TABLE[name]
        assert command.callback is not None and command.callback.__module__ == f"b12kg.cli.{module}", name
        assert command.get_short_help_str(80) == short_help, name
        assert not command.hidden


def _python(code: str, *args: str) -> str:
    r = subprocess.run([sys.executable, *args, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    return r.stdout + r.stderr


def test_help_lists_every_command_without_importing_them() -> None:
    """``b12kg --help`` imports no command module and prints what it prints with every command loaded."""
    out = _python(
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from b12kg.cli import cli, load_all_commands\n"
        "lazy = CliRunner().invoke(cli, ['--help'], prog_name='b12kg').output\n"
        "modules = {f'b12kg.cli.{m}' for m, _ in __import__('b12kg.cli').cli.COMMAND_TABLE.values()}\n"
        "print(sorted(modules & set(sys.modules)))\n"
        "load_all_commands()\n"
        "print(lazy == CliRunner().invoke(cli, ['--help'], prog_name='b12kg').output)\n")
    assert out.split("\n")[:2] == ["[]", "True"]


def test_a_command_loads_only_its_module() -> None:
    """``b12kg queries`` imports the module of its command and no other command module."""
    out = _python("import atexit, sys\n"
                  "modules = {f'b12kg.cli.{m}' for m, _ in __import__('b12kg.cli').cli.COMMAND_TABLE.values()}\n"
                  "atexit.register(lambda: print('LOADED', sorted(modules & set(sys.modules)), file=sys.stderr))\n"
                  "sys.argv = ['b12kg', 'queries']\n"
                  "from b12kg.cli import main\n"
                  "main()\n")
    assert "symptoms-by-kind" in out
    assert out.splitlines()[-1] == "LOADED ['b12kg.cli.core']"


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
