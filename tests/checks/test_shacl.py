"""SHACL validation: the bundled graph conforms, and each broken fixture is rejected with exactly the
expected results.

Each fixture in ``tests/fixtures/shacl/`` is a small graph (validated together with the ontology) with one
defect, named in its header comment; ``valid_*.ttl`` have none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.checks.shacl import ValidationReport, ValidationResult, validate
from b12kg.cli import cli
from b12kg.core.errors import B12kgError
from b12kg.core.prefixes import compress
from b12kg.core.resources import ontology_file, shapes_files

SHACL = Path(__file__).resolve().parents[1] / "fixtures" / "shacl"

AXIOM = "axiom(b12kg:vitamin_b12_deficiency b12kg:hasSymptom b12kg:numbness)"
NEG = "negative assertion(b12kg:vitamin_b12_deficiency b12kg:hasSymptom b12kg:numbness)"
DEF = "b12kg:vitamin_b12_deficiency"
S = "b12kg:shapes/"

# (focus, path, value, shape, a part of the message)
Expected = tuple[str, str, str, str, str]

#: fixture -> the exact set of results (all of severity Violation) with inference "none"
EXPECTED: dict[str, set[Expected]] = {
    "valid_minimal": set(),
    "valid_foods": set(),
    "missing_label": {
        ("b12kg:numbness", "rdfs:label", "", S + "LabelExactlyOne", "needs exactly one rdfs:label"),
    },
    "two_english_labels": {
        ("b12kg:numbness", "rdfs:label", "", S + "LabelExactlyOne", "needs exactly one rdfs:label"),
    },
    "label_without_language": {
        ("b12kg:numbness", "rdfs:label", "numbness", S + "LabelEnglish", 'written "…"@en'),
    },
    "missing_definition": {
        (DEF, "skos:definition", "", S + "DefinitionRequired", "has no skos:definition"),
    },
    "definition_not_english": {
        ("b12kg:numbness", "skos:definition", "Verlust des Gefuehls in einem Koerperteil.",
         S + "DefinitionEnglish", "skos:definition must be an English string"),
    },
    "section_order_string": {
        ("b12kg:section_3_other_symptoms", "b12kg:sectionOrder", "3", S + "SectionOrderPositiveInteger",
         "whole number of 1 or more, written without quotes"),
    },
    "strength_rank_not_integer": {
        ("b12kg:good_source", "b12kg:strengthRank", "5.5", S + "StrengthRankPositiveInteger", "whole number"),
    },
    "food_typed_as_symptom": {
        ("b12kg:milk", "", "b12kg:milk", S + "ConceptShape",
         "two disjoint classes, b12kg:ClinicalFinding and b12kg:Food"),
    },
    "food_as_symptom_value": {
        (DEF, "b12kg:hasSymptom", "b12kg:milk", S + "hasSymptomValue", "must be a b12kg:Symptom"),
    },
    "symptom_as_source_of_value": {
        ("b12kg:milk", "b12kg:sourceOf", "b12kg:numbness", S + "sourceOfValue", "must be a b12kg:Nutrient"),
    },
    "subject_outside_domain": {
        ("b12kg:milk", "b12kg:hasSymptom", "b12kg:numbness", S + "EdgeShape", "rdfs:domain"),
    },
    "edge_without_provenance": {
        (DEF, "b12kg:hasSymptom", "b12kg:numbness", S + "EdgeShape", "has no complete provenance"),
    },
    "provenance_missing_claim": {
        (AXIOM, "b12kg:claim", "", S + "ClaimExactlyOne", "Exactly one b12kg:claim"),
        (DEF, "b12kg:hasSymptom", "b12kg:numbness", S + "EdgeShape", "has no complete provenance"),
    },
    "provenance_wrong_section_type": {
        (AXIOM, "b12kg:sourceSection", "b12kg:numbness", S + "SourceSectionClass",
         "must name a b12kg:DocumentSection"),
        (AXIOM, "b12kg:sourceSection", "b12kg:numbness", S + "AxiomShape", "no b12kg:hasSection link"),
    },
    "provenance_without_statement": {
        (AXIOM, "", AXIOM, S + "AxiomShape", "annotates a statement that is not in the graph"),
    },
    "knowledge_level_not_in_enum": {
        (AXIOM, "biolink:knowledge_level", "prediction", S + "KnowledgeLevelValue", '"knowledge_assertion"'),
    },
    "agent_type_not_in_enum": {
        (AXIOM, "biolink:agent_type", "automated_agent", S + "AgentTypeValue", '"manual_agent"'),
    },
    "created_not_a_date": {
        (AXIOM, "dcterms:created", "24 November 2026", S + "CreatedDate", '"YYYY-MM-DD"^^xsd:date'),
    },
    "dangling_reference": {
        (DEF, "b12kg:hasSymptom", "b12kg:numbnes", S + "EdgeShape", "Dangling reference"),
        (DEF, "b12kg:hasSymptom", "b12kg:numbnes", S + "hasSymptomValue", "must be a b12kg:Symptom"),
    },
    "undeclared_class": {
        ("b12kg:numbness", "rdf:type", "b12kg:SensorySymptm", S + "ConceptShape", "does not declare"),
        ("b12kg:numbness", "", "b12kg:numbness", S + "ConceptShape", "not an instance of any b12kg class"),
        (DEF, "b12kg:hasSymptom", "b12kg:numbness", S + "hasSymptomValue", "must be a b12kg:Symptom"),
    },
    "comparison_entry_without_characteristic": {
        ("b12kg:comparison_trigger_other", "b12kg:forCharacteristic", "", S + "CharacteristicExactlyOne",
         "exactly one b12kg:forCharacteristic"),
    },
    "food_without_food_group": {
        ("b12kg:milk", "b12kg:inFoodGroup", "", S + "FoodGroupRequired", "at least one b12kg:inFoodGroup"),
    },
    "duplicate_label": {
        ("b12kg:numbness", "rdfs:label", "numbness", S + "ConceptShape", "Another concept has the same rdfs:label"),
        ("b12kg:hypoaesthesia", "rdfs:label", "numbness", S + "ConceptShape", "Another concept has the same"),
    },
    "undeclared_subject": {
        ("b12kg:vitamin_b12_deficency", "", "b12kg:vitamin_b12_deficency", S + "EdgeShape",
         "subject of b12kg statements but is never declared"),
    },
    "negative_assertion_contradicted": {
        (NEG, "", NEG, S + "NegativeAssertionShape", "the very statement that this negative property assertion denies"),
    },
    "defined_class_asserted": {
        ("b12kg:milk", "rdf:type", "b12kg:VegetarianSuitableB12Source", S + "ConceptShape",
         "inferred by the reasoner and must not be asserted"),
    },
}

#: With RDFS inference, rdfs:range types a wrongly used value as the range class: the error moves from a
#: value-class result on the subject to a disjointness (or missing-definition) result on the value.
EXPECTED_RDFS: dict[str, set[Expected]] = {
    **EXPECTED,
    "food_as_symptom_value": {
        ("b12kg:milk", "", "b12kg:milk", S + "ConceptShape",
         "two disjoint classes, b12kg:ClinicalFinding and b12kg:Food"),
    },
    "symptom_as_source_of_value": {
        ("b12kg:numbness", "", "b12kg:numbness", S + "ConceptShape",
         "two disjoint classes, b12kg:ChemicalEntity and b12kg:ClinicalFinding"),
    },
    "dangling_reference": {
        (DEF, "b12kg:hasSymptom", "b12kg:numbnes", S + "EdgeShape", "Dangling reference"),
        ("b12kg:numbnes", "skos:definition", "", S + "DefinitionRequired", "has no skos:definition"),
    },
    "undeclared_class": {
        ("b12kg:numbness", "rdf:type", "b12kg:SensorySymptm", S + "ConceptShape", "does not declare"),
    },
}


def fixture_graph(name: str) -> KnowledgeGraph:
    return KnowledgeGraph.from_files([ontology_file(), SHACL / f"{name}.ttl"])


def check(report: ValidationReport, expected: set[Expected]) -> None:
    got = {(r.focus, r.path, r.value, r.shape): r for r in report.results}
    assert len(got) == len(report.results), "two results differ only in message or severity"
    assert set(got) == {e[:4] for e in expected}, report.text()
    for focus, path, value, shape, part in expected:
        r = got[(focus, path, value, shape)]
        assert part in r.message, (part, r.message)
        assert r.severity == "Violation"
    assert report.conforms is (not expected)


def test_every_fixture_is_in_the_table() -> None:
    assert {p.stem for p in SHACL.glob("*.ttl")} == set(EXPECTED)
    assert len([n for n, e in EXPECTED.items() if e]) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_results(name: str) -> None:
    check(validate(fixture_graph(name), inference="none"), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_results_with_rdfs_inference(name: str) -> None:
    check(validate(fixture_graph(name), inference="rdfs"), EXPECTED_RDFS[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_oxigraph_engine_matches_pyshacl(name: str) -> None:
    """The SHACL-SPARQL constraints give the same results on Oxigraph as on pyshacl's own engine."""
    kg = fixture_graph(name)
    assert validate(kg, inference="none").results == validate(kg, inference="none", engine="pyshacl").results


