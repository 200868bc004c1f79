"""KGX export: Biolink-valid categories/predicates/enums, counts that agree with the graph, provenance."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from b12kg import KnowledgeGraph
from b12kg.formats import kgx
from b12kg.formats.registry import get_export_format
from b12kg.store.sources import GRAPHS, Source

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl"


@pytest.fixture(scope="module")
def asserted() -> KnowledgeGraph:
    return KnowledgeGraph(KnowledgeGraph.bundled_sources(), cache=False, inferred=False)


@pytest.fixture(scope="module")
def graph(asserted: KnowledgeGraph) -> kgx.KgxGraph:
    return kgx.kgx_graph(asserted)


# -- the Biolink model (the biolink-model package ships its LinkML schema) -------------------------
@cache
def biolink() -> dict[str, Any]:
    import importlib.resources

    import yaml

    text = (importlib.resources.files("biolink_model") / "schema" / "biolink_model.yaml").read_text()
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def _camel(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in name.split(" "))


def biolink_classes() -> dict[str, dict[str, Any]]:
    """``biolink:CamelCase`` -> class definition, for descendants of named thing."""
    classes = biolink()["classes"]
    out = {}
    for name, spec in classes.items():
        n, seen = name, set()
        while n and n not in seen:
            seen.add(n)
            if n == "named thing":
                out["biolink:" + _camel(name)] = spec or {}
                break
            n = (classes.get(n) or {}).get("is_a")
    return out


def biolink_ancestors(curie: str) -> set[str]:
    classes = biolink()["classes"]
    by_curie = {"biolink:" + _camel(k): k for k in classes}
    out, n = set(), (classes.get(by_curie[curie]) or {}).get("is_a")
    while n:
        out.add("biolink:" + _camel(n))
        n = (classes.get(n) or {}).get("is_a")
    return out


def biolink_predicates() -> dict[str, dict[str, Any]]:
    """``biolink:snake_case`` -> slot definition, for descendants of related to."""
    slots = biolink()["slots"]
    out = {}
    for name, spec in slots.items():
        n, seen = name, set()
        while n and n not in seen:
            seen.add(n)
            if n == "related to":
                out["biolink:" + name.replace(" ", "_")] = spec or {}
                break
            n = (slots.get(n) or {}).get("is_a")
    return out


def enum_values(name: str) -> set[str]:
    return set(biolink()["enums"][name]["permissible_values"])


# -- Biolink validity --------------------------------------------------------------------------
def test_every_category_is_a_concrete_biolink_class(graph: kgx.KgxGraph) -> None:
    classes = biolink_classes()
    used = {c for n in graph.nodes for c in n["category"]}
    assert {
        "biolink:Disease",
        "biolink:PhenotypicFeature",
        "biolink:SmallMolecule",
        "biolink:Food",
        "biolink:Procedure",
    } <= used
    for c in used:
        assert c in classes, f"{c} is not a Biolink class"
        assert not classes[c].get("abstract"), f"{c} is abstract"
        assert not classes[c].get("mixin"), f"{c} is a mixin"


def test_categories_are_the_most_specific(graph: kgx.KgxGraph) -> None:
    for n in graph.nodes:
        cats = set(n["category"])
        for c in cats:
            assert not (biolink_ancestors(c) & cats), (n["id"], cats)


def test_every_predicate_is_a_biolink_predicate(graph: kgx.KgxGraph) -> None:
    """Biolink 4 predicates descend from related_to; some canonical ones (treats, treated_by) are mixins."""
    preds = biolink_predicates()
    used = {e["predicate"] for e in graph.edges}
    assert {"biolink:has_phenotype", "biolink:causes", "biolink:treated_by", "biolink:has_nutrient"} <= used
    for p in used:
        assert p in preds, f"{p} is not a Biolink predicate"
        assert not preds[p].get("abstract"), f"{p} is abstract"
        assert not preds[p].get("deprecated"), f"{p} is deprecated"


def test_every_enum_value_is_valid(graph: kgx.KgxGraph) -> None:
    levels, agents = enum_values("KnowledgeLevelEnum"), enum_values("AgentTypeEnum")
    assert graph.edges
    for e in graph.edges:
        assert e["knowledge_level"] in levels, e
        assert e["agent_type"] in agents, e


def test_ontology_annotations_are_valid_biolink(asserted: KnowledgeGraph) -> None:
    """Every b12kg:biolinkCategory / biolinkPredicate in the ontology names a Biolink element."""
    classes, preds = biolink_classes(), biolink_predicates()
    cats = asserted.query("SELECT DISTINCT ?c WHERE { ?x b12kg:biolinkCategory ?c }", with_labels=False)
    for (c,) in cats.rows:
        curie = "biolink:" + c.value.rsplit("/", 1)[1]  # type: ignore[union-attr]
        assert curie in classes, curie
    bps = asserted.query("SELECT DISTINCT ?p WHERE { ?x b12kg:biolinkPredicate ?p }", with_labels=False)
    for (p,) in bps.rows:
        curie = "biolink:" + p.value.rsplit("/", 1)[1]  # type: ignore[union-attr]
        assert curie in preds, curie


# -- agreement with the graph ------------------------------------------------------------------
def _count(kg: KnowledgeGraph, where: str) -> int:
    import pyoxigraph as ox

    q = (
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX b12kg: <https://w3id.org/b12kg/> " + where
    )
    graphs = [ox.NamedNode(GRAPHS[k]) for k in ("ontology", "data")]
    return int(next(iter(kg.store.query(q, default_graph=graphs)))[0].value)


def test_node_count_is_the_concepts(asserted: KnowledgeGraph, graph: kgx.KgxGraph) -> None:
    n = _count(
        asserted,
        "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a owl:NamedIndividual "
        "FILTER NOT EXISTS { ?i a/rdfs:subClassOf* b12kg:InformationEntity } }",
    )
    assert len(graph.nodes) == n > 100
    assert len({x["id"] for x in graph.nodes}) == len(graph.nodes)


def test_edge_count_is_the_curated_edges(asserted: KnowledgeGraph, graph: kgx.KgxGraph) -> None:
    n = _count(
        asserted,
        """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o ?section ?claim WHERE {
        ?p a owl:ObjectProperty . ?s ?p ?o . ?s a owl:NamedIndividual . ?o a owl:NamedIndividual
        FILTER NOT EXISTS { ?s a/rdfs:subClassOf* b12kg:InformationEntity }
        FILTER NOT EXISTS { ?o a/rdfs:subClassOf* b12kg:InformationEntity }
        OPTIONAL { ?a owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                      b12kg:sourceSection ?section ; b12kg:claim ?c BIND(STR(?c) AS ?claim) } } }""",
    )
    assert len(graph.edges) == n > 200  # one edge per statement and provenance record
    assert len({e["id"] for e in graph.edges}) == len(graph.edges)
    ids = {x["id"] for x in graph.nodes}
    assert all(e["subject"] in ids and e["object"] in ids for e in graph.edges)


def test_every_edge_has_its_provenance(graph: kgx.KgxGraph) -> None:
    for e in graph.edges:
        assert e["primary_knowledge_source"] == "infores:b12kg"
        assert e["knowledge_level"] == "knowledge_assertion", e["id"]
        assert e["agent_type"] == "manual_agent", e["id"]
        assert e["publications"] == ["b12kg:source_article"], e["id"]
        assert e["source_section"].startswith("b12kg:section_"), e["id"]
        assert e["claim"], e["id"]


def test_provenance_is_never_re_paired(asserted: KnowledgeGraph, graph: kgx.KgxGraph) -> None:
    """Each edge's section and claim come from one and the same owl:Axiom (issue: 4 of the 10 statements
    made in two sections had a section paired with the other section's claim)."""
    from b12kg.core.prefixes import compress
    from b12kg.formats.asserted import asserted_rows

    records = set(asserted_rows(asserted, """SELECT ?s ?p ?o ?section (STR(?c) AS ?claim) WHERE {
        ?a a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
           b12kg:sourceSection ?section ; b12kg:claim ?c }""", compress))
    found = [(e["subject"], e["original_predicate"], e["object"], e["source_section"], e["claim"])
             for e in graph.edges]
    assert set(found) <= records
    twice = {f[:3] for f in found if sum(1 for g in found if g[:3] == f[:3]) > 1}
    assert len(twice) >= 10  # statements the article makes in two sections: one edge per section


