"""Shared helpers of the command-line tests: one cache folder for the module's runs and an 80-column
terminal, so outputs are the same on every machine."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest
from click.testing import CliRunner, Result

from b12kg.cli import cli

Invoke = Callable[..., Result]


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An environment with a cache folder of its own and 80 columns."""
    yield {"B12KG_CACHE_DIR": str(tmp_path_factory.mktemp("cli-cache")), "COLUMNS": "80"}


@pytest.fixture
def b12kg(cli_env: dict[str, str]) -> Invoke:
    """Run ``b12kg ARGS…`` in-process; the result has ``exit_code``, ``stdout`` and ``stderr``."""

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env={**cli_env, **(env or {})}, input=input,
                                  prog_name="b12kg")

    return invoke


@pytest.fixture
def too_wide() -> Callable[[str], Sequence[str]]:
    """A function giving the lines of a text wider than 80 columns (none, when it fits)."""
    from b12kg.core.results import display_width

    return lambda text: [line for line in text.splitlines() if display_width(line) > 80]
