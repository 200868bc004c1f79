"""Every named query gives its expected answer on every RDF release file: on Oxigraph and rdflib through
b12kg, and in Apache Jena ARQ (issue: HermiT's inferred subclass axioms in b12kg-full changed two answers).

A query whose header says ``# requires: imports`` (or ``mappings``) reads graphs that b12kg-base does not
hold; there the manifest's ``graphs`` of the file explain the difference, and the test checks that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from interop_tools import RDF_FILES, run

from b12kg import ConceptNotFoundError, KnowledgeGraph, QueryCatalog
from b12kg.core.results import QueryResult
from b12kg.core.sparql import bind_values
from b12kg.core.terms import Term, from_oxigraph
from b12kg.queries.binding import bind_parameters

CATALOG = QueryCatalog()
NAMES = CATALOG.names()


def expected(name: str) -> str:
    path = CATALOG.get(name).expected_path
    assert path is not None
    return path.read_text(encoding="utf-8")


def answerable(name: str, graphs: list[str]) -> bool:
    """Whether a file holding ``graphs`` has everything query ``name`` reads."""
    return set(CATALOG.get(name).requires) <= set(graphs)


@pytest.fixture(scope="module")
def loaded(release: Path) -> dict[str, KnowledgeGraph]:
    return {name: KnowledgeGraph.from_files([release / name]) for name in RDF_FILES}


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("file", sorted(RDF_FILES))
def test_every_named_query_on_every_release_file(
    loaded: dict[str, KnowledgeGraph], manifest: dict[str, dict[str, Any]], file: str, backend: str
) -> None:
    graphs = manifest[file]["graphs"]
    wrong = []
    for name in NAMES:
        try:
            got = loaded[file].run(name, backend=backend).to_tsv()  # type: ignore[arg-type]
        except ConceptNotFoundError:  # a default parameter names a term of the graphs the file lacks
            assert not answerable(name, graphs), name
            continue
        if answerable(name, graphs):
            if got != expected(name):
                wrong.append(name)
        else:
            assert got != expected(name), f"{name} declares '# requires:' graphs it does not need"
    assert wrong == [], f"{file} on {backend}: {wrong}"


def test_base_lacks_only_what_the_queries_declare(manifest: dict[str, dict[str, Any]]) -> None:
    base = manifest["b12kg-base.ttl"]["graphs"]
    assert "imports" not in base and "mappings" in base
    assert {n for n in NAMES if not answerable(n, base)} == {
        "xref-chebi-biomarkers", "xref-concept-ids", "xref-hp-nervous-system-phenotypes"}
    full = manifest["b12kg-full.ttl"]["graphs"]
    assert "inferred" in full and all(answerable(n, full) for n in NAMES)


def _jena_term(cell: str) -> Term | None:
    """A term of ARQ's TSV output (N-Triples syntax, or a bare number or boolean)."""
    import pyoxigraph as ox

    if cell == "":
        return None
    if cell[0] not in '<"_':
        datatype = "boolean" if cell in ("true", "false") else "integer" if cell.lstrip("-").isdigit() else "decimal"
        return Term.literal(cell, "http://www.w3.org/2001/XMLSchema#" + datatype)
    parsed = next(iter(ox.parse(f"<x:s> <x:p> {cell} .", format=ox.RdfFormat.N_TRIPLES))).object
    return from_oxigraph(parsed)


def _jena_results(output: str) -> dict[tuple[str, str], QueryResult]:
    """ARQ's TSV results by (data file name, query name)."""
    results: dict[tuple[str, str], QueryResult] = {}
    for block in output.split("### ")[1:]:
        lines = block.rstrip("\n").split("\n")
        data, query = lines[0].rsplit(" ", 1)
        variables = [v.lstrip("?") for v in lines[1].split("\t")]
        rows = [tuple(_jena_term(c) for c in line.split("\t")) for line in lines[2:]]
        results[(Path(data).name, Path(query).stem)] = QueryResult(variables, rows)
    return results


def _same(got: QueryResult, name: str) -> bool:
    """Same header and rows (as a multiset: engines may order ORDER BY ties differently)."""
    a, b = got.to_tsv().split("\n"), expected(name).split("\n")
    return a[0] == b[0] and sorted(a[1:]) == sorted(b[1:])