def test_known_nodes_and_edges(graph: kgx.KgxGraph) -> None:
    nodes = {n["id"]: n for n in graph.nodes}
    assert nodes["b12kg:vitamin_b12"]["category"] == ["biolink:SmallMolecule"]
    assert nodes["b12kg:vitamin_b12_deficiency"]["category"] == ["biolink:Disease"]
    assert nodes["b12kg:muscle_spasm"]["category"] == ["biolink:PhenotypicFeature"]
    assert nodes["b12kg:potentially_reversible"]["category"] == ["biolink:NamedThing"]  # value-set node
    assert "b12kg:section_1_role_in_nerve_function" not in nodes
    assert "B12 deficiency" in nodes["b12kg:vitamin_b12_deficiency"]["synonym"]
    edge = next(
        e
        for e in graph.edges
        if (e["subject"], e["original_predicate"], e["object"])
        == ("b12kg:vitamin_b12_deficiency", "b12kg:hasSymptom", "b12kg:muscle_spasm")
    )
    assert edge["predicate"] == "biolink:has_phenotype"
    value_edge = next(e for e in graph.edges if e["original_predicate"] == "b12kg:hasFoodOrigin")
    assert value_edge["predicate"] == "biolink:related_to"


def test_xrefs_come_from_the_mappings(asserted: KnowledgeGraph, graph: kgx.KgxGraph) -> None:
    rows = asserted.query(
        "SELECT ?s ?o WHERE { GRAPH <" + GRAPHS["mappings"] + "> { ?s skos:exactMatch ?o } }",
        with_labels=False,
    )
    assert rows.rows, "the bundled mapping set has exact matches"
    nodes = {n["id"]: n for n in graph.nodes}
    from b12kg.core.prefixes import compress

    for s, o in rows.rows:
        sid = compress(s.value)  # type: ignore[union-attr]
        if sid in nodes:
            assert compress(o.value) in nodes[sid]["xref"]  # type: ignore[union-attr]


