"""SHACL validation: the bundled graph conforms, and each broken fixture is rejected with exactly the
expected results.

Each fixture in ``tests/fixtures/shacl/`` is a small graph (validated together with the ontology) with one
defect, named in its header comment; ``valid_*.ttl`` have none.
"""

from __future__ import annotations

import re
import subprocess
import sys
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
    "undeclared_property": {
        ("b12kg:numbness", "b12kg:locatedInn", "hands and feet", S + "PropertyDeclaredShape",
         "b12kg:locatedInn is not a property of the ontology (a typo?)"),
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
    got: dict[tuple[str, str, str, str], list[ValidationResult]] = {}
    for r in report.results:
        got.setdefault((r.focus, r.path, r.value, r.shape), []).append(r)
    assert set(got) == {e[:4] for e in expected}, report.text()
    for focus, path, value, shape, part in expected:
        for r in got[(focus, path, value, shape)]:
            assert part in r.message, (part, r.message)
            assert r.severity == "Violation"
            assert r.component.startswith("sh:") and r.component.endswith("ConstraintComponent")
    assert report.conforms is (not expected)
    assert report.notes == []


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
def test_compiled_engine_matches_pyshacl(name: str) -> None:
    """Identical results (focus, path, value, severity, message, shape, component) from both engines."""
    kg = fixture_graph(name)
    ours, theirs = validate(kg, inference="none"), validate(kg, inference="none", engine="pyshacl")
    assert ours.results == theirs.results
    assert (ours.conforms, ours.engine, theirs.engine) == (theirs.conforms, "oxigraph", "pyshacl")


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
    assert rows[0].split("\t") == ["focus", "path", "value", "severity", "message", "shape", "component"]
    assert len(rows) == 3
    assert rows[1].split("\t")[:4] == [AXIOM, "b12kg:claim", "", "Violation"]
    assert rows[1].split("\t")[6] == "sh:MinCountConstraintComponent"
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
    assert lines[0] == "focus\tpath\tvalue\tseverity\tmessage\tshape\tcomponent"
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


# -- the compiled engine: faults, fallback, cache, imports, scale ---------------------------------------------

SH_PREFIX = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"


@pytest.mark.parametrize(("content", "message"), [
    (b"@prefix ex: <urn:x:> .\nex:a ex:b ex:c .\n", "no SHACL shapes found"),
    (b"", "no SHACL shapes found"),
    (SH_PREFIX.encode() + b'<urn:x:S> a sh:NodeShape ; sh:targetClass owl:NamedIndividual ;\n'
     b'  sh:property [ sh:path "label" ; sh:minCount 1 ] .\n', 'is the literal "label"'),
    (b"\x00\x01\x02\xff binary", "a binary file, not RDF"),
    (b"hello { world", "line 1: not valid RDF"),
    (b"\xff\xfe\xfa not utf-8 {", "not valid RDF"),
])
def test_unusable_shapes_are_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_bytes(content)
    with pytest.raises(B12kgError, match=re.escape(message)):
        validate(fixture_graph("valid_minimal"), shapes=[shapes])
    result = CliRunner().invoke(cli, ["validate", "--shapes", str(shapes)])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in result.output
    assert "Traceback" not in result.output


def test_shapes_that_select_nothing_fail_the_command(tmp_path: Path) -> None:
    shapes = tmp_path / "nothing.ttl"
    shapes.write_text(SH_PREFIX + "<urn:x:S> a sh:NodeShape ; sh:targetClass <urn:x:NoSuchClass> ;\n"
                      "  sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .\n")
    report = validate(fixture_graph("valid_minimal"), shapes=shapes)
    assert (report.conforms, report.focus_nodes) == (True, 0)
    assert report.notes == ["the shapes selected no focus node: nothing was validated"]
    result = CliRunner().invoke(cli, ["validate", "--shapes", str(shapes)])
    assert result.exit_code == 2
    assert "nothing was validated" in result.output


def test_shapes_given_as_one_path_string(tmp_path: Path) -> None:
    """The API takes one path (a str or a Path) as well as a list: a str is not a list of characters."""
    kg = fixture_graph("missing_label")
    one = str(shapes_files()[0])
    assert validate(kg, shapes=one).results == validate(kg, shapes=[Path(one)]).results != []


def test_ill_typed_literal_is_a_finding_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text((SHACL / "valid_minimal.ttl").read_text() +
                   '<https://w3id.org/b12kg/section_3_other_symptoms> <https://w3id.org/b12kg/sectionOrder> '
                   '"abc"^^xsd:integer .\n')
    for engine in ("oxigraph", "pyshacl"):
        proc = subprocess.run([sys.executable, "-m", "b12kg", "validate", "--graph", str(ontology_file()), "--graph",
                               str(bad), "--engine", engine, "-f", "tsv"], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr == ""
        rows = {tuple(line.split("\t")[i] for i in (0, 1, 2, 6)) for line in proc.stdout.splitlines()[1:]}
        section = "b12kg:section_3_other_symptoms"
        assert rows == {
            (section, "b12kg:sectionOrder", "", "sh:MaxCountConstraintComponent"),
            (section, "b12kg:sectionOrder", "abc", "sh:DatatypeConstraintComponent"),
            (section, "b12kg:sectionOrder", "abc", "sh:MinInclusiveConstraintComponent"),
        }


def test_a_shape_the_compiler_cannot_translate_goes_to_pyshacl(tmp_path: Path) -> None:
    """A recursive shape is left to pyshacl, with the same results and a note saying so."""
    shapes = tmp_path / "recursive.ttl"
    shapes.write_text(SH_PREFIX + "@prefix b12kg: <https://w3id.org/b12kg/> .\n"
                      "<urn:x:S> a sh:NodeShape ; sh:targetNode b12kg:vitamin_b12_deficiency ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:node <urn:x:S> ] ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:minCount 2 ; sh:message \"two symptoms\" ] .\n"
                      "<urn:x:T> a sh:NodeShape ; sh:targetClass owl:NamedIndividual ;\n"
                      "  sh:property [ sh:path <urn:x:missing> ; sh:minCount 1 ; sh:message \"missing\" ] .\n")
    report = validate(fixture_graph("valid_minimal"), shapes=shapes)
    assert report.notes == ["shape urn:x:S validated by pyshacl: the SPARQL compiler does not support recursive "
                            "shapes (a shape that refers to itself)"]
    assert {(r.focus, r.component) for r in report.results} == {
        (DEF, "sh:MinCountConstraintComponent"), (DEF, "sh:NodeConstraintComponent")} | {
        (n, "sh:MinCountConstraintComponent") for n in ("b12kg:source_article", "b12kg:section_3_other_symptoms",
                                                         "b12kg:numbness")}
    assert report.results == validate(fixture_graph("valid_minimal"), shapes=shapes, engine="pyshacl").results


def test_the_compiled_checks_are_cached_and_a_damaged_entry_is_not_used(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B12KG_CACHE_DIR", str(tmp_path / "cache"))
    kg = fixture_graph("missing_label")
    first = validate(kg)
    entries = sorted((tmp_path / "cache" / "shacl").glob("checks-*.json"))
    assert len(entries) == 1
    assert validate(kg).results == first.results
    entries[0].write_bytes(entries[0].read_bytes().replace(b"LabelExactlyOne", b"LabelExactlyTwo"))
    assert validate(kg).results == first.results  # checksum mismatch: compiled again, rewritten
    assert b"LabelExactlyOne" in entries[0].read_bytes()


def test_default_validation_imports_neither_rdflib_nor_pyshacl() -> None:
    code = ("import sys\nfrom b12kg import KnowledgeGraph\nr = KnowledgeGraph.bundled().validate()\n"
            "print(r.conforms, r.engine, sorted(m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip() == "True oxigraph []"


@pytest.mark.slow
def test_bundled_graph_engines_agree(kg: KnowledgeGraph) -> None:
    ours, theirs = kg.validate(), kg.validate(engine="pyshacl")
    assert ours.results == theirs.results == []
    assert ours.focus_nodes == theirs.focus_nodes > 400


def test_class_tests_written_as_left_joins_match_pyshacl(tmp_path: Path) -> None:
    """sh:class and an sh:or of classes on a check's own values (compiled as left joins), an sh:or inside sh:node
    (compiled as FILTER NOT EXISTS) and sh:maxCount 0/1 (a test per focus node) give pyshacl's results."""
    shapes = tmp_path / "classes.ttl"
    shapes.write_text(SH_PREFIX + "@prefix b12kg: <https://w3id.org/b12kg/> .\n"
                      "<urn:x:S> a sh:NodeShape ; sh:targetNode b12kg:vitamin_b12_deficiency ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:class b12kg:Food ; sh:maxCount 0 ;\n"
                      "    sh:message \"m1\" ] ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:or ( [ sh:class b12kg:Food ]\n"
                      "                [ sh:class b12kg:Condition ] ) ; sh:maxCount 1 ; sh:message \"m2\" ] ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:or ( [ sh:class b12kg:Food ]\n"
                      "                [ sh:class b12kg:ClinicalFinding ] ) ; sh:message \"m3\" ] ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:node <urn:x:N> ; sh:message \"m4\" ] .\n"
                      "<urn:x:N> a sh:NodeShape ; sh:minInclusive 0 ;\n"
                      "  sh:or ( [ sh:class b12kg:Food ] [ sh:class b12kg:ClinicalFinding ] ) .\n")
    report = validate(fixture_graph("valid_minimal"), shapes=shapes)
    assert not report.notes
    assert {(r.focus, r.value, r.component) for r in report.results} == {
        (DEF, "b12kg:numbness", "sh:ClassConstraintComponent"), (DEF, "", "sh:MaxCountConstraintComponent"),
        (DEF, "b12kg:numbness", "sh:OrConstraintComponent"), (DEF, "b12kg:numbness", "sh:NodeConstraintComponent")}
    assert report.results == validate(fixture_graph("valid_minimal"), shapes=shapes, engine="pyshacl").results


def test_focus_census_counts_once_and_names_the_targets_that_select_nothing(tmp_path: Path) -> None:
    """The focus nodes are counted together (a node of two targets once), the targets that select no node are
    named, and their checks are skipped with the same results as pyshacl (the other checks still run)."""
    import pyoxigraph as ox

    from b12kg.checks.shacl.runner import focus_census

    store, a = ox.Store(), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for s, c in (("a", "C"), ("b", "C"), ("b", "D")):
        store.add(ox.Quad(ox.NamedNode(f"urn:x:{s}"), a, ox.NamedNode(f"urn:x:{c}")))
    patterns = [f"{{ SELECT DISTINCT ?this WHERE {{ ?this a <urn:x:{c}> }} }}" for c in ("C", "D", "E")]
    assert focus_census(store, None, patterns) == (2, frozenset({patterns[2]}))
    assert focus_census(store, None, patterns[2:]) == (0, frozenset(patterns[2:]))
    assert focus_census(store, None, []) == (0, frozenset())

    shapes = tmp_path / "targets.ttl"
    shapes.write_text(SH_PREFIX + "@prefix b12kg: <https://w3id.org/b12kg/> .\n"
                      "<urn:x:Empty> a sh:NodeShape ; sh:targetClass <urn:x:Nothing> ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:minCount 5 ; sh:message \"m1\" ] .\n"
                      "<urn:x:Full> a sh:NodeShape ; sh:targetNode b12kg:vitamin_b12_deficiency ;\n"
                      "  sh:property [ sh:path b12kg:hasSymptom ; sh:minCount 5 ; sh:message \"m2\" ] .\n")
    report = validate(fixture_graph("valid_minimal"), shapes=shapes)
    assert [(r.focus, r.message) for r in report.results] == [(DEF, "m2")]
    assert report.focus_nodes == 1
    assert report.results == validate(fixture_graph("valid_minimal"), shapes=shapes, engine="pyshacl").results
