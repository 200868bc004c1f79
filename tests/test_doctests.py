"""The examples in the docstrings of the installed package run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import b12kg

MODULES = sorted(m.name for m in pkgutil.walk_packages(b12kg.__path__, "b12kg.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_examples_exist() -> None:
    total = sum(len(doctest.DocTestFinder().find(importlib.import_module(n))) for n in MODULES)
    assert total >= 20
