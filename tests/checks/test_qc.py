"""The QC report: each check triggered exactly by its fixture, the bundled graph clean of ERRORs,
the profile, the output formats and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph, NothingCheckedError
from b12kg.checks.qc import Finding, QCProfileError, QCReport, default_profile_path, load_profile, run_qc
from b12kg.cli import cli

QC_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "qc"

#: check -> the exact (entity, property, value) rows its fixture adds to the bundled graph's report
EXPECTED: dict[str, set[tuple[str, str, str]]] = {
    "missing-label": {("b12kg:test_unlabelled", "rdfs:label", "")},
    "multiple-labels": {
        ("b12kg:test_twice_labelled", "rdfs:label", "test food one"),
        ("b12kg:test_twice_labelled", "rdfs:label", "test food two"),
    },
    "duplicate-label": {
        ("b12kg:cheese", "rdfs:label", "cheese"),
        ("b12kg:test_cheese_twin", "rdfs:label", "Cheese"),
    },
    "duplicate-label-across-kinds": {
        ("b12kg:TestMilk", "rdfs:label", "milk"),
        ("b12kg:milk", "rdfs:label", "milk"),
    },
    "label-whitespace": {("b12kg:test_spaced", "rdfs:label", " test  food")},
    "label-formatting": {
        ("b12kg:test_full_stop", "rdfs:label", "test food."),
        ("b12kg:test_tabbed", "rdfs:label", "test\tdrink"),
    },
    "missing-definition": {("b12kg:test_undefined", "skos:definition", "")},
    "missing-superclass": {("b12kg:TestFloatingClass", "rdfs:subClassOf", "")},
    "individual-without-type": {("b12kg:test_untyped", "rdf:type", "")},
    "deprecated-reference": {
        ("b12kg:cheese", "rdfs:seeAlso", "http://example.org/retired_cheese"),
        ("b12kg:milk", "rdfs:seeAlso", "http://example.org/old_milk"),
    },
    "malformed-xref": {
        ("b12kg:cheese", "oboInOwl:hasDbXref", "FOO:123"),
        ("b12kg:egg", "oboInOwl:hasDbXref", "MESH:"),
        ("b12kg:milk", "skos:exactMatch", "http://example.org/milk"),
    },
    "dangling-reference": {
        ("b12kg:cheese", "b12kg:inFoodGroup", "b12kg:dairy_prodcts"),
        ("b12kg:milk", "b12kg:undeclaredProperty", "b12kg:undeclaredProperty"),
    },
    "orphan-concept": {("b12kg:test_lonely_food", "", "")},
    "missing-provenance": {
        ("b12kg:cheese", "b12kg:inFoodGroup", "b12kg:fish"),
        ("b12kg:milk", "b12kg:inFoodGroup", "b12kg:fish"),
    },
    "undeclared-individual": {("b12kg:test_undeclared_food", "rdf:type", "owl:NamedIndividual")},
    "ontology-metadata": {
        ("b12kg:test-ontology", "dcterms:description", ""),
        ("b12kg:test-ontology", "dcterms:license", ""),
        ("b12kg:test-ontology", "owl:versionIRI", ""),
    },
}


@pytest.fixture(scope="module")
def bundled_report(kg: KnowledgeGraph) -> QCReport:
    return run_qc(kg)


def test_bundled_graph_has_no_errors(bundled_report: QCReport) -> None:
    assert bundled_report.counts()["ERROR"] == 0, bundled_report.to_table()
    assert not bundled_report.failed("error")


def test_bundled_graph_has_no_warnings(bundled_report: QCReport) -> None:
    assert bundled_report.counts()["WARN"] == 0, bundled_report.to_table()


def test_every_profile_check_has_a_fixture() -> None:
    names = {c.name for c in load_profile()}
    assert names == set(EXPECTED)
    assert {p.stem for p in QC_FIXTURES.glob("*.ttl")} == names


@pytest.mark.parametrize("check", sorted(EXPECTED))
def test_fixture_triggers_exactly_its_check(check: str, bundled_report: QCReport) -> None:
    report = run_qc(KnowledgeGraph.from_files([QC_FIXTURES / f"{check}.ttl"], with_bundled=True))
    new = set(report.findings) - set(bundled_report.findings)
    assert {(f.check, f.entity, f.property, f.value) for f in new} == {
        (check, *row) for row in EXPECTED[check]
    }


def test_exemptions_of_the_rewritten_checks_hold_exactly(tmp_path: Path, bundled_report: QCReport) -> None:
    # missing-superclass exempts the members of a disjointness axiom only when none of them has a superclass;
    # missing-provenance wants one axiom with both a source and a section (one without a section is not enough)
    f = tmp_path / "edge-cases.ttl"
    f.write_text(
        "@prefix b12kg: <https://w3id.org/b12kg/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "b12kg:TestTopA a owl:Class ; rdfs:label \"top a\"@en .\n"
        "b12kg:TestTopB a owl:Class ; rdfs:label \"top b\"@en .\n"
        "[] a owl:AllDisjointClasses ; owl:members ( b12kg:TestTopA b12kg:TestTopB ) .\n"
        "b12kg:TestPlacedC a owl:Class ; rdfs:label \"placed c\"@en ; rdfs:subClassOf b12kg:Food .\n"
        "b12kg:TestLooseD a owl:Class ; rdfs:label \"loose d\"@en .\n"
        "[] a owl:AllDisjointClasses ; owl:members ( b12kg:TestPlacedC b12kg:TestLooseD ) .\n"
        "[] a owl:Axiom ; owl:annotatedSource b12kg:milk ; owl:annotatedProperty b12kg:inFoodGroup ;\n"
        "   owl:annotatedTarget b12kg:fish ; dcterms:source b12kg:source_article .\n"
        "b12kg:milk b12kg:inFoodGroup b12kg:fish .\n",
        encoding="utf-8",
    )
    report = run_qc(KnowledgeGraph.from_files([f], with_bundled=True))
    new = {(x.check, x.entity, x.property, x.value) for x in set(report.findings) - set(bundled_report.findings)
           if x.check in ("missing-superclass", "missing-provenance")}
    assert new == {("missing-superclass", "b12kg:TestLooseD", "rdfs:subClassOf", ""),
                   ("missing-provenance", "b12kg:milk", "b12kg:inFoodGroup", "b12kg:fish")}


def test_imported_terms_are_not_checked(tmp_path: Path, bundled_report: QCReport) -> None:
    # an external term with neither label nor definition, a deprecated flag and no edges raises nothing
    f = tmp_path / "imported.ttl"
    f.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://example.org/ext/Thing> a owl:Class ; owl:deprecated true .\n"
        "<http://example.org/ext/item> a owl:NamedIndividual .\n",
        encoding="utf-8",
    )
    report = run_qc(KnowledgeGraph.from_files([f], with_bundled=True))
    assert set(report.findings) == set(bundled_report.findings)


def test_inferred_graph_is_not_checked(kg: KnowledgeGraph, bundled_report: QCReport) -> None:
    import pyoxigraph as ox

    g = KnowledgeGraph.bundled(cache=False, inferred=True)  # in memory, with the OWL RL closure
    inferred = ox.NamedNode("https://w3id.org/b12kg/graph/inferred")
    assert next(iter(g.store.quads_for_pattern(None, None, None, inferred)), None) is not None
    # an inverse edge without provenance would be a missing-provenance ERROR if it were asserted
    g.store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/b12kg/cheese"),
            ox.NamedNode("https://w3id.org/b12kg/inFoodGroup"),
            ox.NamedNode("https://w3id.org/b12kg/fish"),
            inferred,
        )
    )
    assert set(run_qc(g).findings) == set(bundled_report.findings)


def test_profile_levels_and_off(tmp_path: Path) -> None:
    profile = tmp_path / "profile.tsv"
    profile.write_text(
        "check\tlevel\tdescription\n"
        "orphan-concept\tERROR\tstricter than the bundled profile\n"
        "missing-definition\tOFF\tskipped\n",
        encoding="utf-8",
    )
    report = run_qc(KnowledgeGraph.from_files([QC_FIXTURES / "orphan-concept.ttl"], with_bundled=True), profile)
    assert [c.name for c in report.checks] == ["orphan-concept"]
    assert report.rows() == [("b12kg:test_lonely_food", "", "")]
    assert report.counts() == {"ERROR": 1, "WARN": 0, "INFO": 0}
    assert report.failed("error")


def test_profile_errors_name_file_and_line(tmp_path: Path) -> None:
    bad_level = tmp_path / "p1.tsv"
    bad_level.write_text("check\tlevel\norphan-concept\tFATAL\n", encoding="utf-8")
    with pytest.raises(QCProfileError, match=r"p1.tsv, line 2: level 'FATAL'"):
        load_profile(bad_level)
    unknown = tmp_path / "p2.tsv"
    unknown.write_text("no-such-check\tERROR\n", encoding="utf-8")
    with pytest.raises(QCProfileError, match=r"p2.tsv, line 1: no query file no-such-check.rq"):
        load_profile(unknown)


def test_profile_may_bring_its_own_checks(tmp_path: Path) -> None:
    (tmp_path / "plants-label.rq").write_text(
        'SELECT ?entity ?property ?value WHERE { ?entity rdfs:label ?value . FILTER(STR(?value) = "plants") '
        "BIND(rdfs:label AS ?property) }",
        encoding="utf-8",
    )
    profile = tmp_path / "profile.tsv"
    profile.write_text("plants-label\tINFO\tcustom check\n", encoding="utf-8")
    report = run_qc(KnowledgeGraph.bundled(), profile)
    assert [(f.level, f.check, f.entity, f.value) for f in report.findings] == [
        ("INFO", "plants-label", "b12kg:plants", "plants")
    ]


def test_bundled_profile_is_parseable_tsv() -> None:
    lines = default_profile_path().read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["check", "level", "description"]
    assert all(len(line.split("\t")) == 3 for line in lines[1:])


def _report() -> QCReport:
    return QCReport(
        load_profile(),
        [
            Finding(0, "missing-label", "b12kg:x", "rdfs:label", "", "ERROR", "add a label"),
            Finding(1, "label-whitespace", "b12kg:y", "rdfs:label", " a|b ", "WARN", "trim it"),
        ],
    )


def test_formats() -> None:
    r = _report()
    assert r.summary() == f"QC: 1 ERROR, 1 WARN, 0 INFO ({len(r.checks)} checks)"
    tsv = r.to_tsv().splitlines()
    assert tsv[0] == "level\tcheck\tentity\tproperty\tvalue\tfix"
    assert tsv[1] == "ERROR\tmissing-label\tb12kg:x\trdfs:label\t\tadd a label"
    data = json.loads(r.to_json())
    assert data["summary"] == {"ERROR": 1, "WARN": 1, "INFO": 0}
    assert data["findings"][1] == {
        "level": "WARN",
        "check": "label-whitespace",
        "entity": "b12kg:y",
        "property": "rdfs:label",
        "value": " a|b ",
        "fix": "trim it",
    }
    md = r.to_markdown()
    assert "| WARN | label-whitespace | b12kg:y | rdfs:label |  a\\|b  | trim it |" in md
    table = r.to_table().splitlines()
    assert table[0].split() == ["level", "check", "entity", "property", "value", "fix"]
    assert table[-1] == r.summary()
    assert r.failed("error") and r.failed("warn") and not r.failed("none")


def test_every_check_says_how_to_fix_its_findings() -> None:
    assert all(c.fix for c in load_profile()), [c.name for c in load_profile() if not c.fix]


def test_a_new_food_without_declaration_or_definition_gets_warnings_with_fixes(tmp_path: Path) -> None:
    """The contributor's slip of issue 13: a food typed b12kg:Food only, without a definition."""
    food = tmp_path / "seaweed.ttl"
    food.write_text('@prefix b12kg: <https://w3id.org/b12kg/> .\n'
                    '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    'b12kg:seaweed a b12kg:Food ; rdfs:label "seaweed"@en .\n', encoding="utf-8")
    report = run_qc(KnowledgeGraph.from_files([food], with_bundled=True))
    assert [(f.level, f.check, f.entity, f.fix) for f in report.findings] == [
        ("WARN", "missing-definition", "b12kg:seaweed",
         'add an English definition in your own words: b12kg:seaweed skos:definition "…"@en'),
        ("WARN", "orphan-concept", "b12kg:seaweed",
         "link b12kg:seaweed to another concept with a curated edge and its owl:Axiom provenance, or remove it"),
        ("WARN", "undeclared-individual", "b12kg:seaweed", "declare it: b12kg:seaweed a owl:NamedIndividual"),
    ]
    assert report.failed("warn") and not report.failed("error")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "it lists no check"),
    (b"check\tlevel\tdescription\n", "it lists no check"),
    (b"# only a comment\n\n", "it lists no check"),
    (b"check\tlevel\norphan-concept\tOFF\n", "every check is OFF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"\xff\xfe\x00c\x00h", "binary file"),
])
def test_a_profile_that_checks_nothing_fails(tmp_path: Path, content: bytes, message: str) -> None:
    profile = tmp_path / "profile.tsv"
    profile.write_bytes(content)
    with pytest.raises(QCProfileError, match=message):
        load_profile(profile)
    res = CliRunner().invoke(cli, ["qc", "--profile", str(profile)])
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"error: {profile}: ") and message in res.output
    assert "Traceback" not in res.output and len(res.output.splitlines()) == 1