def _bound_queries(kg: KnowledgeGraph, folder: Path) -> list[str]:
    """Every named query with its declared defaults bound (as b12kg binds them), one file each."""
    paths = []
    for name in NAMES:
        q = CATALOG.get(name)
        path = folder / f"{name}.rq"
        bindings = bind_parameters(q, {}, lambda text, terms, _source: kg.query(bind_values(text, terms),
                                                                                 with_labels=False))
        path.write_text(bind_values(q.text, bindings), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture(scope="module")
def arq(jena: list[str], release: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], QueryResult]:
    """Every named query on every RDF release file in Apache Jena ARQ (one JVM)."""
    paths = _bound_queries(KnowledgeGraph.bundled(), tmp_path_factory.mktemp("arq"))
    data = ":".join(str(release / f) for f in sorted(RDF_FILES))
    proc = run([*jena, str(Path(__file__).parent / "RunQueries.java"), data, *paths])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return _jena_results(proc.stdout)


@pytest.mark.parametrize("file", sorted(RDF_FILES))
def test_every_named_query_in_jena_arq(
    arq: dict[tuple[str, str], QueryResult], manifest: dict[str, dict[str, Any]], file: str
) -> None:
    assert {q for f, q in arq if f == file} == set(NAMES)
    wrong = [n for n in NAMES if answerable(n, manifest[file]["graphs"]) and not _same(arq[(file, n)], n)]
    assert wrong == [], f"{file} in Jena ARQ: {wrong}"


def test_manifest_counts_match_what_rdflib_reads(release: Path, manifest: dict[str, dict[str, Any]]) -> None:
    import rdflib

    for file, fmt in RDF_FILES.items():
        if fmt in ("nquads", "trig"):
            ds = rdflib.Dataset()
            ds.parse(release / file, format=fmt)
            assert sum(len(g) for g in ds.graphs()) == manifest[file]["quads"], file
        else:
            assert len(rdflib.Graph().parse(release / file, format=fmt)) == manifest[file]["triples"], file
    assert json.loads((release / "manifest.json").read_text())["inferred"]["triples"] > 0


@pytest.mark.parametrize("file", ["b12kg.nq", "b12kg-full.ttl"])
def test_every_named_query_on_oxigraph_server(release: Path, tmp_path: Path, file: str) -> None:
    """The same answers from an Oxigraph server (``--union-default-graph``) over the SPARQL protocol."""
    import shutil
    import socket
    import subprocess
    import time
    import urllib.parse
    import urllib.request

    oxigraph = shutil.which("oxigraph")
    if oxigraph is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph)")
    store = tmp_path / "store"
    assert run([oxigraph, "load", "--location", str(store), "--file", str(release / file)]).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([oxigraph, "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kg = KnowledgeGraph.from_files([release / file])

    def ask(query: str) -> str:
        url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return str(response.read().decode("utf-8"))

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ask("ASK {}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the Oxigraph server did not start")
                time.sleep(0.2)
        wrong = []
        for path in _bound_queries(kg, tmp_path):
            name = Path(path).stem
            got = _jena_results(f"### {file} {path}\n" + ask(Path(path).read_text()))[(file, name)]
            if not _same(got, name):
                wrong.append(name)
        assert wrong == [], f"{file} on the Oxigraph server: {wrong}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_pandas_reads_query_results_and_kgx(release: Path, loaded: dict[str, KnowledgeGraph]) -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is not installed (pip install '.[interop]')")
    import io

    frame = pandas.read_csv(io.StringIO(loaded["b12kg-full.ttl"].run("food-sources").to_csv()))
    assert list(frame.columns) == expected("food-sources").split("\n")[0].split("\t")
    assert len(frame) == len(expected("food-sources").splitlines()) - 1
    nodes = pandas.read_csv(release / "kgx" / "nodes.tsv", sep="\t")
    edges = pandas.read_csv(release / "kgx" / "edges.tsv", sep="\t")
    assert nodes["id"].is_unique and set(edges["subject"]) <= set(nodes["id"])
    twice = edges.groupby(["subject", "original_predicate", "object"]).size()
    assert (twice > 1).sum() >= 10 and edges["source_section"].str.startswith("b12kg:section_").all()
