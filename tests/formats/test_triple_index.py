"""rdflib's writers read an index of the triples (b12kg.formats.triple_index) instead of an rdflib graph: the
lookups answer as the graph's do, and Turtle, TriG and JSON-LD come out byte for byte as rdflib writes them from
an rdflib graph — on the bundled graph and on a fixture of the cases a writer finds hard."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer

from b12kg import KnowledgeGraph
from b12kg.core.prefixes import PREFIX_MAP
from b12kg.formats import rdf
from b12kg.formats.rdflib_serializers import _project_pname, write
from b12kg.formats.release import BASE_GRAPHS, FULL_GRAPHS
from b12kg.formats.triple_index import TripleIndex
from b12kg.store.sources import Source

EDGES = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "writer-edge-cases.ttl"


class _Names:
    """rdflib's own writers with only the project's prefixed names (what b12kg's writers did before the index)."""

    def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
        return _project_pname(self, uri)


class ReferenceTurtle(_Names, TurtleSerializer):
    pass


class ReferenceTrig(_Names, TrigSerializer):
    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda c: str(c.identifier))


def reference_jsonld(graph: rdflib.Graph) -> bytes:
    """The JSON-LD b12kg wrote from an rdflib graph: rdflib's serializer, then sorted (as rdf.to_jsonld sorts).
    (rdflib drops a falsy first value followed by another: see test_jsonld_keeps_a_falsy_first_value.)"""
    doc = json.loads(graph.serialize(format="json-ld", context=dict(PREFIX_MAP), auto_compact=False))
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])
    for node in nodes:
        for key, value in list(node.items()):
            if isinstance(value, list) and len(value) > 1:
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    nodes.sort(key=lambda n: (str(n.get("@id", "")), json.dumps(n, sort_keys=True)))
    out = {"@context": dict(PREFIX_MAP), "@graph": nodes}
    return (json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def bundled() -> KnowledgeGraph:
    return KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)


@pytest.fixture(scope="module")
def edges() -> KnowledgeGraph:
    return KnowledgeGraph([Source(EDGES, "data")])


@pytest.mark.parametrize("kinds", [BASE_GRAPHS, FULL_GRAPHS, None], ids=["base", "full", "asserted"])
def test_turtle_and_jsonld_bytes_are_rdflibs_on_the_bundled_graph(bundled: KnowledgeGraph,
                                                                 kinds: tuple[str, ...] | None) -> None:
    graph = rdf.rdflib_graph(bundled, kinds)
    turtle = rdf.to_turtle(bundled, kinds)
    assert turtle == write(ReferenceTurtle(graph))
    assert turtle.count(b"\n") > 3000 and b"owl:intersectionOf ( b12kg:" in turtle  # nested, readable
    assert rdf.to_jsonld(bundled, kinds) == reference_jsonld(graph)


def test_trig_bytes_are_rdflibs_on_the_bundled_graph(bundled: KnowledgeGraph) -> None:
    assert rdf.to_trig(bundled) == write(ReferenceTrig(rdf.rdflib_dataset(bundled)))


def test_every_format_is_rdflibs_on_the_hard_cases(edges: KnowledgeGraph) -> None:
    graph = rdf.rdflib_graph(edges, ["data"])
    turtle = rdf.to_turtle(edges, ["data"])
    assert turtle == write(ReferenceTurtle(graph))
    assert rdf.to_trig(edges, ["data"]) == write(ReferenceTrig(rdf.rdflib_dataset(edges, ["data"])))
    # (JSON-LD: rdflib would drop `false` here, see test_jsonld_keeps_a_falsy_first_value; read back below)
    # and they say what the store holds (Oxigraph keeps numbers, booleans and language tags canonical: 1.5, true)
    held = rdflib.Graph().parse(data=rdf.to_ntriples(edges, ["data"]), format="nt")
    assert len(held) == len(rdflib.Graph().parse(EDGES))
    for data, fmt in ((turtle, "turtle"), (rdf.to_jsonld(edges, ["data"]), "json-ld")):
        assert isomorphic(rdflib.Graph().parse(data=data, format=fmt), held), fmt


def test_jsonld_keeps_a_falsy_first_value(tmp_path: Path) -> None:
    # rdflib's converter replaces a first value that is false, 0 or "" when a second one follows
    f = tmp_path / "falsy.ttl"
    f.write_text('@prefix b12kg: <https://w3id.org/b12kg/> .\n'
                 'b12kg:a b12kg:flag false, true ; b12kg:n 0, 5 ; b12kg:text "", "x" .\n', encoding="utf-8")
    kg = KnowledgeGraph([Source(f, "data")])
    back = rdflib.Graph().parse(data=rdf.to_jsonld(kg, ["data"]), format="json-ld")
    assert len(back) == 6
    assert isomorphic(back, rdflib.Graph().parse(f))


def test_lookups_answer_as_an_rdflib_graph_does() -> None:
    graph = rdflib.Graph().parse(EDGES)
    index = TripleIndex(list(graph) + list(graph)[:5])  # repeated triples are kept once, as in a graph
    assert len(index) == len(graph) and set(index) == set(graph)
    nodes = list({t for triple in graph for t in triple} | {rdflib.URIRef("https://example.org/none")})
    preds = [*{p for _, p, _ in graph}, None]
    for s, o in itertools.product([*nodes, None], repeat=2):
        for p in preds:  # (Counter: rdflib cannot sort a decimal beside NaN)
            assert Counter(index.triples((s, p, o))) == Counter(graph.triples((s, p, o))), (s, p, o)
        assert Counter(index.subjects(None, o)) == Counter(graph.subjects(None, o))
        assert Counter(index.predicate_objects(s)) == Counter(graph.predicate_objects(s))
        if s is not None:
            for p in preds[:-1]:
                assert (index.value(s, p) is None) == (graph.value(s, p) is None)


def test_values_rdflib_cannot_compare_still_export(tmp_path: Path) -> None:
    # rdflib's Turtle writer sorts a property's values and stops on a decimal beside a NaN double
    f = tmp_path / "nan.ttl"
    f.write_text('@prefix b12kg: <https://w3id.org/b12kg/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                 'b12kg:a b12kg:v 1.5, "NaN"^^xsd:double, 2 .\n', encoding="utf-8")
    kg = KnowledgeGraph([Source(f, "data")])
    with pytest.raises(ArithmeticError):
        write(ReferenceTurtle(rdf.rdflib_graph(kg, ["data"])))
    held = set(rdflib.Graph().parse(data=rdf.to_ntriples(kg, ["data"]), format="nt"))
    assert len(held) == 3
    for data, fmt in ((rdf.to_turtle(kg, ["data"]), "turtle"), (rdf.to_trig(kg, ["data"]), "trig")):
        back = rdflib.Dataset().parse(data=data, format=fmt)
        assert {(s, p, o) for s, p, o, _ in back.quads()} == held, fmt
