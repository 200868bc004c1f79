"""Shared fixtures: the bundled graph is parsed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from b12kg import KnowledgeGraph

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled knowledge graph (read-only: do not modify it in tests)."""
    return KnowledgeGraph.bundled()


@pytest.fixture(scope="session")
def asserted() -> KnowledgeGraph:
    """The bundled graph without the inferred (OWL RL) statements: what curators asserted."""
    return KnowledgeGraph.bundled(inferred=False)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
