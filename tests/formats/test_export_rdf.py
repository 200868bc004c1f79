"""RDF exports: re-read isomorphic to the source, named graphs, project prefixes, byte-stable output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from b12kg import KnowledgeGraph
from b12kg.core.prefixes import PREFIX_MAP
from b12kg.formats import rdf
from b12kg.formats.header import merge_headers
from b12kg.formats.registry import get_export_format
from b12kg.store.sources import GRAPHS, Source

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl"
OWL_AXIOM = rdflib.URIRef("http://www.w3.org/2002/07/owl#Axiom")
OWL_NPA = rdflib.URIRef("http://www.w3.org/2002/07/owl#NegativePropertyAssertion")


@pytest.fixture(scope="module")
def asserted() -> KnowledgeGraph:
    """The bundled graph parsed into memory, without inferences (what the exports carry by default)."""
    return KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)


def source_graph(kg: KnowledgeGraph, kinds: tuple[str, ...]) -> rdflib.Graph:
    """The triples of the store's named graphs ``kinds``, read independently of the exporter, with the
    import modules' headers folded into the one ontology header as every export does."""
    import pyoxigraph as ox

    quads = [(str(q.subject), str(q.predicate), str(q.object), "")
             for kind in kinds for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPHS[kind]))]
    g = rdflib.Graph()
    g.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o, _ in merge_headers(quads)), format="nt")
    return g


def canonical(g: rdflib.Graph) -> set[str]:
    """The graph's triples with RDFC-1.0 canonical blank-node labels (equal sets <=> isomorphic graphs).

    rdflib.compare.isomorphic gives the same answer but takes ~25 s on the 3000 blank nodes of the
    bundled graph; it is used on the small fixture below and in the slow test.
    """
    import pyoxigraph as ox

    ds = ox.Dataset(ox.parse(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in ds}


@pytest.mark.parametrize(
    ("fmt", "parser"), [("turtle", "turtle"), ("nt", "nt"), ("owl", "xml"), ("jsonld", "json-ld")]
)
def test_triple_formats_reread_isomorphic(asserted: KnowledgeGraph, fmt: str, parser: str) -> None:
    data = get_export_format(fmt).write(asserted)
    back = rdflib.Graph().parse(data=data, format=parser)
    src = source_graph(asserted, rdf.ASSERTED)
    assert len(back) == len(src) > 4000
    assert canonical(back) == canonical(src)


@pytest.mark.parametrize(
    ("fmt", "parser"),
    [
        ("turtle", "turtle"),
        ("nt", "nt"),
        ("owl", "xml"),
        ("jsonld", "json-ld"),
        ("nquads", "nquads"),
        ("trig", "trig"),
    ],
)
def test_fixture_reread_isomorphic_with_rdflib_compare(fmt: str, parser: str) -> None:
    kg = KnowledgeGraph([Source(MINI, "data")])
    data = get_export_format(fmt).write(kg)
    if parser in ("nquads", "trig"):
        ds = rdflib.Dataset()
        ds.parse(data=data, format=parser)
        back = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            back.add((s, p, o))
    else:
        back = rdflib.Graph().parse(data=data, format=parser)
    assert isomorphic(back, rdflib.Graph().parse(MINI))


@pytest.mark.slow
def test_turtle_reread_isomorphic_with_rdflib_compare(asserted: KnowledgeGraph) -> None:
    back = rdflib.Graph().parse(data=get_export_format("turtle").write(asserted), format="turtle")
    assert isomorphic(back, source_graph(asserted, rdf.ASSERTED))


@pytest.mark.parametrize(("fmt", "parser"), [("nquads", "nquads"), ("trig", "trig")])
def test_quad_formats_keep_named_graphs_and_split_provenance(
    asserted: KnowledgeGraph, fmt: str, parser: str
) -> None:
    data = get_export_format(fmt).write(asserted)
    ds = rdflib.Dataset()
    ds.parse(data=data, format=parser)
    names = {str(c.identifier) for c in ds.graphs() if len(c)}
    assert names == {
        GRAPHS["ontology"],
        GRAPHS["imports"],
        GRAPHS["data"],
        rdf.PROVENANCE_GRAPH,
        GRAPHS["mappings"],
    }
    # the import modules' headers move into the ontology header (one owl:Ontology per file)
    for kinds in (("ontology", "imports"), ("mappings",)):
        exported = rdflib.Graph()
        for kind in kinds:
            for triple in ds.graph(rdflib.URIRef(GRAPHS[kind])):
                exported.add(triple)
        assert canonical(exported) == canonical(source_graph(asserted, kinds)), kinds
    imports = ds.graph(rdflib.URIRef(GRAPHS["imports"]))
    assert not set(imports.subjects(rdflib.RDF.type, rdflib.OWL.Ontology))
    data_g = ds.graph(rdflib.URIRef(GRAPHS["data"]))
    prov_g = ds.graph(rdflib.URIRef(rdf.PROVENANCE_GRAPH))
    # provenance records are all in the provenance graph, and only they are
    assert not set(data_g.subjects(rdflib.RDF.type, OWL_AXIOM))
    assert not set(data_g.subjects(rdflib.RDF.type, OWL_NPA))
    records = set(prov_g.subjects(rdflib.RDF.type, OWL_AXIOM)) | set(
        prov_g.subjects(rdflib.RDF.type, OWL_NPA)
    )
    assert len(records) > 200
    assert set(prov_g.subjects()) == records
    merged = rdflib.Graph()
    for t in data_g:
        merged.add(t)
    for t in prov_g:
        merged.add(t)
    assert canonical(merged) == canonical(source_graph(asserted, ("data",)))


def test_quad_formats_include_the_inferred_graph() -> None:
    import pyoxigraph as ox

    kg = KnowledgeGraph([Source(MINI, "data")])
    kg.store.add(
        ox.Quad(
            ox.NamedNode(PREFIX_MAP["b12kg"] + "deficiency"),
            ox.NamedNode(str(rdflib.RDF.type)),
            ox.NamedNode(PREFIX_MAP["b12kg"] + "Sickness"),
            ox.NamedNode(GRAPHS["inferred"]),
        )
    )
    triple = f"<{PREFIX_MAP['b12kg']}deficiency> <{rdflib.RDF.type}> <{PREFIX_MAP['b12kg']}Sickness>"
    assert f"{triple} <{GRAPHS['inferred']}> .\n" in rdf.to_nquads(kg).decode()
    assert f"{triple} .\n" not in rdf.to_ntriples(kg).decode()  # single-graph exports are asserted-only
    assert f"{triple} .\n" in rdf.to_ntriples(kg, ["data", "inferred"]).decode()


def test_prefixes_are_the_project_ones(asserted: KnowledgeGraph) -> None:
    for fmt in ("turtle", "trig"):
        text = get_export_format(fmt).write(asserted).decode()
        declared = dict(re.findall(r"^@prefix (\S*): <([^>]*)> \.$", text, flags=re.M))
        assert declared, fmt
        assert all(PREFIX_MAP.get(p) == ns for p, ns in declared.items()), declared
        assert not re.search(r"\bns\d+:", text)
        assert "HP:0001251" in text or "HP:" not in declared  # CURIEs as the project writes them
        assert "obo:HP_" not in text
    xml = get_export_format("owl").write(asserted).decode()
    xmlns = dict(re.findall(r'xmlns:(\w+)="([^"]*)"', xml))
    assert xmlns and all(PREFIX_MAP.get(p) == ns for p, ns in xmlns.items()), xmlns
    doc = json.loads(get_export_format("jsonld").write(asserted))
    assert doc["@context"] == PREFIX_MAP
    assert any(n.get("@id") == "b12kg:vitamin_b12" for n in doc["@graph"])


def test_output_is_byte_identical_across_runs(asserted: KnowledgeGraph) -> None:
    again = KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)
    for name in ("turtle", "nt", "nquads", "trig", "jsonld", "owl"):
        assert get_export_format(name).write(asserted) == get_export_format(name).write(again), name


