"""A cold ``b12kg query`` answers from the compiled store in the cache: it parses no RDF file and imports
none of rdflib, owlready2, pyshacl, curies or pydantic (checked with ``python -X importtime``); printed as a
table, with label parameters, it does not even import click or another command's module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from b12kg import KnowledgeGraph

HEAVY = ("rdflib", "owlready2", "pyshacl", "curies", "pydantic", "sssom_pydantic")


def _query_name(kg: KnowledgeGraph) -> str:
    names = kg.catalog.names()
    assert names
    return "symptoms-by-kind" if "symptoms-by-kind" in names else names[0]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def warm_env(tmp_path_factory: pytest.TempPathFactory, kg: KnowledgeGraph) -> dict[str, str]:
    """An environment whose cache folder already holds the compiled store."""
    env = {**os.environ, "B12KG_CACHE_DIR": str(tmp_path_factory.mktemp("cold-cache"))}
    env.pop("B12KG_NO_CACHE", None)
    first = _run(["-m", "b12kg", "query", _query_name(kg), "-f", "tsv"], env)
    assert first.returncode == 0, first.stderr
    assert list(Path(env["B12KG_CACHE_DIR"], "stores").glob("bundled-*/db"))
    return env


def test_cold_query_imports_nothing_heavy(warm_env: dict[str, str], kg: KnowledgeGraph) -> None:
    name = _query_name(kg)
    r = _run(["-X", "importtime", "-m", "b12kg", "query", name, "-f", "tsv"], warm_env)
    assert r.returncode == 0, r.stderr
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines()
                if line.startswith("import time:")}
    assert "pyoxigraph" in imported and "b12kg.graph" in imported  # the log is real
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    assert heavy == [], f"imported on the cold query path: {heavy}"
    assert r.stdout == kg.run(name).to_tsv()


def test_cold_table_query_imports_no_click(warm_env: dict[str, str], kg: KnowledgeGraph) -> None:
    r = _run(["-X", "importtime", "-m", "b12kg", "query", "about-concept", "-p", "concept=muscle spasm"],
             {**warm_env, "COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "pyoxigraph" in imported and "b12kg.graph" in imported
    assert sorted(m for m in imported if m.split(".")[0] in (*HEAVY, "click")) == []
    assert sorted(m for m in imported if m.startswith("b12kg.cli.")) == ["b12kg.cli.fast", "b12kg.cli.terminal"]
    assert "muscle spasm" in r.stdout and "HP:0003394" in r.stdout


@pytest.mark.slow
def test_cold_query_parses_no_file(warm_env: dict[str, str], kg: KnowledgeGraph) -> None:
    """With parsing disabled (Dataset.fill raises), the warm cache still answers every query."""
    script = (
        "import sys\n"
        "from b12kg.store.dataset import Dataset\n"
        "def fail(self, store):\n"
        "    raise SystemExit('the cold path parsed the source files')\n"
        "Dataset.fill = fail\n"
        "from b12kg.cli import cli\n"
        "sys.exit(cli.main(sys.argv[1:], prog_name='b12kg', standalone_mode=False))\n"
    )
    for q in kg.catalog:
        r = _run(["-c", script, "query", q.name, "-f", "tsv"], warm_env)
        assert r.returncode == 0, (q.name, r.stderr)
        assert r.stdout == kg.run(q.name).to_tsv(), q.name


def test_sources_changed_means_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key follows the input files' bytes: an edited file is never answered from a stale store."""
    from b12kg.store.sources import Source

    monkeypatch.setenv("B12KG_CACHE_DIR", str(tmp_path / "cache"))
    ttl = tmp_path / "x.ttl"
    ttl.write_text('<https://w3id.org/b12kg/a> <http://www.w3.org/2000/01/rdf-schema#label> "one" .\n')
    one = KnowledgeGraph([Source(ttl, "data")], cache=True)
    assert one.query("SELECT ?l WHERE { b12kg:a rdfs:label ?l }").column("l") == ["one"]
    ttl.write_text('<https://w3id.org/b12kg/a> <http://www.w3.org/2000/01/rdf-schema#label> "two" .\n')
    two = KnowledgeGraph([Source(ttl, "data")], cache=True)
    assert two.query("SELECT ?l WHERE { b12kg:a rdfs:label ?l }").column("l") == ["two"]
    assert len(list((tmp_path / "cache" / "stores").glob("bundled-*"))) == 2
