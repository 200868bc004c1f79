"""The remote backend against a real ``oxigraph serve`` (the ``oxigraph`` package from PyPI) started on
127.0.0.1 and stopped by its PID: push through the Graph Store Protocol (idempotent for every format), then
every named query gives the same answers on Oxigraph, rdflib and the endpoint, in every protocol form."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import B12kgNotice, KnowledgeGraph
from b12kg.cli import cli
from b12kg.core.errors import ParameterError, QuerySyntaxError
from b12kg.store.engines import canonical_rows
from b12kg.store.remote import EndpointError, SparqlEndpoint, derive_store_url, parse_results_json, push_graph

XSD = "http://www.w3.org/2001/XMLSchema#"


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh ``oxigraph serve`` on a free port; yields its query URL; stopped by PID afterwards."""
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the 'oxigraph' server (pip install oxigraph) is not installed")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph-db")
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"oxigraph serve did not start: {err}")
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="module")
def pushed(server: str, kg: KnowledgeGraph) -> str:
    report = push_graph(kg, server)
    assert report.store_url == server.replace("/query", "/store")
    assert report.uploads == [("default graph", len(kg.store))]
    return server


@pytest.mark.slow
def test_every_named_query_agrees_on_three_backends(pushed: str, kg: KnowledgeGraph) -> None:
    remote = KnowledgeGraph.remote(pushed)
    assert kg.catalog.names()
    for q in kg.catalog:
        local = kg.query(q)
        rdf = kg.query(q, backend="rdflib")
        far = remote.query(q)
        assert far.variables == local.variables, q.name
        assert canonical_rows(far) == canonical_rows(local) == canonical_rows(rdf), q.name
        assert far.to_table() == local.to_table() or sorted(far.to_table().splitlines()) == sorted(
            local.to_table().splitlines()), q.name  # the same labels were looked up remotely


@pytest.mark.slow
def test_remote_parameters_labels_and_safety(pushed: str, kg: KnowledgeGraph) -> None:
    remote = KnowledgeGraph.remote(pushed)
    r = remote.query("SELECT ?l WHERE { ?s rdfs:label ?l }", {"s": "b12kg:vitamin_b12"})
    assert r.column("l") == ["vitamin B12"]
    about = kg.catalog.get("about-concept") if "about-concept" in kg.catalog else None
    if about is not None and about.parameters:
        name = about.parameters[0].name
        by_label = remote.query(about, {name: "vitamin B12"})  # a label resolved on the server
        assert canonical_rows(by_label) == canonical_rows(kg.query(about, {name: "b12kg:vitamin_b12"}))
    evil = 'x" } DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #'
    assert len(remote.query("SELECT ?s WHERE { ?s rdfs:label ?l }", {"l": evil})) == 0
    assert remote.query("ASK { b12kg:vitamin_b12 ?p ?o }").boolean is True  # nothing was dropped
    construct = remote.query("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 3")
    assert construct.variables == ["subject", "predicate", "object"] and len(construct) == 3
    with pytest.raises(QuerySyntaxError):
        remote.query("SELECT WHERE {")


@pytest.mark.slow
def test_push_into_named_graph_and_query_it(server: str, kg: KnowledgeGraph) -> None:
    graph = "https://example.org/b12kg-release"
    push_graph(kg, server, graph=graph)
    remote = KnowledgeGraph.remote(server, default_graph=graph)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert canonical_rows(remote.query(q)) == canonical_rows(kg.query(q))
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    n = SparqlEndpoint(server).query(q, {})
    assert n.rows[0][0] is not None and int(n.rows[0][0].value) == len(kg.store)


@pytest.mark.slow
def test_cli_push_and_query_endpoint(server: str, kg: KnowledgeGraph) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["push", "--endpoint", server, "--bundled-only"])
    assert r.exit_code == 0, r.output
    assert f"{len(kg.store)} triples" in r.output
    name = "symptoms-by-kind" if "symptoms-by-kind" in kg.catalog else kg.catalog.names()[0]
    far = runner.invoke(cli, ["query", name, "--endpoint", server, "-f", "tsv"])
    near = runner.invoke(cli, ["query", name, "-f", "tsv"])
    assert far.exit_code == 0, far.output
    assert sorted(far.output.splitlines()) == sorted(near.output.splitlines())
    assert runner.invoke(cli, ["query", name, "--backend", "remote"]).exit_code == 2
    assert runner.invoke(cli, ["query", name, "--endpoint", server, "--backend", "rdflib"]).exit_code == 2