def test_blank_node_labels_do_not_depend_on_parse_order_or_labels(tmp_path: Path) -> None:
    text = MINI.read_text()
    lines = text.splitlines()
    head = [line for line in lines if line.startswith("@prefix")]
    body = "\n".join(line for line in lines if not line.startswith("@prefix"))
    # the same graph, statements reordered around blank nodes and labelled blank nodes
    shuffled = tmp_path / "shuffled.ttl"
    blocks = body.split("\n\n")
    shuffled.write_text("\n".join(head) + "\n" + "\n\n".join(reversed(blocks)) + "\n")
    a = KnowledgeGraph([Source(MINI, "data")])
    b = KnowledgeGraph([Source(shuffled, "data")])
    assert isomorphic(source_graph(a, ("data",)), source_graph(b, ("data",)))
    for f in (rdf.to_turtle, rdf.to_nquads, rdf.to_trig, rdf.to_rdfxml, rdf.to_jsonld):
        assert f(a) == f(b), f.__name__


def test_stable_labels_keep_identical_blank_nodes_apart() -> None:
    quads = [
        ("<s>", "<p>", "_:x", ""),
        ("<s>", "<p>", "_:y", ""),
        ("_:x", "<q>", '"v"', ""),
        ("_:y", "<q>", '"v"', ""),
        ("_:z", "<q>", '"v"', ""),
    ]
    labels = rdf.stable_labels(quads)
    assert len(set(labels.values())) == 3
    assert labels["_:z"] != labels["_:x"]
    renamed = [
        tuple(t.replace("_:x", "_:n1").replace("_:y", "_:n2").replace("_:z", "_:n3") for t in q)
        for q in quads
    ]
    assert sorted(rdf.stable_labels(renamed).values()) == sorted(labels.values())


@pytest.mark.slow
def test_output_is_identical_in_other_processes(asserted: KnowledgeGraph, tmp_path: Path) -> None:
    """Hash randomisation must not change the output (rdflib/Python sets are unordered)."""
    script = (
        "import sys, hashlib; from b12kg import KnowledgeGraph; from b12kg.formats.registry import get_export_format\n"
        "kg = KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)\n"
        "for f in ('turtle', 'trig', 'owl', 'jsonld', 'nquads'):\n"
        "    print(f, hashlib.sha256(get_export_format(f).write(kg)).hexdigest())\n"
    )
    import hashlib

    expected = "".join(
        f"{f} {hashlib.sha256(get_export_format(f).write(asserted)).hexdigest()}\n"
        for f in ("turtle", "trig", "owl", "jsonld", "nquads")
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        assert out.stdout == expected


def test_jsonld_reads_back_with_a_json_ld_1_1_processor(asserted: KnowledgeGraph) -> None:
    """PyLD (JSON-LD 1.1) expands the compacted IRIs of the export to exactly the source graph."""
    from pyld import jsonld

    doc = json.loads(get_export_format("jsonld").write(asserted))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    back = rdflib.Graph().parse(data=nquads, format="nt")
    assert canonical(back) == canonical(source_graph(asserted, rdf.ASSERTED))
