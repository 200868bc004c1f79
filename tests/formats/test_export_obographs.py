"""OBO Graphs export: valid against the obographs model, one node per class/individual/property."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b12kg import KnowledgeGraph
from b12kg.formats import obographs
from b12kg.formats.registry import get_export_format
from b12kg.store.sources import GRAPHS, Source

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl"
B = "https://w3id.org/b12kg/"


@pytest.fixture(scope="module")
def asserted() -> KnowledgeGraph:
    return KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)


@pytest.fixture(scope="module")
def doc(asserted: KnowledgeGraph) -> dict[str, Any]:
    return json.loads(get_export_format("obographs").write(asserted))


def test_valid_against_the_obographs_model(doc: dict[str, Any]) -> None:
    """The pydantic model of the obographs package reads every field back unchanged (no unknown keys)."""
    import obographs as og

    model = og.GraphDocument.model_validate(doc)
    assert model.model_dump(exclude_unset=True) == doc
    g = model.graphs[0]
    assert g.id == B + "ontology"
    assert g.version == "2026-11-24" or g.version is not None


def _count(kg: KnowledgeGraph, where: str) -> int:
    import pyoxigraph as ox

    q = (
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { "
        + where
        + " }"
    )
    graphs = [ox.NamedNode(iri) for kind, iri in GRAPHS.items() if kind != "inferred"]
    return int(next(iter(kg.store.query(q, default_graph=graphs)))[0].value)


def test_one_node_per_class_individual_and_property(asserted: KnowledgeGraph, doc: dict[str, Any]) -> None:
    nodes = doc["graphs"][0]["nodes"]
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))
    by_type: dict[str, int] = {}
    for n in nodes:
        by_type[n["type"]] = by_type.get(n["type"], 0) + 1
    assert by_type["CLASS"] == _count(asserted, "?x a owl:Class FILTER(isIRI(?x))")
    assert by_type["INDIVIDUAL"] == _count(asserted, "?x a owl:NamedIndividual FILTER(isIRI(?x))")
    assert by_type["PROPERTY"] == _count(
        asserted,
        "VALUES ?t { owl:ObjectProperty owl:DatatypeProperty "
        "owl:AnnotationProperty } ?x a ?t FILTER(isIRI(?x))",
    )


def test_nodes_and_edges_of_the_bundled_graph(doc: dict[str, Any]) -> None:
    g = doc["graphs"][0]
    nodes = {n["id"]: n for n in g["nodes"]}
    defic = nodes[B + "vitamin_b12_deficiency"]
    assert defic["lbl"] == "vitamin B12 deficiency" and defic["type"] == "INDIVIDUAL"
    assert {"pred": "hasExactSynonym", "val": "B12 deficiency"} in defic["meta"]["synonyms"]
    assert defic["meta"]["definition"]["val"]
    assert nodes[B + "hasSymptom"]["propertyType"] == "OBJECT"
    edges = {(e["sub"], e["pred"], e["obj"]) for e in g["edges"]}
    assert (B + "Vitamin", "is_a", B + "Nutrient") in edges
    assert (B + "vitamin_b12", "type", B + "Vitamin") in edges
    assert (B + "vitamin_b12_deficiency", B + "hasSymptom", B + "muscle_spasm") in edges
    assert (B + "elevatedIn", "subPropertyOf", B + "biomarkerOf") in edges
    assert any(x["xrefs"] for n in g["nodes"] if (x := n.get("meta")) and "xrefs" in x)
    # the defined classes use owl:hasValue or nested restrictions: not expressible as OBO logical definitions
    assert g["logicalDefinitionAxioms"] == []


def test_equivalence_and_logical_definitions_of_the_fixture() -> None:
    g = obographs.obograph(KnowledgeGraph([Source(MINI, "data")]))["graphs"][0]
    assert g["id"] == B + "ontology"
    assert g["equivalentNodesSets"] == [
        {"representativeNodeId": B + "Condition", "nodeIds": [B + "Condition", B + "Sickness"]}
    ]
    assert g["logicalDefinitionAxioms"] == [
        {
            "definedClassId": B + "SymptomaticCondition",
            "genusIds": [B + "Condition"],
            "restrictions": [{"propertyId": B + "hasSymptom", "fillerId": B + "Symptom"}],
        }
    ]  # not CrampCondition
    assert {
        "predicateId": B + "hasSymptom",
        "domainClassIds": [B + "Condition"],
        "rangeClassIds": [B + "Symptom"],
    } in g["domainRangeAxioms"]
    cramp = next(n for n in g["nodes"] if n["id"] == B + "cramp")
    assert cramp["meta"]["synonyms"] == [{"pred": "hasRelatedSynonym", "val": "spasm"}]
