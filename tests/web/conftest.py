"""Fixtures of the server tests: the bundled graph as N-Quads, a query engine in-process, and a running server.

The running server is ``b12kg serve`` in a child process on a free port of 127.0.0.1 (a short ``--timeout``
so that the time-limit tests are quick), shared by the tests of a session and stopped at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from web_helpers import TEST_TIMEOUT, Served, serving

from b12kg import KnowledgeGraph
from b12kg.web.worker import Engine, WorkerSettings


@pytest.fixture(scope="session")
def nquads(tmp_path_factory: pytest.TempPathFactory, kg: KnowledgeGraph) -> Path:
    """The bundled graph (what the server serves) as an N-Quads file."""
    path = tmp_path_factory.mktemp("served") / "graph.nq"
    kg.store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="session")
def engine(nquads: Path) -> Engine:
    """A worker's query engine, in-process."""
    return Engine(WorkerSettings(nquads))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, kg: KnowledgeGraph) -> Iterator[Served]:
    """``b12kg serve`` on the bundled graph, two workers, a 2-second time limit, a 32 kB body limit."""
    tmp = tmp_path_factory.mktemp("server")
    with serving(tmp, "--workers", "2", "--max-workers", "6", "--timeout", str(TEST_TIMEOUT), "--max-body", "32k") as s:
        yield s