def test_bundled_graph_conforms(kg: KnowledgeGraph) -> None:
    report = validate(kg, inference="none")
    assert report.conforms, report.text()
    assert report.results == []
    assert report.text() == "conforms: yes (0 results)"


@pytest.mark.slow
def test_bundled_graph_conforms_with_rdfs_inference(kg: KnowledgeGraph) -> None:
    report = kg.validate(inference="rdfs")
    assert report.conforms, report.text()
    assert report.results == []


def test_every_constraint_has_a_message() -> None:
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    g = rdflib.Graph()
    for p in shapes_files():
        g.parse(p)
    constraint_params = [sh["class"], sh.datatype, sh.minCount, sh.maxCount, sh.languageIn, sh["in"],
                         sh["or"], sh.minInclusive, sh.select]
    constrained = {s for p in constraint_params for s in g.subjects(p, None)}
    # blank nodes inside sh:or lists are parts of one constraint; the shape holding the list has the message
    named = {s for s in constrained if isinstance(s, rdflib.URIRef)}
    assert len(named) > 60
    missing = sorted(str(s) for s in named if g.value(s, sh.message) is None)
    assert missing == []


def test_a_node_shape_per_class_used_in_the_data(kg: KnowledgeGraph) -> None:
    import rdflib

    g = rdflib.Graph()
    for p in shapes_files():
        g.parse(p)
    targeted = {compress(str(c)) for c in g.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#targetClass"))}
    used = set(kg.query("SELECT DISTINCT ?c WHERE { GRAPH <https://w3id.org/b12kg/graph/data> { ?x a ?c } }",
                        with_labels=False).column("c"))
    assert len(used) > 30
    assert sorted(used - targeted) == []


def test_custom_shapes_and_unknown_modes(tmp_path: Path) -> None:
    kg = fixture_graph("valid_minimal")
    only_labels = tmp_path / "labels.ttl"
    only_labels.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<urn:x:S> a sh:NodeShape ; sh:targetClass owl:NamedIndividual ;\n"
        "  sh:property [ sh:path rdfs:comment ; sh:minCount 1 ; sh:message \"needs a comment\" ] .\n")
    report = validate(kg, inference="none", shapes=[only_labels])
    assert not report.conforms
    assert {r.message for r in report.results} == {"needs a comment"}
    assert len(report.results) == 4  # source_article, section, deficiency, numbness
    with pytest.raises(B12kgError, match="unknown inference"):
        validate(kg, inference="owl2")
    with pytest.raises(B12kgError, match="unknown SHACL engine"):
        validate(kg, engine="jena")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:x:a> <urn:x:b> .\n")
    with pytest.raises(B12kgError, match=r"bad\.ttl"):
        validate(kg, shapes=[bad])