def test_unreachable_endpoint_is_a_typed_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    with pytest.raises(EndpointError, match="cannot reach"):
        KnowledgeGraph.remote(url, timeout=2).query("ASK {}")
    r = CliRunner().invoke(cli, ["query", "-e", "ASK {}", "--endpoint", url])
    assert r.exit_code == 2 and "cannot reach" in r.output
    with pytest.raises(ParameterError, match="http"):
        SparqlEndpoint("ftp://example.org/sparql")


def test_results_json_and_store_url() -> None:
    doc = ('{"head": {"vars": ["s", "n", "l", "b", "u"]}, "results": {"bindings": [{'
           '"s": {"type": "uri", "value": "https://w3id.org/b12kg/liver"},'
           f'"n": {{"type": "literal", "value": "3", "datatype": "{XSD}integer"}},'
           '"l": {"type": "literal", "value": "Leber", "xml:lang": "de"},'
           '"b": {"type": "bnode", "value": "x1"}}]}}')
    r = parse_results_json(doc)
    assert r.variables == ["s", "n", "l", "b", "u"]
    s, n, label, b, u = r.rows[0]
    assert s is not None and s.is_iri and u is None
    assert n is not None and (n.value, n.datatype) == ("3", XSD + "integer")
    assert label is not None and (label.value, label.language) == ("Leber", "de")
    assert b is not None and b.kind == "bnode"
    assert parse_results_json('{"head": {}, "boolean": false}').boolean is False
    assert derive_store_url("http://h:7878/query") == "http://h:7878/store"
    assert derive_store_url("https://h/ds/sparql/") == "https://h/ds/store"
    assert derive_store_url("http://h:7878") == "http://h:7878/store"


def test_virtuoso_booleans_and_blank_nodes_read_as_the_local_engines_write_them() -> None:
    """Virtuoso writes xsd:boolean as 0/1 and blank nodes as nodeID://…, in JSON and in XML."""
    from b12kg.store.remote import _parse_results_other

    json_doc = ('{"head": {"vars": ["t", "f", "n", "b"]}, "results": {"bindings": [{'
                f'"t": {{"type": "typed-literal", "datatype": "{XSD}boolean", "value": "1"}},'
                f'"f": {{"type": "typed-literal", "datatype": "{XSD}boolean", "value": "0"}},'
                f'"n": {{"type": "typed-literal", "datatype": "{XSD}integer", "value": "0"}},'
                '"b": {"type": "bnode", "value": "nodeID://b10185"}}]}}')
    xml_doc = (f'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="t"/>'
               '<variable name="f"/><variable name="n"/><variable name="b"/></head><results><result>'
               f'<binding name="t"><literal datatype="{XSD}boolean">1</literal></binding>'
               f'<binding name="f"><literal datatype="{XSD}boolean">0</literal></binding>'
               f'<binding name="n"><literal datatype="{XSD}integer">0</literal></binding>'
               '<binding name="b"><bnode>nodeID://b10185</bnode></binding></result></results></sparql>')
    for r in (parse_results_json(json_doc),
              _parse_results_other(xml_doc.encode(), "application/sparql-results+xml", "Virtuoso answered")):
        assert r.to_tsv() == "t\tf\tn\tb\ntrue\tfalse\t0\t_:b10185\n"


@pytest.mark.slow
def test_push_named_graphs_and_files(server: str, kg: KnowledgeGraph, tmp_path: Path) -> None:
    from b12kg.store.remote import push_file
    from b12kg.store.sources import GRAPHS

    report = push_graph(kg, server, named_graphs=True)
    assert {name for name, _ in report.uploads} <= set(GRAPHS.values())
    assert sum(n for _, n in report.uploads) == len(kg.store)
    data = SparqlEndpoint(server).query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPHS['data']}> {{ ?s ?p ?o }} }}", {})
    expected = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPHS['data']}> {{ ?s ?p ?o }} }}")
    assert canonical_rows(data) == canonical_rows(expected)
    nt = tmp_path / "release.nt"
    nt.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    graph = "https://example.org/file-graph"
    sent = push_file(nt, derive_store_url(server), graph=graph)
    assert sent.uploads == [(graph, 1)]
    r = KnowledgeGraph.remote(server, default_graph=graph).query("SELECT ?o WHERE { ?s ?p ?o }")
    assert r.column("o") == ["c"]
    with pytest.raises(ParameterError, match="cannot push"):
        push_file(tmp_path / "x.csv", derive_store_url(server))


