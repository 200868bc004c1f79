"""Neo4j export: neo4j-admin import headers, referential integrity, agreement with KGX."""

from __future__ import annotations

import csv
import io

import pytest
from test_export_kgx import biolink_classes, biolink_predicates

from b12kg import KnowledgeGraph
from b12kg.formats import kgx, neo4j


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return neo4j.neo4j_files(KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_headers_follow_the_import_conventions(files: dict[str, bytes]) -> None:
    nodes, edges = _rows(files["nodes.csv"]), _rows(files["edges.csv"])
    assert nodes[0][0] == "id:ID" and nodes[0][-1] == ":LABEL"
    assert edges[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert all(len(r) == len(nodes[0]) for r in nodes) and all(len(r) == len(edges[0]) for r in edges)


def test_agrees_with_kgx_and_biolink(files: dict[str, bytes]) -> None:
    g = kgx.kgx_graph(KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False))
    nodes, edges = _rows(files["nodes.csv"])[1:], _rows(files["edges.csv"])[1:]
    assert len(nodes) == len(g.nodes) and len(edges) == len(g.edges)
    ids = {r[0] for r in nodes}
    assert all(r[0] in ids and r[1] in ids for r in edges)
    classes = {c.split(":", 1)[1] for c in biolink_classes()}
    predicates = {p.split(":", 1)[1] for p in biolink_predicates()}
    for r in nodes:
        labels = r[-1].split(";")
        assert "NamedThing" in labels and set(labels) <= classes, r
    for r in edges:
        assert r[2] in predicates, r
    spasm = next(r for r in nodes if r[0] == "b12kg:muscle_spasm")
    assert spasm[-1] == "NamedThing;PhenotypicFeature"
    assert any(
        r[:3] == ["b12kg:vitamin_b12_deficiency", "b12kg:muscle_spasm", "has_phenotype"] for r in edges
    )


def test_queries_file(files: dict[str, bytes]) -> None:
    text = files["queries.cypher"].decode()
    assert "neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv" in text
    assert "MATCH" in text and "has_phenotype" in text