def test_report_formats() -> None:
    report = validate(fixture_graph("provenance_missing_claim"), inference="none")
    rows = report.to_tsv().splitlines()
    assert rows[0].split("\t") == ["focus", "path", "value", "severity", "message", "shape"]
    assert len(rows) == 3
    assert rows[1].split("\t")[:4] == [AXIOM, "b12kg:claim", "", "Violation"]
    text = report.text()
    assert text.startswith("conforms: no (2 results)\n- Violation: " + AXIOM + " b12kg:claim\n")
    r = ValidationResult("a", "b", "c", "Violation", "m")
    assert r.shape == ""


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    onto = ["--graph", str(ontology_file())]
    broken = runner.invoke(cli, ["validate", "--inference", "none", *onto,
                                 "--graph", str(SHACL / "edge_without_provenance.ttl")])
    assert broken.exit_code == 1, broken.output
    assert broken.output.startswith("conforms: no (1 result)")
    assert "has no complete provenance" in broken.output
    out = tmp_path / "report.tsv"
    tsv = runner.invoke(cli, ["validate", "--inference", "none", "--format", "tsv", "-o", str(out), *onto,
                              "--graph", str(SHACL / "dangling_reference.ttl")])
    assert tsv.exit_code == 1
    lines = out.read_text().splitlines()
    assert lines[0] == "focus\tpath\tvalue\tseverity\tmessage\tshape"
    assert len(lines) == 3
    ok = runner.invoke(cli, ["validate", "--inference", "none",
                             "--graph", str(ontology_file()), "--graph", str(SHACL / "valid_foods.ttl")])
    assert ok.exit_code == 0, ok.output
    assert ok.output == "conforms: yes (0 results)\n"


def test_cli_bundled_graph_conforms() -> None:
    result = CliRunner().invoke(cli, ["validate", "--inference", "none"])
    assert result.exit_code == 0, result.output
    assert result.output == "conforms: yes (0 results)\n"


def test_owlrl_inference_accepts_entailed_edges() -> None:
    """OWL RL adds inverse edges (numbness symptomOf deficiency): they need no provenance of their own."""
    assert validate(fixture_graph("valid_minimal"), inference="owlrl").results == []
    report = validate(fixture_graph("edge_without_provenance"), inference="owlrl")
    assert {(r.focus, r.path, r.value) for r in report.results} == {
        (DEF, "b12kg:hasSymptom", "b12kg:numbness"),
        ("b12kg:numbness", "b12kg:symptomOf", DEF),
    }


@pytest.mark.slow
def test_bundled_graph_conforms_with_owlrl_inference(kg: KnowledgeGraph) -> None:
    report = kg.validate(inference="owlrl")
    assert report.conforms, report.text()
    assert report.results == []