# -- pushing is idempotent for every format (issue 11, item 4) -----------------------------------------------
def _count(url: str, graph: str | None = None) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph else \
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    n = SparqlEndpoint(url).query(q, {}).rows[0][0]
    assert n is not None
    return int(n.value)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty ``oxigraph serve`` for one test (no union default graph, like a default install)."""
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the 'oxigraph' server (pip install oxigraph) is not installed")
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not start")
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "nt", "owl"])
def test_pushing_any_format_twice_changes_nothing(fresh_server: str, asserted: KnowledgeGraph, tmp_path: Path,
                                                  fmt: str) -> None:
    from b12kg.store.remote import push_file
    from b12kg.store.sources import GRAPHS

    ext = {"nquads": "nq", "trig": "trig", "turtle": "ttl", "nt": "nt", "owl": "owl"}[fmt]
    path = tmp_path / f"b12kg.{ext}"
    path.write_bytes(asserted.serialize(fmt))
    store = derive_store_url(fresh_server)
    first = push_file(path, store)
    default = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    after_one = _count(fresh_server), SparqlEndpoint(fresh_server).query(default, {})
    second = push_file(path, store)
    assert second == first
    assert (_count(fresh_server), SparqlEndpoint(fresh_server).query(default, {})) == after_one
    if fmt in ("nquads", "trig"):  # each named graph replaced on its own
        assert {name for name, _ in first.uploads} >= {GRAPHS["ontology"], GRAPHS["data"]}
        assert _count(fresh_server, GRAPHS["data"]) == dict(first.uploads)[GRAPHS["data"]]
    else:
        assert first.uploads == [("default graph", first.triples)]


@pytest.mark.slow
def test_push_dataset_into_one_graph_and_the_empty_default_graph_hint(fresh_server: str, asserted: KnowledgeGraph,
                                                                      tmp_path: Path) -> None:
    nq = tmp_path / "b12kg.nq"
    nq.write_bytes(asserted.serialize("nquads"))
    runner = CliRunner()
    r = runner.invoke(cli, ["push", "--endpoint", fresh_server, "--file", str(nq)])
    assert r.exit_code == 0, r.output
    assert "named graphs" in r.stderr  # said at push time
    # the server has no union default graph: a query over the default graph finds nothing, and says why
    q = subprocess.run([sys.executable, "-m", "b12kg", "query", "symptoms-by-kind", "--endpoint", fresh_server,
                        "-f", "tsv"], capture_output=True, text=True, timeout=120)
    assert q.returncode == 0 and q.stdout.count("\n") == 1  # the header only
    assert q.stderr.startswith("note: the default graph of") and q.stderr.count("\n") == 1
    assert "--union-default-graph" in q.stderr and "--endpoint-graph" in q.stderr
    with pytest.warns(B12kgNotice, match="named graphs hold data"):
        assert len(KnowledgeGraph.remote(fresh_server).run("symptoms-by-kind")) == 0
    # --graph merges the dataset's graphs into one, which then answers like the local store
    graph = "https://example.org/b12kg"
    r = runner.invoke(cli, ["push", "--endpoint", fresh_server, "--file", str(nq), "--graph", graph])
    assert r.exit_code == 0, r.output
    far = runner.invoke(cli, ["query", "symptoms-by-kind", "--endpoint", fresh_server, "--endpoint-graph", graph,
                              "-f", "tsv"])
    near = runner.invoke(cli, ["query", "symptoms-by-kind", "-f", "tsv"], env={"B12KG_INFERRED": "0"})
    assert far.exit_code == 0 and sorted(far.stdout.splitlines()) == sorted(near.stdout.splitlines())
    assert far.stderr == ""


@pytest.mark.slow
def test_every_protocol_form_gives_the_same_answer(pushed: str, kg: KnowledgeGraph) -> None:
    q = kg.catalog.get("symptoms-by-kind")
    answers = {m: canonical_rows(KnowledgeGraph.remote(pushed, method=m).query(q))
               for m in ("auto", "get", "post-form", "post-direct")}
    assert len({repr(a) for a in answers.values()}) == 1
    assert answers["auto"] == canonical_rows(kg.query(q))


def test_push_refuses_a_bad_graph_iri_before_sending(tmp_path: Path) -> None:
    nt = tmp_path / "a.nt"
    nt.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["push", "--endpoint", f"http://127.0.0.1:{_free_port()}/query", "--file", str(nt),
                                 "--graph", "not an iri> {"])
    assert r.exit_code == 2 and "not an absolute IRI" in r.stderr