# -- the files -----------------------------------------------------------------------------------
def test_mini_fixture_files() -> None:
    """A graph without a mapping set; an edge without provenance; several records for one edge."""
    kg = KnowledgeGraph([Source(MINI, "data")])
    files = get_export_format("kgx").files(kg)  # type: ignore[misc]
    nodes = list(csv.DictReader(io.StringIO(files["nodes.tsv"].decode()), delimiter="\t"))
    edges = list(csv.DictReader(io.StringIO(files["edges.tsv"].decode()), delimiter="\t"))
    assert list(nodes[0]) == kgx.NODE_COLUMNS and list(edges[0]) == kgx.EDGE_COLUMNS
    assert [n["id"] for n in nodes] == ["b12kg:cramp", "b12kg:deficiency", "b12kg:slow"]
    by_id = {n["id"]: n for n in nodes}
    assert by_id["b12kg:deficiency"] == {
        "id": "b12kg:deficiency",
        "category": "biolink:Disease",
        "name": "deficiency",
        "description": "A lack of something.",
        "xref": "https://example.org/terms/lack",
        "synonym": "lack",
        "provided_by": "infores:b12kg",
    }
    assert by_id["b12kg:slow"]["category"] == "biolink:NamedThing"
    assert len(edges) == 3  # the statement with two provenance records is two edges; the negative one none
    symptoms = [e for e in edges if e["original_predicate"] == "b12kg:hasSymptom"]
    assert {e["predicate"] for e in symptoms} == {"biolink:has_phenotype"}
    assert sorted((e["source_section"], e["claim"]) for e in symptoms) == [
        ("b12kg:section_1", "A lack brings cramps."), ("b12kg:section_2", "Cramps come with the lack.")]
    course = next(e for e in edges if e["original_predicate"] == "b12kg:hasCourse")
    assert (
        course["predicate"],
        course["knowledge_level"],
        course["agent_type"],
        course["primary_knowledge_source"],
    ) == ("biolink:related_to", "not_provided", "not_provided", "infores:b12kg")
    jl = get_export_format("kgx-jsonl").files(kg)  # type: ignore[misc]
    jnodes = [json.loads(line) for line in jl["nodes.jsonl"].decode().splitlines()]
    jedges = [json.loads(line) for line in jl["edges.jsonl"].decode().splitlines()]
    assert [n["id"] for n in jnodes] == [n["id"] for n in nodes]
    assert jnodes[1]["category"] == ["biolink:Disease"] and jnodes[1]["xref"] == [
        "https://example.org/terms/lack"
    ]
    assert [e["id"] for e in jedges] == [e["id"] for e in edges]
    assert sorted(e["source_section"] for e in jedges if e["original_predicate"] == "b12kg:hasSymptom") == [
        "b12kg:section_1", "b12kg:section_2"]


def test_tsv_and_jsonl_agree(asserted: KnowledgeGraph) -> None:
    tsv = kgx.tsv_files(asserted)
    jl = kgx.jsonl_files(asserted)
    for kind, columns in (("nodes", kgx.NODE_COLUMNS), ("edges", kgx.EDGE_COLUMNS)):
        rows = list(csv.DictReader(io.StringIO(tsv[f"{kind}.tsv"].decode()), delimiter="\t"))
        objs = [json.loads(line) for line in jl[f"{kind}.jsonl"].decode().splitlines()]
        assert len(rows) == len(objs)
        for r, o in zip(rows, objs, strict=True):
            for c in columns:
                v = o.get(c, [] if c in kgx.MULTIVALUED else "")
                assert r[c] == ("|".join(v) if isinstance(v, list) else v), (c, r["id"])


def test_export_command_writes_a_directory(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from b12kg.cli import cli

    out = tmp_path / "kgx"
    r = CliRunner().invoke(cli, ["export", "-f", "kgx", "-o", str(out), "--graph", str(MINI)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["context.jsonld", "edges.tsv", "nodes.tsv"]
    r = CliRunner().invoke(cli, ["export", "-f", "kgx", "--graph", str(MINI)])
    assert r.exit_code == 2 and "directory" in r.output