def test_a_graph_without_b12kg_terms_fails(tmp_path: Path) -> None:
    other = tmp_path / "other.ttl"
    other.write_text('<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n', encoding="utf-8")
    with pytest.raises(NothingCheckedError, match="QC examined nothing"):
        run_qc(KnowledgeGraph.from_files([other]))
    res = CliRunner().invoke(cli, ["qc", "--graph", str(other)])
    assert res.exit_code == 2 and "QC examined nothing" in res.output, res.output


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["qc"])
    assert ok.exit_code == 0, ok.output
    assert "QC: 0 ERROR" in ok.output
    clean = runner.invoke(cli, ["qc", "--fail-on", "warn", "--format", "json"])
    assert clean.exit_code == 0, clean.output
    warn = runner.invoke(cli, ["qc", "--add", str(QC_FIXTURES / "orphan-concept.ttl"), "--fail-on", "warn"])
    assert warn.exit_code == 1 and "b12kg:test_lonely_food" in warn.output
    bad = runner.invoke(
        cli,
        [
            "qc",
            "--add",
            str(QC_FIXTURES / "missing-provenance.ttl"),
            "--format",
            "tsv",
            "--check",
            "missing-provenance",
        ],
    )
    assert bad.exit_code == 1
    assert "ERROR\tmissing-provenance\tb12kg:cheese\tb12kg:inFoodGroup\tb12kg:fish" in bad.output
    out = tmp_path / "qc.md"
    md = runner.invoke(cli, ["qc", "--format", "markdown", "-o", str(out), "--fail-on", "none"])
    assert md.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# b12kg QC report")
    unknown = runner.invoke(cli, ["qc", "--check", "no-such-check"])
    assert unknown.exit_code == 2
    assert "unknown QC check 'no-such-check'" in unknown.output
