"""The example outputs shown in the README are the real outputs of the commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"^\$ b12kg ((?:query|show|search) [^\n|#>]+?)\n(.*?)(?=^\$ |^```)", README, re.M | re.S)


def test_the_readme_has_examples() -> None:
    assert len([e for e in EXAMPLES if e[1].strip()]) >= 2


@pytest.mark.parametrize(("command", "shown"), [e for e in EXAMPLES if e[1].strip()])
def test_readme_example_output_is_real(command: str, shown: str, tmp_path: Path) -> None:
    env = {"B12KG_CACHE_DIR": str(tmp_path), "COLUMNS": "80"}  # the README shows an 80-column terminal
    res = CliRunner().invoke(cli, shlex.split(command), env=env)
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == shown.strip()
